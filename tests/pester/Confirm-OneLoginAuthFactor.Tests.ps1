BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 40
    Connect-TestEmulator -Emulator $emu | Out-Null
    $script:user = $emu.FirstUserId   # seeded with every factor
    $script:bare = $emu.FirstUserId + 1   # seeded with none
    $script:fqid = 'OneLoginMfa.Commands.ConfirmOneLoginAuthFactorCommand'

    function Get-ApiCall {
        @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*')
    }

    # The code the emulator "sent" for the device's latest challenge (or an authenticator's current code).
    function Get-TestOtp {
        param([long] $UserId, [long] $DeviceId)
        $DebugPreference = 'SilentlyContinue'   # a debug print of the control call's body would show the code
        Get-OneLoginEmulatorOtp -Emulator $emu -UserId $UserId -DeviceId $DeviceId
    }

    function Get-Device {
        param([string] $Name)
        Get-OneLoginEnrolledAuthFactor -UserId $user | Where-Object AuthFactorName -eq $Name
    }
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Confirm-OneLoginAuthFactor' {
    # Reset restores the seed and the config and clears the request log.
    BeforeEach { Reset-OneLoginEmulator -Emulator $emu }

    Context 'verification' {
        It 'verifies the code of an SMS challenge piped in and returns a typed AuthFactorVerification' {
            $challenge = Get-Device 'OneLogin SMS' | Send-OneLoginAuthFactorChallenge
            $otp = Get-TestOtp -UserId $user -DeviceId $challenge.DeviceId
            Clear-OneLoginEmulatorRequest -Emulator $emu
            $result = $challenge | Confirm-OneLoginAuthFactor -OtpToken $otp
            $result | Should -BeOfType ([OneLoginMfa.AuthFactorVerification])
            $result.UserId | Should -Be $user
            $result.DeviceId | Should -Be $challenge.DeviceId
            $result.Verified | Should -BeTrue
            $result.Message | Should -Be 'Success'
            $call = Get-ApiCall
            $call | Should -HaveCount 1
            $call[0].method | Should -Be 'POST'
            $call[0].path | Should -Be "/api/1/users/$user/otp_devices/$($challenge.DeviceId)/verify"
        }

        It 'takes the code as a SecureString' {
            $challenge = Get-Device 'OneLogin Voice' | Send-OneLoginAuthFactorChallenge
            $secure = ConvertTo-SecureString -String (Get-TestOtp -UserId $user -DeviceId $challenge.DeviceId) -AsPlainText -Force
            ($challenge | Confirm-OneLoginAuthFactor -OtpToken $secure).Verified | Should -BeTrue
        }

        It 'verifies an authenticator code without a challenge or state token, with positional parameters' {
            $device = Get-Device 'Google Authenticator'
            $device.NeedsTrigger | Should -BeFalse
            $otp = Get-TestOtp -UserId $user -DeviceId $device.DeviceId
            (Confirm-OneLoginAuthFactor $user $device.DeviceId $otp).Verified | Should -BeTrue
        }

        It 'activates a newly enrolled device' {
            $device = Get-OneLoginAvailableAuthFactor -UserId $bare | Where-Object Name -eq 'OneLogin SMS' |
                Register-OneLoginAuthFactor -DisplayName 'Work phone' -PhoneNumber '+15550100'
            $device.Active | Should -BeFalse
            $challenge = $device | Send-OneLoginAuthFactorChallenge
            ($challenge | Confirm-OneLoginAuthFactor -OtpToken (Get-TestOtp -UserId $bare -DeviceId $device.DeviceId)).Verified | Should -BeTrue
            (Get-OneLoginEnrolledAuthFactor -UserId $bare).Active | Should -BeTrue
        }

        It 'verifies a temporary MFA token with -DeviceId 0; a single-use token works once' {
            $token = New-OneLoginMfaToken -UserId $bare -Lifetime (New-TimeSpan -Hours 1)
            $result = Confirm-OneLoginAuthFactor -UserId $bare -DeviceId 0 -OtpToken $token.Token
            $result.Verified | Should -BeTrue
            $result.DeviceId | Should -Be 0
            Confirm-OneLoginAuthFactor -UserId $bare -DeviceId 0 -OtpToken $token.Token -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "OneLoginRequestInvalid,$fqid"
        }

        It 'verifies a reusable temporary MFA token more than once' {
            $token = New-OneLoginMfaToken -UserId $bare -Reusable
            (Confirm-OneLoginAuthFactor -UserId $bare -DeviceId 0 -OtpToken $token.Token).Verified | Should -BeTrue
            (Confirm-OneLoginAuthFactor -UserId $bare -DeviceId 0 -OtpToken $token.Token).Verified | Should -BeTrue
        }

        It 'keeps the leading zeros of a code typed without quotes' {
            Confirm-OneLoginAuthFactor -UserId $bare -DeviceId 0 -OtpToken 012345 -ErrorAction SilentlyContinue
            # {"otp_token":"012345"} is 22 bytes; 12345 would make it 21 (or 20 as a number).
            (Get-ApiCall)[0].bodyLength | Should -Be 22
        }

        It 'has a table view' {
            Get-FormatData -TypeName 'OneLoginMfa.AuthFactorVerification' | Should -Not -BeNullOrEmpty
        }
    }

    Context 'failures' {
        It 'is a non-terminating OneLoginRequestInvalid for a wrong code (HTTP <Status>), with the device as target' -ForEach @(
            @{ Status = 401 }
            @{ Status = 400 }
        ) {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ wrongOtpStatus = $Status }
            $challenge = Get-Device 'OneLogin SMS' | Send-OneLoginAuthFactorChallenge
            $out = $challenge | Confirm-OneLoginAuthFactor -OtpToken 'WRONG1' -ErrorVariable errs -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "OneLoginRequestInvalid,$fqid"
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $errs[0].TargetObject | Should -Be $challenge.DeviceId
            $errs[0].Exception.Message | Should -Be 'Failed authentication with this factor'
            $errs[0].Exception.StatusCode | Should -Be $Status
            # A refused code is about the request, not the token: no token renewal, one verify call.
            @(Get-ApiCall | Where-Object path -Like '*/verify') | Should -HaveCount 1
        }

        It 'goes on with the next record after a wrong code' {
            $sms = Get-Device 'OneLogin SMS' | Send-OneLoginAuthFactorChallenge
            $voice = Get-Device 'OneLogin Voice' | Send-OneLoginAuthFactorChallenge
            $otp = Get-TestOtp -UserId $user -DeviceId $voice.DeviceId
            $results = $sms, $voice | Confirm-OneLoginAuthFactor -OtpToken $otp -ErrorVariable errs -ErrorAction SilentlyContinue
            # The voice code is wrong for the SMS device (unless both got the same random code).
            if ((Get-TestOtp -UserId $user -DeviceId $sms.DeviceId) -ne $otp) {
                $results.DeviceId | Should -Be $voice.DeviceId
                $errs | Should -HaveCount 1
                $errs[0].TargetObject | Should -Be $sms.DeviceId
            }
        }

        It 'is OneLoginRequestInvalid for an expired state token' {
            $challenge = Get-Device 'OneLogin SMS' | Send-OneLoginAuthFactorChallenge -StateTokenLifetime (New-TimeSpan -Seconds 1)
            $otp = Get-TestOtp -UserId $user -DeviceId $challenge.DeviceId
            Start-Sleep -Milliseconds 1100
            $challenge | Confirm-OneLoginAuthFactor -OtpToken $otp -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "OneLoginRequestInvalid,$fqid"
            $errs[0].Exception.Message | Should -BeLike '*expired*'
        }

        It 'is AuthFactorNotFound for an unknown device, with the device id as target' {
            Confirm-OneLoginAuthFactor -UserId $user -DeviceId 424242 -OtpToken '123456' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "AuthFactorNotFound,$fqid"
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 424242
        }

        It 'is UserNotFound ("User does not exist") for an unknown user, with the user id as target' {
            Confirm-OneLoginAuthFactor -UserId 999001 -DeviceId 0 -OtpToken '12345678' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "UserNotFound,$fqid"
            $errs[0].TargetObject | Should -Be 999001
            $errs[0].Exception.Message | Should -Be 'User does not exist'
        }

        It 'is terminating OneLoginAccessDenied for a read-only credential' {
            try {
                $readOnly = Connect-TestEmulator -Emulator $emu -Scope ReadOnly
                $err = { Confirm-OneLoginAuthFactor -UserId $user -DeviceId 0 -OtpToken '12345678' -Connection $readOnly } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeExactly "OneLoginAccessDenied,$fqid"
                $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            }
            finally {
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
        }

        It 'refuses a negative device id and an unusable -OtpToken before any request' {
            { Confirm-OneLoginAuthFactor -UserId $user -DeviceId -1 -OtpToken '1' } | Should -Throw -ErrorId "ParameterArgumentValidationError,$fqid"
            { Confirm-OneLoginAuthFactor -UserId $user -DeviceId 0 -OtpToken (Get-Date) } | Should -Throw -ErrorId "ParameterArgumentTransformationError,$fqid"
            Get-ApiCall | Should -BeNullOrEmpty
        }

        It '-WhatIf sends nothing and spends no token' {
            $token = New-OneLoginMfaToken -UserId $bare
            Clear-OneLoginEmulatorRequest -Emulator $emu
            Confirm-OneLoginAuthFactor -UserId $bare -DeviceId 0 -OtpToken $token.Token -WhatIf | Should -BeNullOrEmpty
            Get-ApiCall | Should -BeNullOrEmpty
            (Confirm-OneLoginAuthFactor -UserId $bare -DeviceId 0 -OtpToken $token.Token).Verified | Should -BeTrue
        }
    }

    Context 'secrecy' {
        It 'never shows the code or the state token in verbose, debug or error output' {
            $challenge = Get-Device 'OneLogin SMS' | Send-OneLoginAuthFactorChallenge
            $otp = Get-TestOtp -UserId $user -DeviceId $challenge.DeviceId
            $wrong = '975310'
            $DebugPreference = 'Continue'
            $text = & {
                $challenge | Confirm-OneLoginAuthFactor -OtpToken $wrong -Verbose -Debug -ErrorAction Continue
                $challenge | Confirm-OneLoginAuthFactor -OtpToken $otp -Verbose -Debug
            } *>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.Message } else { "$_" }
            } | Out-String
            $DebugPreference = 'SilentlyContinue'
            $text | Should -Match 'verify request body'
            $text | Should -Match '"otp_token":"\*\*\*"'
            $text.Contains($otp) | Should -BeFalse
            $text.Contains($wrong) | Should -BeFalse
            $text.Contains($challenge.StateToken) | Should -BeFalse
        }
    }
}
