# The fault matrix of issue 4 (design section 5): 1,000 users through
# Get-OneLoginUser | Get-OneLoginAvailableAuthFactor under each injected fault and under all of them at once.
# Every run is held to the same invariant: each user yields exactly the factors of a clean sweep or exactly one
# ErrorRecord (never both, never twice, never neither), nothing terminates, and the emulator never sees more
# requests at once than the commands may have in flight. Windows and lifetimes are scaled down to seconds.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $ProgressPreference = 'SilentlyContinue'
    $script:userCount = 1000
    $script:emu = Start-OneLoginEmulator -Users $userCount
    $script:ids = [long[]] @($emu.FirstUserId..($emu.FirstUserId + $userCount - 1))
    $script:position = @{}
    for ($i = 0; $i -lt $ids.Count; $i++) {
        $position[$ids[$i]] = $i
    }
    $script:htmlUser = $ids[417]
    $script:truncatedUser = $ids[733]

    # One sweep on a fresh emulator state: the settings applied, a token issued under them, the log cleared.
    function Invoke-FaultSweep {
        param(
            [hashtable] $Setting = @{},
            [int] $ThrottleLimit = 4,
            [timespan] $MaxRateLimitWait = [timespan]::FromMinutes(1),
            # Runs after Connect-OneLogin and before the log is cleared (e.g. another client spends the budget).
            [scriptblock] $BeforeSweep
        )
        Reset-OneLoginEmulator -Emulator $emu
        # Drop the token earlier runs left valid, so this run's token has this run's lifetime.
        Invoke-OneLoginEmulatorRevokeAll -Emulator $emu
        if ($Setting.Count) {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting $Setting
        }
        $connection = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -MaxRateLimitWait $MaxRateLimitWait -PassThru
        if ($BeforeSweep) {
            & $BeforeSweep
        }
        Clear-OneLoginEmulatorRequest -Emulator $emu

        $listed = $null
        $listErrors = $null
        $factorErrors = $null
        $listWarnings = $null
        $factorWarnings = $null
        $terminating = $null
        $factors = @()
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        try {
            $factors = @(
                Get-OneLoginUser -Connection $connection -ErrorVariable listErrors -ErrorAction SilentlyContinue -WarningVariable listWarnings -WarningAction SilentlyContinue |
                    Tee-Object -Variable listed |
                    Get-OneLoginAvailableAuthFactor -Connection $connection -ThrottleLimit $ThrottleLimit -ErrorVariable factorErrors -ErrorAction SilentlyContinue -WarningVariable factorWarnings -WarningAction SilentlyContinue
            )
        }
        catch {
            $terminating = $_
        }
        $clock.Stop()
        Write-Host ('      sweep: {0:n1} s, throttle {1}, {2} factors, {3} errors, settings {4}' -f $clock.Elapsed.TotalSeconds, $ThrottleLimit, $factors.Count, @($factorErrors).Count, (ConvertTo-Json -InputObject $Setting -Compress))
        [pscustomobject]@{
            ThrottleLimit  = $ThrottleLimit
            Listed         = @($listed)
            Factors        = $factors
            ListErrors     = @($listErrors)
            Errors         = @($factorErrors)
            ListWarnings   = @($listWarnings)
            Warnings       = @($factorWarnings)
            Terminating    = $terminating
            Stats          = Get-OneLoginEmulatorStat -Emulator $emu
            Log            = @(Get-OneLoginEmulatorRequest -Emulator $emu)
            Elapsed        = $clock.Elapsed
        }
    }

    function Get-ErrorId {
        param($ErrorRecord)
        $ErrorRecord.FullyQualifiedErrorId.Split(',')[0]
    }

    # userId -> the sorted factor ids the user yielded, e.g. "2,4,9" ("" for none).
    function Get-FactorSet {
        param($Factors)
        $byUser = @{}
        foreach ($factor in $Factors) {
            $key = [long] $factor.UserId
            if (-not $byUser.ContainsKey($key)) {
                $byUser[$key] = [System.Collections.Generic.List[long]]::new()
            }
            $byUser[$key].Add([long] $factor.FactorId)
        }
        $sets = @{}
        foreach ($key in $byUser.Keys) {
            $sets[$key] = (@($byUser[$key] | Sort-Object) -join ',')
        }
        $sets
    }

    # The design's invariant for one run. -ExpectedError: userId -> the ErrorId that user must get.
    # -AllowedErrorId: what any other user may get instead of its factors (a fault that outlasted MaxRetry).
    function Assert-SweepInvariant {
        param(
            [Parameter(Mandatory)] $Run,
            [string[]] $AllowedErrorId = @(),
            [hashtable] $ExpectedError = @{}
        )
        $Run.Terminating | Should -BeNullOrEmpty -Because 'no injected fault may end the sweep'
        $Run.ListErrors | Should -BeNullOrEmpty -Because 'Get-OneLoginUser must list every page'
        $Run.Listed.Count | Should -Be $ids.Count
        $Run.Stats.inFlight | Should -Be 0 -Because 'nothing is left running once the pipeline has returned'
        # Get-OneLoginUser upstream has its own page request in flight while the per-user command holds its
        # ThrottleLimit slots; the exact per-command bound is asserted in the 'bounded concurrency' tests.
        $Run.Stats.peakInFlight | Should -BeLessOrEqual ($Run.ThrottleLimit + 1)

        $problems = [System.Collections.Generic.List[string]]::new()
        $got = Get-FactorSet -Factors $Run.Factors
        $errorsByUser = @{}
        foreach ($record in $Run.Errors) {
            if ($record.TargetObject -isnot [long]) {
                $problems.Add("an error whose TargetObject is not a user id: $(Get-ErrorId $record): $($record.Exception.Message)")
                continue
            }
            $errorsByUser[[long] $record.TargetObject] += @(Get-ErrorId $record)
        }

        foreach ($id in $ids) {
            $errorIds = @(if ($errorsByUser.ContainsKey($id)) { $errorsByUser[$id] })
            if ($ExpectedError.ContainsKey($id)) {
                if ($errorIds.Count -ne 1 -or $errorIds[0] -ne $ExpectedError[$id]) {
                    $problems.Add("user ${id}: expected exactly one $($ExpectedError[$id]), got [$($errorIds -join ', ')]")
                }
                if ($got.ContainsKey($id)) {
                    $problems.Add("user ${id}: wrote factors as well as its error")
                }
                continue
            }
            if ($errorIds.Count -gt 1) {
                $problems.Add("user ${id}: $($errorIds.Count) errors [$($errorIds -join ', ')]")
            }
            elseif ($errorIds.Count -eq 1) {
                if ($errorIds[0] -notin $AllowedErrorId) {
                    $problems.Add("user ${id}: unexpected error $($errorIds[0])")
                }
                if ($got.ContainsKey($id)) {
                    $problems.Add("user ${id}: wrote factors as well as an error")
                }
            }
            else {
                $actual = if ($got.ContainsKey($id)) { $got[$id] } else { '' }
                if ($actual -ne $baseline[$id]) {
                    $problems.Add("user ${id}: factors [$actual], clean sweep [$($baseline[$id])]")
                }
            }
        }

        # Output keeps input order.
        $last = -1
        foreach ($factor in $Run.Factors) {
            $at = $position[[long] $factor.UserId]
            if ($at -lt $last) {
                $problems.Add("user $($factor.UserId) written after a later user")
                break
            }
            $last = $at
        }

        ($problems | Select-Object -First 10) -join [Environment]::NewLine | Should -BeNullOrEmpty
    }

    # The clean sweep every faulty run is compared with.
    $script:clean = Invoke-FaultSweep -ThrottleLimit 4
    $script:baseline = @{}
    $cleanSets = Get-FactorSet -Factors $clean.Factors
    foreach ($id in $ids) {
        $baseline[$id] = if ($cleanSets.ContainsKey($id)) { $cleanSets[$id] } else { '' }
    }
}

AfterAll {
    Disconnect-OneLogin -ErrorAction SilentlyContinue
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Fault matrix: Get-OneLoginUser | Get-OneLoginAvailableAuthFactor over 1,000 users' {
    Context 'clean sweep' {
        It 'lists every user once, writes factors for most of them and no error' {
            $clean.Terminating | Should -BeNullOrEmpty
            $clean.Errors | Should -BeNullOrEmpty
            @($clean.Listed.Id | Select-Object -Unique) | Should -HaveCount $userCount
            # The emulator enrols every factor for each tenth user: those have nothing left to enroll.
            @($baseline.Values | Where-Object { $_ }).Count | Should -BeGreaterThan 800
            @($clean.Log | Where-Object path -Like '/api/1/users/*/auth_factors') | Should -HaveCount $userCount
        }

        It 'holds the invariant' {
            Assert-SweepInvariant -Run $clean
        }
    }

    Context 'bounded concurrency' {
        It 'keeps exactly -ThrottleLimit <Throttle> requests in flight, never more' -TestCases @(
            @{ Throttle = 4 }
            @{ Throttle = 8 }
        ) {
            Reset-OneLoginEmulator -Emulator $emu
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ latencyMs = 20 }
            $connection = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -PassThru
            Clear-OneLoginEmulatorRequest -Emulator $emu
            # Ids from an array, so the only requests are this command's own.
            $out = $ids[0..199] | Get-OneLoginAvailableAuthFactor -Connection $connection -ThrottleLimit $Throttle
            $out | Should -Not -BeNullOrEmpty
            (Get-OneLoginEmulatorStat -Emulator $emu).peakInFlight | Should -Be $Throttle
        }
    }

    Context 'one fault at a time' {
        It '10% 503s (every 10th request) at ThrottleLimit 8: retried, every user yields its factors or one OneLoginServiceError' {
            $run = Invoke-FaultSweep -Setting @{ failEveryN = 10 } -ThrottleLimit 8
            @($run.Log | Where-Object status -EQ 503).Count | Should -BeGreaterThan 90
            Assert-SweepInvariant -Run $run -AllowedErrorId 'OneLoginServiceError'
            # Each user's call was retried until it got through (a user can only fail after MaxRetry 503s in a row).
            $run.Errors.Count | Should -BeLessOrEqual 3
        }

        It 'connection resets (every 25th request) at ThrottleLimit 4: retried like a 503' {
            $run = Invoke-FaultSweep -Setting @{ resetEveryN = 25 } -ThrottleLimit 4
            @($run.Log | Where-Object injectedFault -EQ 'reset').Count | Should -BeGreaterThan 30
            Assert-SweepInvariant -Run $run -AllowedErrorId 'OneLoginServiceError'
            $run.Errors.Count | Should -BeLessOrEqual 3
        }

        It '429 bursts with Retry-After (every 200th request): each waits its Retry-After, nothing is lost' {
            $run = Invoke-FaultSweep -Setting @{ burst429EveryN = 200 } -ThrottleLimit 8
            @($run.Log | Where-Object status -EQ 429).Count | Should -BeGreaterThan 3
            Assert-SweepInvariant -Run $run
            $run.Errors | Should -BeNullOrEmpty
            # One warning per command at most, however many waits.
            $run.Warnings.Count | Should -BeLessOrEqual 1
            $run.ListWarnings.Count | Should -BeLessOrEqual 1
        }

        It 'a budget smaller than the sweep (400 calls per 3 s window): waits for each reset, never refused' {
            $run = Invoke-FaultSweep -Setting @{ rateLimit = 400; rateWindowSeconds = 3 } -ThrottleLimit 8 -MaxRateLimitWait ([timespan]::FromSeconds(30))
            Assert-SweepInvariant -Run $run
            $run.Errors | Should -BeNullOrEmpty
            # The budget was fresh at the start and every response carried the headers, so the governor always
            # knew the remaining budget: it must never have sent a call the emulator refused.
            @($run.Log | Where-Object rateLimited) | Should -BeNullOrEmpty
            $run.Stats.rateLimitedResponses | Should -Be 0
            # Every user was asked exactly once: nothing was refused, so nothing was sent again.
            @($run.Log | Where-Object path -Like '/api/1/*') | Should -HaveCount $userCount
            # It did have to wait (1,000 calls > 400 per window) and said so once.
            $run.Warnings | Should -HaveCount 1
            $run.Elapsed | Should -BeGreaterThan ([timespan]::FromSeconds(5))
        }

        It 'a budget another credential of the account has spent: <Case>' -TestCases @(
            @{ Case = '429 without Retry-After'; Setting = @{ rateLimit = 500; rateWindowSeconds = 2; retryAfter = $false; limitResponse = '429' }; Status = 429; Throttle = 4 }
            @{ Case = '400 rate_limit_exceeded without Retry-After'; Setting = @{ rateLimit = 500; rateWindowSeconds = 2; retryAfter = $false; limitResponse = '400' }; Status = 400; Throttle = 8 }
        ) {
            # Another runbook, with the read-only credential, uses up this window; this process's governor for
            # the full credential cannot know that until its first responses come back.
            $spend = {
                $other = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.ReadOnlyCredential -PassThru
                $ids[0..499] | Get-OneLoginAvailableAuthFactor -Connection $other -ThrottleLimit 8 | Out-Null
            }
            $run = Invoke-FaultSweep -Setting $Setting -ThrottleLimit $Throttle -MaxRateLimitWait ([timespan]::FromSeconds(30)) -BeforeSweep $spend
            Assert-SweepInvariant -Run $run
            $run.Errors | Should -BeNullOrEmpty

            $metered = @($run.Log | Where-Object path -Like '/api/1/*')
            $refused = @($metered | Where-Object rateLimited)
            $refused.Count | Should -BeGreaterThan 0 -Because 'the first calls cannot know the budget is gone'
            $refused.status | Select-Object -Unique | Should -Be $Status
            # Only the first wave, sent before any response had told the governor: at most one per slot, and
            # they are the very first metered calls of the sweep. After that it knew, and nothing was refused.
            $refused.Count | Should -BeLessOrEqual $Throttle
            @($metered[0..($refused.Count - 1)] | Where-Object { -not $_.rateLimited }) | Should -BeNullOrEmpty
            $run.Warnings | Should -HaveCount 1
        }

        It 'the token expiring mid-run (2 s lifetime): renewed, nothing lost' {
            $run = Invoke-FaultSweep -Setting @{ tokenLifetimeSeconds = 2; latencyMs = 5 } -ThrottleLimit 4
            $run.Elapsed | Should -BeGreaterThan ([timespan]::FromSeconds(2.5)) -Because 'the sweep must outlive the token'
            @($run.Log | Where-Object path -EQ '/auth/oauth2/v2/token').Count | Should -BeGreaterThan 1
            Assert-SweepInvariant -Run $run
            $run.Errors | Should -BeNullOrEmpty
        }

        It 'an HTML page instead of JSON for one user: exactly one OneLoginResponseInvalid for that user' {
            $run = Invoke-FaultSweep -Setting @{ htmlUserIds = @($htmlUser) } -ThrottleLimit 4
            Assert-SweepInvariant -Run $run -ExpectedError @{ $htmlUser = 'OneLoginResponseInvalid' }
            $run.Errors | Should -HaveCount 1
            $run.Errors[0].TargetObject | Should -Be $htmlUser
            $run.Errors[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        }

        It 'truncated JSON for one user: exactly one OneLoginResponseInvalid for that user' {
            $run = Invoke-FaultSweep -Setting @{ truncatedUserIds = @($truncatedUser) } -ThrottleLimit 8
            Assert-SweepInvariant -Run $run -ExpectedError @{ $truncatedUser = 'OneLoginResponseInvalid' }
            $run.Errors | Should -HaveCount 1
            $run.Errors[0].TargetObject | Should -Be $truncatedUser
        }
    }

    Context 'every fault at once' {
        It 'holds the invariant at ThrottleLimit <Throttle>' -TestCases @(
            @{ Throttle = 4 }
            @{ Throttle = 8 }
        ) {
            $setting = @{
                failEveryN           = 20
                resetEveryN          = 37
                burst429EveryN       = 251
                rateLimit            = 400
                rateWindowSeconds    = 3
                tokenLifetimeSeconds = 2
                htmlUserIds          = @($htmlUser)
                truncatedUserIds     = @($truncatedUser)
            }
            $run = Invoke-FaultSweep -Setting $setting -ThrottleLimit $Throttle
            Assert-SweepInvariant -Run $run -AllowedErrorId 'OneLoginServiceError' -ExpectedError @{
                $htmlUser      = 'OneLoginResponseInvalid'
                $truncatedUser = 'OneLoginResponseInvalid'
            }
            $run.Errors.Count | Should -BeLessOrEqual 5
            @($run.Log | Where-Object rateLimited) | Should -BeNullOrEmpty -Because 'the governor knew the budget throughout'
            foreach ($fault in '503', 'reset', '429') {
                @($run.Log | Where-Object injectedFault -EQ $fault) | Should -Not -BeNullOrEmpty -Because "the $fault fault must have been injected"
            }
        }
    }
}
