BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 40
    Connect-TestEmulator -Emulator $emu | Out-Null
    $script:user = $emu.FirstUserId   # seeded with every factor
    $script:devices = Get-OneLoginEnrolledAuthFactor -UserId $user
    $script:smsDevice = ($devices | Where-Object AuthFactorName -eq 'OneLogin SMS').DeviceId
    $script:voiceDevice = ($devices | Where-Object AuthFactorName -eq 'OneLogin Voice').DeviceId
    $script:fqid = 'OneLoginMfa.Commands.SendOneLoginAuthFactorChallengeCommand'

    function Get-ApiCall {
        @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*')
    }
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Send-OneLoginAuthFactorChallenge' {
    BeforeEach { Clear-OneLoginEmulatorRequest -Emulator $emu }

    Context 'challenge' {
        It 'returns a typed AuthFactorChallenge with the user and device the right way round' {
            $before = [DateTimeOffset]::UtcNow
            $challenge = Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice
            $challenge | Should -BeOfType ([OneLoginMfa.AuthFactorChallenge])
            # The v1 trigger response swaps them: "id" is the user, "device_id" the device.
            $challenge.UserId | Should -Be $user
            $challenge.DeviceId | Should -Be $smsDevice
            $challenge.StateToken | Should -Match '^[0-9a-f]{40}$'
            $challenge.AuthFactorName | Should -Be 'OneLogin SMS'
            $challenge.Message | Should -Be 'SMS token sent to your mobile device. Authentication pending.'
            ($challenge.ExpiresAt - $before).TotalSeconds | Should -BeGreaterThan 100
            ($challenge.ExpiresAt - $before).TotalSeconds | Should -BeLessThan 140
            $call = Get-ApiCall
            $call | Should -HaveCount 1
            $call[0].method | Should -Be 'POST'
            $call[0].path | Should -Be "/api/1/users/$user/otp_devices/$smsDevice/trigger"
        }

        It 'asks for the state token lifetime given' {
            $challenge = Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -StateTokenLifetime (New-TimeSpan -Minutes 5)
            ($challenge.ExpiresAt - [DateTimeOffset]::UtcNow).TotalSeconds | Should -BeGreaterThan 270
            ($challenge.ExpiresAt - [DateTimeOffset]::UtcNow).TotalSeconds | Should -BeLessThan 310
        }

        It 'accepts -NumericCode and a custom SMS text of exactly 160 characters once filled in' {
            $text = ('x' * 154) + '{{otp_code}}'
            $challenge = Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -NumericCode -SmsMessage $text -WarningVariable warnings
            $challenge.DeviceId | Should -Be $smsDevice
            $warnings | Should -BeNullOrEmpty
        }

        It 'counts {{expiration}} as the lifetime in minutes' {
            # 152 + 6 (the code) + 2 ("15" minutes) = 160: accepted; one more character is refused.
            $text = ('y' * 152) + '{{otp_code}}' + '{{expiration}}'
            { Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -SmsMessage $text -StateTokenLifetime (New-TimeSpan -Minutes 15) } | Should -Not -Throw
            $err = { Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -SmsMessage ('z' + $text) -StateTokenLifetime (New-TimeSpan -Minutes 15) } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeExactly "SmsMessageInvalid,$fqid"
        }

        It 'warns when the SMS text has no {{otp_code}}' {
            Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -SmsMessage 'Call the help desk.' -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
            $warnings | Should -HaveCount 1
            $warnings[0].Message | Should -BeLike '*{{otp_code}}*'
        }

        It 'has a table view' {
            Get-FormatData -TypeName 'OneLoginMfa.AuthFactorChallenge' | Should -Not -BeNullOrEmpty
        }
    }

    Context 'pipeline binding' {
        It 'binds UserId and DeviceId from Get-OneLoginEnrolledAuthFactor' {
            $challenge = Get-OneLoginEnrolledAuthFactor -UserId $user | Where-Object AuthFactorName -eq 'OneLogin SMS' | Send-OneLoginAuthFactorChallenge
            $challenge.DeviceId | Should -Be $smsDevice
            @(Get-ApiCall | Where-Object method -eq 'POST').path | Should -Be "/api/1/users/$user/otp_devices/$smsDevice/trigger"
        }

        It 'binds device_id and user_id from raw objects' {
            ([pscustomobject]@{ user_id = $user; device_id = $voiceDevice } | Send-OneLoginAuthFactorChallenge).DeviceId | Should -Be $voiceDevice
        }

        It 'writes one outcome per record: challenges and AuthFactorNotFound in input order' {
            $records = @(
                [pscustomobject]@{ UserId = $user; DeviceId = $smsDevice }
                [pscustomobject]@{ UserId = $user; DeviceId = 424242 }
                [pscustomobject]@{ UserId = $user; DeviceId = $voiceDevice }
            )
            $challenges = $records | Send-OneLoginAuthFactorChallenge -ErrorVariable errs -ErrorAction SilentlyContinue
            $challenges.DeviceId | Should -Be $smsDevice, $voiceDevice
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "AuthFactorNotFound,$fqid"
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 424242
            $errs[0].Exception.Message | Should -Be 'Factor could not be found'
        }
    }

    Context 'validation before any request' {
        It 'refuses the lifetime <Lifetime>' -ForEach @(
            @{ Lifetime = '00:00:00' }
            @{ Lifetime = '00:15:01' }
            @{ Lifetime = '01:00:00' }
            @{ Lifetime = 300 }
        ) {
            $err = { Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -StateTokenLifetime $Lifetime } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentValidationError,$fqid"
            Get-ApiCall | Should -BeNullOrEmpty
        }

        It 'refuses an SMS text longer than 160 characters once filled in' {
            $err = { Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -SmsMessage (('x' * 155) + '{{otp_code}}') } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeExactly "SmsMessageInvalid,$fqid"
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -Match '161 characters'
            Get-ApiCall | Should -BeNullOrEmpty
        }

        It 'refuses the template variable <Variable>' -ForEach @(
            @{ Variable = '{{otp}}' }
            @{ Variable = '{{otp_expiry}}' }
            @{ Variable = '{{ otp_code }}' }
            @{ Variable = '{{name}}' }
        ) {
            $err = { Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -SmsMessage "Code {{otp_code}} $Variable" } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeExactly "SmsMessageInvalid,$fqid"
            $err.Exception.Message | Should -BeLike "*$Variable*"
            Get-ApiCall | Should -BeNullOrEmpty
        }

        It 'refuses device id <Value>' -ForEach @(@{ Value = 0 }, @{ Value = -1 }) {
            { Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $Value } | Should -Throw -ErrorId "ParameterArgumentValidationError,$fqid"
            Get-ApiCall | Should -BeNullOrEmpty
        }

        It '-WhatIf sends nothing' {
            Get-OneLoginEnrolledAuthFactor -UserId $user | Send-OneLoginAuthFactorChallenge -WhatIf | Should -BeNullOrEmpty
            @(Get-ApiCall | Where-Object method -ne 'GET') | Should -BeNullOrEmpty
        }
    }

    Context 'errors' {
        It 'is UserNotFound for an unknown user, with the user id as target' {
            Send-OneLoginAuthFactorChallenge -UserId 999001 -DeviceId $smsDevice -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "UserNotFound,$fqid"
            $errs[0].TargetObject | Should -Be 999001
        }

        It 'is terminating OneLoginAccessDenied for a read-only credential' {
            try {
                $readOnly = Connect-TestEmulator -Emulator $emu -Scope ReadOnly
                $err = { Send-OneLoginAuthFactorChallenge -UserId $user -DeviceId $smsDevice -Connection $readOnly } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeExactly "OneLoginAccessDenied,$fqid"
                $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            }
            finally {
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
        }
    }
}
