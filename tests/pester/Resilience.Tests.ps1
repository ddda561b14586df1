# Resilience behaviour of design section 5 that the fault matrix does not show: Ctrl+C with requests in flight,
# progress (and its absence under SilentlyContinue), the rate-limit wait's warning and countdown, a reset
# beyond MaxRateLimitWait, coalesced token renewals, and which requests are retried.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:manifest = Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1'
    $script:emu = Start-OneLoginEmulator -Users 1000
    $script:ids = [long[]] @($emu.FirstUserId..($emu.FirstUserId + 999))

    # A [powershell] with its own runspace, the built module imported and connected to -Emulator: its
    # Streams show exactly what a user's console would get (progress, warnings), and Stop() is Ctrl+C.
    function New-TestShell {
        param(
            [Parameter(Mandatory)] $Emulator,
            [timespan] $MaxRateLimitWait = [timespan]::FromMinutes(1)
        )
        $shell = [powershell]::Create()
        $null = $shell.AddScript({
                param($Manifest, $Url, $Credential, $MaxRateLimitWait)
                $ErrorActionPreference = 'Stop'
                Import-Module -Name $Manifest
                Connect-OneLogin -BaseUri $Url -Credential $Credential -MaxRateLimitWait $MaxRateLimitWait
            }).AddParameters(@{ Manifest = $manifest; Url = $Emulator.Url; Credential = $Emulator.Credential; MaxRateLimitWait = $MaxRateLimitWait })
        $null = $shell.Invoke()
        $shell.Commands.Clear()
        $shell
    }

    # Runs a script in the shell (fresh streams) and returns its output.
    function Invoke-InShell {
        param(
            [Parameter(Mandatory)] [powershell] $Shell,
            [Parameter(Mandatory)] [string] $Script,
            [hashtable] $Parameter = @{}
        )
        $Shell.Commands.Clear()
        $Shell.Streams.ClearStreams()
        $null = $Shell.AddScript($Script).AddParameters($Parameter)
        $Shell.Invoke()
    }

    function Wait-Until {
        param(
            [Parameter(Mandatory)] [scriptblock] $Condition,
            [timespan] $Timeout = [timespan]::FromSeconds(10)
        )
        $deadline = [datetime]::UtcNow + $Timeout
        while (-not (& $Condition)) {
            if ([datetime]::UtcNow -gt $deadline) {
                return $false
            }
            Start-Sleep -Milliseconds 20
        }
        $true
    }
}

AfterAll {
    Disconnect-OneLogin -ErrorAction SilentlyContinue
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Resilience' {
    BeforeEach {
        Reset-OneLoginEmulator -Emulator $emu
    }

    Context 'Ctrl+C' {
        It 'stops a sweep with requests in flight within a second and leaves nothing running' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ latencyMs = 300 }
            $shell = New-TestShell -Emulator $emu
            try {
                $null = $shell.AddScript('Get-OneLoginUser | Get-OneLoginAvailableAuthFactor -ThrottleLimit 8')
                $async = $shell.BeginInvoke()
                Wait-Until { (Get-OneLoginEmulatorStat -Emulator $emu).inFlight -ge 8 } | Should -BeTrue -Because 'the sweep must have requests in flight'

                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $shell.Stop()
                $clock.Stop()

                $clock.Elapsed | Should -BeLessThan ([timespan]::FromSeconds(1))
                $shell.InvocationStateInfo.State | Should -Be 'Stopped'
                $async.IsCompleted | Should -BeTrue
                # The in-flight requests were cancelled (the emulator saw the client go), not left to finish...
                Wait-Until { (Get-OneLoginEmulatorStat -Emulator $emu).inFlight -eq 0 } -Timeout ([timespan]::FromSeconds(1)) | Should -BeTrue
                # ...and nothing queued behind them is sent later.
                $sent = @(Get-OneLoginEmulatorRequest -Emulator $emu).Count
                Start-Sleep -Milliseconds 800
                @(Get-OneLoginEmulatorRequest -Emulator $emu).Count | Should -Be $sent
                $sent | Should -BeLessThan 100 -Because 'the sweep was stopped early'
            }
            finally {
                $shell.Dispose()
            }
        }
    }

    Context 'progress' {
        BeforeAll {
            $script:shell = New-TestShell -Emulator $emu
        }

        AfterAll {
            $shell.Dispose()
        }

        It 'Get-OneLoginUser reports "n of Total-Count" per page, then completes' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{}
            $users = Invoke-InShell -Shell $shell -Script 'Get-OneLoginUser'
            $users | Should -HaveCount 1000
            $records = @($shell.Streams.Progress | Where-Object Activity -EQ 'Getting OneLogin users')
            $running = @($records | Where-Object RecordType -EQ 'Processing')
            # One record per page of 50: the first, after 50 users, already knows the total from Total-Count.
            $running | Should -HaveCount 20
            $running[0].StatusDescription | Should -Be '50 of 1000'
            $running[0].PercentComplete | Should -Be 5
            $running[-1].StatusDescription | Should -Be '1000 of 1000'
            $running[-1].PercentComplete | Should -Be 100
            $records[-1].RecordType | Should -Be 'Completed'
        }

        It 'a per-user sweep reports how many users are done' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ latencyMs = 20 }
            $out = Invoke-InShell -Shell $shell -Script 'param($Ids) $Ids | Get-OneLoginAvailableAuthFactor -ThrottleLimit 1' -Parameter @{ Ids = $ids[0..79] }
            $out | Should -Not -BeNullOrEmpty
            $records = @($shell.Streams.Progress | Where-Object Activity -EQ 'Getting available OneLogin MFA factors')
            $running = @($records | Where-Object RecordType -EQ 'Processing')
            $running.Count | Should -BeGreaterThan 0
            $running | ForEach-Object { $_.StatusDescription | Should -Match '^\d+ users done$' }
            $records[-1].RecordType | Should -Be 'Completed'
        }

        It 'nothing at all when $ProgressPreference is SilentlyContinue (paging, a long sweep, a rate-limit wait)' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ latencyMs = 5; rateLimit = 150; rateWindowSeconds = 2 }
            $script = '$ProgressPreference = "SilentlyContinue"; Get-OneLoginUser -First 200 | Get-OneLoginAvailableAuthFactor -ThrottleLimit 2'
            $out = Invoke-InShell -Shell $shell -Script $script
            $out | Should -Not -BeNullOrEmpty
            $shell.Streams.Warning | Should -HaveCount 1 -Because 'a rate-limit wait did happen'
            $shell.Streams.Progress | Should -BeNullOrEmpty
        }
    }

    Context 'rate-limit waits' {
        BeforeAll {
            # Own emulator: the governor's knowledge of a spent budget is per account for the whole process.
            $script:limited = Start-OneLoginEmulator -Users 200
        }

        AfterAll {
            Stop-OneLoginEmulator -Emulator $limited
        }

        It 'waits for each reset with one warning and a countdown, and nothing is refused' {
            Set-OneLoginEmulatorConfig -Emulator $limited -Setting @{ rateLimit = 50; rateWindowSeconds = 2 }
            $shell = New-TestShell -Emulator $limited
            try {
                $firstId = $limited.FirstUserId
                $out = Invoke-InShell -Shell $shell -Script 'param($Ids) $Ids | Get-OneLoginAvailableAuthFactor -ThrottleLimit 8' -Parameter @{ Ids = [long[]] ($firstId..($firstId + 119)) }
                @($out.UserId | Select-Object -Unique).Count | Should -BeGreaterThan 100
                $shell.Streams.Error | Should -BeNullOrEmpty
                # 120 calls at 50 per window: at least two waits, still one warning.
                $shell.Streams.Warning | Should -HaveCount 1
                $shell.Streams.Warning[0].Message | Should -Match 'rate limit'
                $countdown = @($shell.Streams.Progress | Where-Object Activity -EQ 'Waiting for the OneLogin rate limit to reset')
                @($countdown | Where-Object { $_.RecordType -eq 'Processing' -and $_.SecondsRemaining -ge 1 }) | Should -Not -BeNullOrEmpty
                @($countdown | Where-Object RecordType -EQ 'Completed') | Should -Not -BeNullOrEmpty
                (Get-OneLoginEmulatorStat -Emulator $limited).rateLimitedResponses | Should -Be 0
            }
            finally {
                $shell.Dispose()
            }
        }

        It 'a reset beyond MaxRateLimitWait is a terminating OneLoginRateLimited, without sending the refused call' {
            Reset-OneLoginEmulator -Emulator $limited
            Set-OneLoginEmulatorConfig -Emulator $limited -Setting @{ rateLimit = 20; rateWindowSeconds = 600 }
            # A client id of its own: a budget this governor has not seen before.
            $connection = Connect-OneLogin -BaseUri $limited.Url -Credential $limited.ReadOnlyCredential -MaxRateLimitWait ([timespan]::FromSeconds(5)) -PassThru
            Clear-OneLoginEmulatorRequest -Emulator $limited
            $firstId = $limited.FirstUserId
            $out = [System.Collections.Generic.List[object]]::new()
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $thrown = $null
            try {
                [long[]] ($firstId..($firstId + 59)) | Get-OneLoginAvailableAuthFactor -Connection $connection -ThrottleLimit 4 -ErrorAction SilentlyContinue | ForEach-Object { $out.Add($_) }
            }
            catch {
                $thrown = $_
            }
            $clock.Stop()

            $thrown | Should -Not -BeNullOrEmpty
            $thrown.FullyQualifiedErrorId | Should -BeLike 'OneLoginRateLimited,*'
            $thrown.CategoryInfo.Category | Should -Be 'LimitsExceeded'
            $clock.Elapsed | Should -BeLessThan ([timespan]::FromSeconds(5)) -Because 'it must not wait for a reset it will not reach'
            $log = @(Get-OneLoginEmulatorRequest -Emulator $limited | Where-Object path -Like '/api/1/*')
            $log | Should -HaveCount 20 -Because 'the budget, and not one call more'
            @($log | Where-Object rateLimited) | Should -BeNullOrEmpty
        }
    }

    Context 'token renewal' {
        It 'many concurrent 401s after the token is revoked coalesce into one token request' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ latencyMs = 100 }
            $connection = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -PassThru
            # One call first, so the rate budget is known and the sweep goes out as one wave (with the budget
            # unknown, a single probe call would meet the revoked token alone).
            Get-OneLoginAvailableAuthFactor -UserId $ids[0] -Connection $connection | Out-Null
            Invoke-OneLoginEmulatorRevokeAll -Emulator $emu
            Clear-OneLoginEmulatorRequest -Emulator $emu

            $out = $ids[0..47] | Get-OneLoginAvailableAuthFactor -Connection $connection -ThrottleLimit 16 -ErrorVariable errs
            $errs | Should -BeNullOrEmpty
            @($out.UserId | Select-Object -Unique).Count | Should -BeGreaterThan 40
            $log = @(Get-OneLoginEmulatorRequest -Emulator $emu)
            @($log | Where-Object status -EQ 401).Count | Should -BeGreaterThan 8 -Because 'the whole first wave went out with the revoked token'
            @($log | Where-Object path -EQ '/auth/oauth2/v2/token') | Should -HaveCount 1
        }

        It 'a renewal ahead of expiry that gets the same token back does not make a later 401 fatal' {
            # OneLogin returns the same token until it expires (reference 2.1). Timeline (token lifetime 4 s,
            # so renewal starts 0.4 s before expiry; every call takes 1 s before the emulator checks its token):
            #   expiry - 0.6 s  call A goes out with the token (not yet due for renewal)
            #   expiry - 0.15 s call B renews ahead of expiry and gets the very same token back
            #   expiry + 0.4 s  call A is refused (401): it must get a really new token, not B's copy of the old one
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ tokenLifetimeSeconds = 4; latencyMs = 1000 }
            Invoke-OneLoginEmulatorRevokeAll -Emulator $emu
            $connection = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -PassThru
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddScript({ param($Manifest) Import-Module -Name $Manifest }).AddParameter('Manifest', $manifest)
                $null = $shell.Invoke()
                $shell.Commands.Clear()
                $null = $shell.AddScript({
                        param($Connection, $UserId)
                        Get-OneLoginAvailableAuthFactor -UserId $UserId -Connection $Connection
                    }).AddParameters(@{ Connection = $connection; UserId = $ids[1] })

                $sleepUntil = {
                    param([timespan] $BeforeExpiry)
                    $wait = $connection.TokenExpiresAt - $BeforeExpiry - [datetimeoffset]::UtcNow
                    if ($wait -gt [timespan]::Zero) {
                        Start-Sleep -Milliseconds $wait.TotalMilliseconds
                    }
                }
                & $sleepUntil ([timespan]::FromMilliseconds(600))
                $callA = $shell.BeginInvoke()
                & $sleepUntil ([timespan]::FromMilliseconds(150))
                $outB = Get-OneLoginAvailableAuthFactor -UserId $ids[2] -Connection $connection -ErrorVariable errorsB
                $outA = $shell.EndInvoke($callA)

                $shell.Streams.Error | Should -BeNullOrEmpty
                $outA | Should -Not -BeNullOrEmpty
                $errorsB | Should -BeNullOrEmpty
                $outB | Should -Not -BeNullOrEmpty
                $log = @(Get-OneLoginEmulatorRequest -Emulator $emu)
                @($log | Where-Object status -EQ 401).Count | Should -BeGreaterThan 0 -Because 'the scenario must really have happened'
            }
            finally {
                $shell.Dispose()
            }
        }
    }

    Context 'which requests are retried' {
        BeforeAll {
            # A fresh, long-lived token: earlier tests left short-lived ones behind.
            Reset-OneLoginEmulator -Emulator $emu
            Invoke-OneLoginEmulatorRevokeAll -Emulator $emu
            $script:retrying = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -MaxRetry 2 -PassThru
        }

        It 'a POST answered <Fault> is not sent again: one request, one OneLoginServiceError' -TestCases @(
            @{ Fault = '503'; Setting = @{ failEveryN = 1; failStatus = 503 } }
            @{ Fault = 'by a connection reset'; Setting = @{ resetEveryN = 1 } }
        ) {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting $Setting
            Clear-OneLoginEmulatorRequest -Emulator $emu
            $userId = $ids[5]
            $out = New-OneLoginMfaToken -UserId $userId -Connection $retrying -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'OneLoginServiceError,*'
            $errs[0].TargetObject | Should -Be $userId
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ "/api/1/users/$userId/mfa_token") | Should -HaveCount 1
        }

        It 'a GET answered <Fault> is retried MaxRetry times, then one OneLoginServiceError' -TestCases @(
            @{ Fault = '503'; Setting = @{ failEveryN = 1; failStatus = 503 } }
            @{ Fault = 'by a connection reset'; Setting = @{ resetEveryN = 1 } }
        ) {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting $Setting
            Clear-OneLoginEmulatorRequest -Emulator $emu
            $userId = $ids[6]
            $out = Get-OneLoginAvailableAuthFactor -UserId $userId -Connection $retrying -ErrorVariable errs -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'OneLoginServiceError,*'
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ "/api/1/users/$userId/auth_factors") | Should -HaveCount 3
        }

        It 'a GET that fails once is retried and succeeds' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ failEveryN = 2; failStatus = 503 }
            Clear-OneLoginEmulatorRequest -Emulator $emu
            # Request 1 passes, 2 fails, 3 passes: the second user's call is retried once.
            $out = $ids[7], $ids[8] | Get-OneLoginAvailableAuthFactor -Connection $retrying -ThrottleLimit 1 -ErrorVariable errs
            $errs | Should -BeNullOrEmpty
            $log = @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/1/*')
            $log.status | Should -Be 200, 503, 200
            $log.path | Should -Be "/api/1/users/$($ids[7])/auth_factors", "/api/1/users/$($ids[8])/auth_factors", "/api/1/users/$($ids[8])/auth_factors"
            $out | Should -Not -BeNullOrEmpty
        }
    }
}
