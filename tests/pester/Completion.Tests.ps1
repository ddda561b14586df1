# Tab completion, exercised the way a console does it: TabExpansion2 on a command line.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 12
    $script:first = $emu.FirstUserId

    function Get-Completion {
        param([Parameter(Mandatory)] [string] $Line)
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }

    function Get-EmulatorCall {
        param([string] $Like)
        @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object { $_.path -like $Like })
    }
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Tab completion' {
    BeforeEach {
        Reset-OneLoginEmulator -Emulator $emu
        $script:connection = Connect-TestEmulator -Emulator $emu
        $Error.Clear()
    }

    Context '-Region of Connect-OneLogin' {
        It 'offers the enum''s names' {
            $completions = Get-Completion 'Connect-OneLogin -Region '
            @($completions.CompletionText | Sort-Object) | Should -Be @('EU', 'US')
            (Get-Completion 'Connect-OneLogin -Region e').CompletionText | Should -Be 'EU'
        }
    }

    Context '-FactorId of Register-OneLoginAuthFactor' {
        It 'offers the factors the user can still enroll: id as text, name in the list and tooltip (<Line>)' -ForEach @(
            @{ Line = 'Register-OneLoginAuthFactor -UserId {0} -FactorId ' }
            @{ Line = 'Register-OneLoginAuthFactor {0} -FactorId ' }
            @{ Line = 'Register-OneLoginAuthFactor -Id {0} -DisplayName Work -FactorId ' }
            @{ Line = 'Register-OneLoginAuthFactor -user_id {0} -FactorId ' }
        ) {
            $userId = $first + 2
            $expected = @(Get-OneLoginAvailableAuthFactor -UserId $userId)
            $expected.Count | Should -BeGreaterThan 0
            $completions = @(Get-Completion ($Line -f $userId))
            $completions.CompletionText | Should -Be @($expected.FactorId | ForEach-Object { "$_" })
            $completions.ListItemText | Should -Be @($expected.Name)
            foreach ($completion in $completions) {
                $completion.ResultType | Should -Be 'ParameterValue'
                $completion.ToolTip | Should -Match ([regex]::Escape($completion.ListItemText))
            }
        }

        It 'narrows by the id typed so far, or by the start of the name' {
            $userId = $first + 1   # has every factor available
            (Get-Completion "Register-OneLoginAuthFactor -UserId $userId -FactorId 16283").CompletionText | Should -Be '16283'
            $byName = Get-Completion "Register-OneLoginAuthFactor -UserId $userId -FactorId Google"
            $byName.CompletionText | Should -Be '16285'
            $byName.ListItemText | Should -Be 'Google Authenticator'
        }
    }

    Context '-DeviceId of Send-OneLoginAuthFactorChallenge, Confirm-OneLoginAuthFactor and Remove-OneLoginAuthFactor' {
        It 'offers the user''s enrolled devices for <Command>' -ForEach @(
            @{ Command = 'Send-OneLoginAuthFactorChallenge' }
            @{ Command = 'Confirm-OneLoginAuthFactor' }
            @{ Command = 'Remove-OneLoginAuthFactor' }
        ) {
            $devices = @(Get-OneLoginEnrolledAuthFactor -UserId $first)
            $devices.Count | Should -Be 4
            foreach ($line in "$Command -UserId $first -DeviceId ", "$Command $first -DeviceId ", "$Command -user_id $first -DeviceId ") {
                $completions = @(Get-Completion $line)
                $completions.CompletionText | Should -Be @($devices.DeviceId | ForEach-Object { "$_" }) -Because $line
                $completions[0].ListItemText | Should -Match ([regex]::Escape($devices[0].AuthFactorName))
                $completions[0].ToolTip | Should -Match "device id $($devices[0].DeviceId)"
            }
        }

        It 'completes in the middle of a pipeline stage, and narrows by prefix' {
            $devices = @(Get-OneLoginEnrolledAuthFactor -UserId $first)
            $line = "Get-OneLoginUser -First 1 | Out-Null; Remove-OneLoginAuthFactor -UserId $first -DeviceId $($devices[1].DeviceId)"
            (Get-Completion $line).CompletionText | Should -Be "$($devices[1].DeviceId)"
        }
    }

    Context 'which connection, and what it costs' {
        It 'asks OneLogin only when -UserId is on the command line' {
            Clear-OneLoginEmulatorRequest -Emulator $emu
            Get-Completion 'Send-OneLoginAuthFactorChallenge -DeviceId ' | Should -BeNullOrEmpty
            Get-Completion 'Register-OneLoginAuthFactor -FactorId ' | Should -BeNullOrEmpty
            Get-EmulatorCall '/api/*' | Should -BeNullOrEmpty
            $null = Get-Completion "Send-OneLoginAuthFactorChallenge -UserId $first -DeviceId "
            (Get-EmulatorCall '/api/*').path | Should -Be "/api/1/users/$first/otp_devices"
        }

        It 'uses a -Connection bound on the command line when the runspace has no default connection' {
            $global:OneLoginCompletionTestConnection = Connect-TestEmulator -Emulator $emu
            $null = Connect-TestEmulator -Emulator $emu
            Disconnect-OneLogin   # closes the newer connection and clears the default; the kept one stays open
            Get-OneLoginConnection | Should -BeNullOrEmpty
            try {
                $line = "Send-OneLoginAuthFactorChallenge -Connection `$global:OneLoginCompletionTestConnection -UserId $first -DeviceId "
                @(Get-Completion $line) | Should -HaveCount 4
                Get-Completion "Send-OneLoginAuthFactorChallenge -UserId $first -DeviceId " | Should -BeNullOrEmpty -Because 'without -Connection there is no connection'
            }
            finally {
                Disconnect-OneLogin -Connection $global:OneLoginCompletionTestConnection
                Remove-Variable -Name OneLoginCompletionTestConnection -Scope Global
            }
        }

        It 'offers nothing, and writes no error, when <Case>' -ForEach @(
            @{ Case = 'not connected'; Setup = { Disconnect-OneLogin } }
            @{ Case = 'the user does not exist'; Setup = { }; UserId = 999999 }
            @{ Case = 'the user id is not a number'; Setup = { }; UserId = 'abc' }
            @{ Case = 'the connection was closed'; Setup = { (Get-OneLoginConnection) | Disconnect-OneLogin } }
            @{ Case = 'the credential may not read users'; Setup = { $null = Connect-TestEmulator -Emulator $emu -Scope AuthOnly } }
        ) {
            & $Setup
            $id = if ($UserId) { $UserId } else { $first }
            $Error.Clear()
            { Get-Completion "Send-OneLoginAuthFactorChallenge -UserId $id -DeviceId " } | Should -Not -Throw
            Get-Completion "Send-OneLoginAuthFactorChallenge -UserId $id -DeviceId " | Should -BeNullOrEmpty
            Get-Completion "Register-OneLoginAuthFactor -UserId $id -FactorId " | Should -BeNullOrEmpty
            $Error | Should -BeNullOrEmpty
        }

        It 'gives up after a short timeout, offering nothing and writing no error' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ latencyMs = 8000 }
            try {
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $completions = Get-Completion "Remove-OneLoginAuthFactor -UserId $first -DeviceId "
                $clock.Stop()
                $completions | Should -BeNullOrEmpty
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 6
                $Error | Should -BeNullOrEmpty
            }
            finally {
                Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ latencyMs = 0 }
            }
        }
    }
}
