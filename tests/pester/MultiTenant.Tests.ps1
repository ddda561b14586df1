# Many tenants, many runspaces: two emulators stand in for two tenants. Connections are objects you can
# hold several of; the default connection belongs to a runspace; one connection shared with $using: by
# ForEach-Object -Parallel branches and thread jobs uses one token and one rate budget.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:manifestPath = Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1'
    # Different first user ids make it plain which tenant answered.
    $script:emuA = Start-OneLoginEmulator -Users 12 -FirstUserId 100001
    $script:emuB = Start-OneLoginEmulator -Users 12 -FirstUserId 200001

    function Get-EmulatorCall {
        param([Parameter(Mandatory)] $Emulator, [string] $Like = '/*')
        @(Get-OneLoginEmulatorRequest -Emulator $Emulator | Where-Object { $_.path -like $Like })
    }

    function Clear-Log {
        Clear-OneLoginEmulatorRequest -Emulator $emuA
        Clear-OneLoginEmulatorRequest -Emulator $emuB
    }
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emuA
    Stop-OneLoginEmulator -Emulator $emuB
}

Describe 'Several tenants in one session' {
    BeforeAll {
        $script:a = Connect-OneLogin -BaseUri $emuA.Url -Credential $emuA.Credential -PassThru
        $script:b = Connect-OneLogin -BaseUri $emuB.Url -Credential $emuB.Credential -PassThru
    }

    BeforeEach { Clear-Log }

    It 'keeps two distinct connection objects; the last Connect-OneLogin is the default' {
        $a.BaseUri | Should -Not -Be $b.BaseUri
        [object]::ReferenceEquals((Get-OneLoginConnection), $b) | Should -BeTrue
    }

    It 'Get-OneLoginUser -Connection $b asks only tenant b' {
        $user = Get-OneLoginUser -Connection $b -First 1
        $user.Id | Should -Be 200001
        Get-EmulatorCall -Emulator $emuB -Like '/api/2/users*' | Should -HaveCount 1
        Get-EmulatorCall -Emulator $emuA | Should -BeNullOrEmpty
    }

    It 'Get-OneLoginUser -Connection $a asks only tenant a, although b is the default' {
        $user = Get-OneLoginUser -Connection $a -First 1
        $user.Id | Should -Be 100001
        Get-EmulatorCall -Emulator $emuA -Like '/api/2/users*' | Should -HaveCount 1
        Get-EmulatorCall -Emulator $emuB | Should -BeNullOrEmpty
    }

    It 'a pipeline can read from one tenant and act on the other' {
        # Users of a (ids 1000xx) looked up in b: b answers UserNotFound for each, a is asked only for the list.
        $found = Get-OneLoginUser -Connection $a -First 2 |
            Get-OneLoginAvailableAuthFactor -Connection $b -ErrorAction SilentlyContinue -ErrorVariable failures
        $found | Should -BeNullOrEmpty
        @($failures.FullyQualifiedErrorId | ForEach-Object { $_.Split(',')[0] }) | Should -Be @('UserNotFound', 'UserNotFound')
        # Errors keep input order; the two requests themselves run concurrently, so their arrival order is free.
        @($failures.TargetObject) | Should -Be @(100001, 100002)
        @(Get-EmulatorCall -Emulator $emuA).path | Should -Be @('/api/2/users')
        @(Get-EmulatorCall -Emulator $emuB -Like '/api/1/users/*/auth_factors').path | Sort-Object | Should -Be @('/api/1/users/100001/auth_factors', '/api/1/users/100002/auth_factors')
    }

    It 'commands without -Connection use the default (b) only' {
        $null = Get-OneLoginAvailableAuthFactor -UserId 200002
        Get-EmulatorCall -Emulator $emuB -Like '/api/1/*' | Should -HaveCount 1
        Get-EmulatorCall -Emulator $emuA | Should -BeNullOrEmpty
    }

    It 'each tenant keeps its own rate budget' {
        Set-OneLoginEmulatorConfig -Emulator $emuA -Setting @{ rateLimit = 700 }
        Set-OneLoginEmulatorConfig -Emulator $emuB -Setting @{ rateLimit = 900 }
        try {
            (Get-OneLoginRateLimit -Connection $a).Limit | Should -Be 700
            (Get-OneLoginRateLimit -Connection $b).Limit | Should -Be 900
            $a.RateLimit.Limit | Should -Be 700
            $b.RateLimit.Limit | Should -Be 900
        }
        finally {
            Reset-OneLoginEmulator -Emulator $emuA
            Reset-OneLoginEmulator -Emulator $emuB
        }
    }
}

Describe 'The default connection belongs to the runspace' {
    BeforeAll {
        $script:ours = Connect-OneLogin -BaseUri $emuB.Url -Credential $emuB.Credential -PassThru

        # Runs a script in a new runspace with the module imported; returns its output and errors.
        function Invoke-InNewRunspace {
            param([Parameter(Mandatory)] [string] $Script, [hashtable] $Variable = @{})
            $runspace = [runspacefactory]::CreateRunspace()
            $runspace.Open()
            $shell = [powershell]::Create($runspace)
            try {
                $runspace.SessionStateProxy.SetVariable('ModuleManifest', $manifestPath)
                foreach ($name in $Variable.Keys) {
                    $runspace.SessionStateProxy.SetVariable($name, $Variable[$name])
                }
                $output = $shell.AddScript("Import-Module -Name `$ModuleManifest`n$Script").Invoke()
                [pscustomobject]@{ Output = @($output); Errors = @($shell.Streams.Error) }
            }
            finally {
                $shell.Dispose()
                $runspace.Dispose()
            }
        }
    }

    It 'a new runspace starts without a connection, and its commands say so' {
        $result = Invoke-InNewRunspace -Script @'
[pscustomobject]@{
    Connection = Get-OneLoginConnection
    ErrorId    = try { Get-OneLoginUser -First 1 -ErrorAction Stop; 'none' } catch { $_.FullyQualifiedErrorId }
}
'@
        $result.Output[0].Connection | Should -BeNullOrEmpty
        $result.Output[0].ErrorId | Should -BeLike 'OneLoginNotConnected,*'
    }

    It 'connecting in another runspace does not change ours, nor ours theirs' {
        $result = Invoke-InNewRunspace -Variable @{ Url = $emuA.Url; Credential = $emuA.Credential; Ours = $ours } -Script @'
Connect-OneLogin -BaseUri $Url -Credential $Credential
$theirs = Get-OneLoginConnection
[pscustomobject]@{
    Theirs   = $theirs
    UserId   = (Get-OneLoginUser -First 1).Id
    SameAsUs = [object]::ReferenceEquals($theirs, $Ours)
}
'@
        $result.Errors | Should -BeNullOrEmpty
        $result.Output[0].Theirs.BaseUri | Should -Be $emuA.Url
        $result.Output[0].UserId | Should -Be 100001
        $result.Output[0].SameAsUs | Should -BeFalse
        [object]::ReferenceEquals((Get-OneLoginConnection), $ours) | Should -BeTrue
        (Get-OneLoginUser -First 1).Id | Should -Be 200001
    }

    It 'ForEach-Object -Parallel branches and thread jobs start without a connection' {
        $parallel = 1..2 | ForEach-Object -Parallel {
            Import-Module -Name $using:manifestPath
            [bool] (Get-OneLoginConnection)
        } -ThrottleLimit 2
        $parallel | Should -Be @($false, $false)
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module -Name $using:manifestPath
            [bool] (Get-OneLoginConnection)
        }
        $job | Receive-Job -Wait -AutoRemoveJob | Should -BeFalse
        [object]::ReferenceEquals((Get-OneLoginConnection), $ours) | Should -BeTrue
    }

    It 'a [powershell]::Create() pipeline in this process is not connected either' {
        $shell = [powershell]::Create()
        try {
            $output = $shell.AddScript("Import-Module -Name '$manifestPath'; [bool] (Get-OneLoginConnection)").Invoke()
            $output | Should -Be $false
        }
        finally {
            $shell.Dispose()
        }
    }
}

Describe 'One connection shared with $using:' {
    BeforeAll {
        $script:first = $emuA.FirstUserId
    }

    BeforeEach {
        Reset-OneLoginEmulator -Emulator $emuA
        # A short -MaxRateLimitWait: a governor that waited for a stale, later reset would fail these tests
        # with OneLoginRateLimited in seconds instead of holding the suite for the default hour.
        $script:shared = Connect-OneLogin -BaseUri $emuA.Url -Credential $emuA.Credential -MaxRateLimitWait '00:00:20' -PassThru
    }

    It 'works in ForEach-Object -Parallel branches with one token request in all' {
        $ids = $first..($first + 7)
        $expected = @($ids | Get-OneLoginAvailableAuthFactor -Connection $shared | ForEach-Object { "$($_.UserId)/$($_.FactorId)" })
        $results = $ids | ForEach-Object -Parallel {
            Import-Module -Name $using:manifestPath
            Get-OneLoginAvailableAuthFactor -UserId $_ -Connection $using:shared
        } -ThrottleLimit 4
        @($results | ForEach-Object { "$($_.UserId)/$($_.FactorId)" } | Sort-Object) | Should -Be @($expected | Sort-Object)
        Get-EmulatorCall -Emulator $emuA -Like '/auth/oauth2/*token' | Should -HaveCount 1 -Because 'Connect-OneLogin got the token; the branches reuse it'
        Get-EmulatorCall -Emulator $emuA -Like '/api/1/users/*/auth_factors' | Should -HaveCount (2 * $ids.Count)
    }

    It 'works in thread jobs with one token request in all' {
        $jobs = foreach ($offset in 0..2) {
            Start-ThreadJob -ArgumentList ($first + $offset) -ScriptBlock {
                param($userId)
                Import-Module -Name $using:manifestPath
                Get-OneLoginEnrolledAuthFactor -UserId $userId -Connection $using:shared
            }
        }
        $null = $jobs | Wait-Job -Timeout 60
        $jobs | Where-Object { $_.State -eq 'Running' } | Stop-Job
        $devices = $jobs | Receive-Job -ErrorVariable jobErrors
        $jobs | Remove-Job -Force
        $jobErrors | Should -BeNullOrEmpty
        $expected = @($first..($first + 2) | Get-OneLoginEnrolledAuthFactor -Connection $shared | ForEach-Object { $_.DeviceId })
        $expected.Count | Should -BeGreaterThan 0
        @($devices.DeviceId | Sort-Object) | Should -Be @($expected | Sort-Object)
        Get-EmulatorCall -Emulator $emuA -Like '/auth/oauth2/*token' | Should -HaveCount 1 -Because 'Connect-OneLogin got the token; the jobs reuse it'
        Get-EmulatorCall -Emulator $emuA -Like '/api/1/users/*/otp_devices' | Should -HaveCount 6
    }

    It 'all branches and jobs draw on one rate budget: nothing is sent that OneLogin would refuse' {
        # A budget of 6 calls per 3-second window; the first call below leaves 5. Ten calls from four parallel
        # branches and two thread jobs fit only if they share what is left and then wait for the reset together:
        # separate budgets would each believe 5 calls were left and overrun the window.
        Set-OneLoginEmulatorConfig -Emulator $emuA -Setting @{ rateLimit = 6; rateWindowSeconds = 3 }
        $null = Get-OneLoginRateLimit -Connection $shared
        $shared.RateLimit.Remaining | Should -Be 5

        $parallel = $first..($first + 5) | ForEach-Object -Parallel {
            Import-Module -Name $using:manifestPath
            Get-OneLoginAvailableAuthFactor -UserId $_ -Connection $using:shared -WarningAction SilentlyContinue
            'done'
        } -ThrottleLimit 4
        $jobs = foreach ($offset in 6..9) {
            Start-ThreadJob -ArgumentList ($first + $offset) -ScriptBlock {
                param($userId)
                Import-Module -Name $using:manifestPath
                Get-OneLoginEnrolledAuthFactor -UserId $userId -Connection $using:shared -WarningAction SilentlyContinue
                'done'
            }
        }
        $null = $jobs | Wait-Job -Timeout 60
        $jobs | Where-Object { $_.State -eq 'Running' } | Stop-Job
        $fromJobs = $jobs | Receive-Job -ErrorVariable jobErrors
        $jobs | Remove-Job -Force
        @($parallel | Where-Object { $_ -eq 'done' }) | Should -HaveCount 6
        @($fromJobs | Where-Object { $_ -eq 'done' }) | Should -HaveCount 4
        $jobErrors | Should -BeNullOrEmpty

        $calls = Get-EmulatorCall -Emulator $emuA -Like '/api/1/users/*'
        $calls | Should -HaveCount 10
        @($calls | Where-Object { $_.rateLimited -or $_.status -eq 429 }) | Should -BeNullOrEmpty -Because 'the shared governor waits for the reset instead of overrunning the budget'
        Get-EmulatorCall -Emulator $emuA -Like '/auth/oauth2/*token' | Should -HaveCount 1
        $shared.RateLimit.Limit | Should -Be 6 -Because 'the connection shows the budget the branches used'
    }
}
