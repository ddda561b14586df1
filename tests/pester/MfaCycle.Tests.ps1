# End-to-end MFA tasks against the emulator: enroll -> challenge -> verify -> remove leaves the user exactly as
# before, and a temporary MFA token verifies with -DeviceId 0.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 40
    Connect-TestEmulator -Emulator $emu | Out-Null

    function Get-TestOtp {
        param([long] $UserId, [long] $DeviceId)
        $DebugPreference = 'SilentlyContinue'   # a debug print of the control call's body would show the code
        Get-OneLoginEmulatorOtp -Emulator $emu -UserId $UserId -DeviceId $DeviceId
    }

    # Everything a user's MFA state consists of, as comparable text.
    function Get-MfaState {
        param([long] $UserId)
        [pscustomobject]@{
            Available = @(Get-OneLoginAvailableAuthFactor -UserId $UserId | Sort-Object FactorId | Select-Object FactorId, Name) | ConvertTo-Json -Compress
            Enrolled  = @(Get-OneLoginEnrolledAuthFactor -UserId $UserId | Sort-Object DeviceId |
                    Select-Object DeviceId, AuthFactorName, UserDisplayName, PhoneNumber, Active, Default, NeedsTrigger) | ConvertTo-Json -Compress
        }
    }

    # A user with some devices but no SMS device yet (the seed varies by index; index 0 has everything).
    $script:partial = ($emu.FirstUserId + 2)..($emu.FirstUserId + 9) | Where-Object {
        (Get-OneLoginEnrolledAuthFactor -UserId $_) -and ((Get-OneLoginAvailableAuthFactor -UserId $_).Name -contains 'OneLogin SMS')
    } | Select-Object -First 1
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'MFA cycle' {
    # Reset restores the seed and the config and clears the request log.
    BeforeEach { Reset-OneLoginEmulator -Emulator $emu }

    It 'enroll -> challenge -> verify -> remove leaves user <Label> where it started' -ForEach @(
        @{ Label = 'without devices'; Offset = 1 }
        @{ Label = 'with devices'; Offset = $null }
    ) {
        $userId = if ($null -ne $Offset) { $emu.FirstUserId + $Offset } else { $partial }
        $userId | Should -Not -BeNullOrEmpty -Because 'the seed has users with some devices and no SMS device'
        $start = Get-MfaState -UserId $userId

        # Enroll: the available SMS factor, piped in.
        $device = Get-OneLoginAvailableAuthFactor -UserId $userId | Where-Object Name -eq 'OneLogin SMS' |
            Register-OneLoginAuthFactor -DisplayName 'Cycle phone' -PhoneNumber '+15550100'
        $device.Active | Should -BeFalse
        (Get-OneLoginAvailableAuthFactor -UserId $userId).Name | Should -Not -Contain 'OneLogin SMS'

        # Challenge the new device, read the code the emulator "texted", and verify it.
        $challenge = Get-OneLoginEnrolledAuthFactor -UserId $userId | Where-Object DeviceId -eq $device.DeviceId | Send-OneLoginAuthFactorChallenge
        $challenge.DeviceId | Should -Be $device.DeviceId
        $otp = Get-TestOtp -UserId $userId -DeviceId $device.DeviceId
        $verification = $challenge | Confirm-OneLoginAuthFactor -OtpToken $otp
        $verification.Verified | Should -BeTrue
        (Get-OneLoginEnrolledAuthFactor -UserId $userId | Where-Object DeviceId -eq $device.DeviceId).Active | Should -BeTrue

        # Remove it again.
        $removed = Get-OneLoginEnrolledAuthFactor -UserId $userId | Where-Object UserDisplayName -eq 'Cycle phone' |
            Remove-OneLoginAuthFactor -Confirm:$false -PassThru
        $removed.DeviceId | Should -Be $device.DeviceId

        $end = Get-MfaState -UserId $userId
        $end.Available | Should -BeExactly $start.Available
        $end.Enrolled | Should -BeExactly $start.Enrolled

        $calls = @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object { $_.path -like '/api/*' -and $_.method -ne 'GET' })
        $calls.method | Should -Be 'POST', 'POST', 'POST', 'DELETE'
        $calls.path | Should -Be "/api/1/users/$userId/otp_devices", "/api/1/users/$userId/otp_devices/$($device.DeviceId)/trigger",
            "/api/1/users/$userId/otp_devices/$($device.DeviceId)/verify", "/api/1/users/$userId/otp_devices/$($device.DeviceId)"
    }

    It 'recovers a user who lost their phone: remove the devices, then a temporary token verifies with -DeviceId 0' {
        $userId = $emu.FirstUserId
        Get-OneLoginEnrolledAuthFactor -UserId $userId | Remove-OneLoginAuthFactor -Confirm:$false
        Get-OneLoginEnrolledAuthFactor -UserId $userId | Should -BeNullOrEmpty

        $token = New-OneLoginMfaToken -UserId $userId -Lifetime (New-TimeSpan -Hours 1)
        $verification = Confirm-OneLoginAuthFactor -UserId $userId -DeviceId 0 -OtpToken $token.Token
        $verification.Verified | Should -BeTrue
        $verification.DeviceId | Should -Be 0

        # Single use: the same token is refused the second time, as a non-terminating error.
        Confirm-OneLoginAuthFactor -UserId $userId -DeviceId 0 -OtpToken $token.Token -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'OneLoginRequestInvalid,OneLoginMfa.Commands.ConfirmOneLoginAuthFactorCommand'
    }

    It 'enrolls a pre-verified phone that needs no code, and removes it' {
        $userId = $emu.FirstUserId + 6
        $start = Get-MfaState -UserId $userId
        $device = Register-OneLoginAuthFactor -UserId $userId -FactorId (Get-OneLoginAvailableAuthFactor -UserId $userId | Where-Object Name -eq 'OneLogin Voice').FactorId -DisplayName 'Desk' -PhoneNumber '+442079460000' -Verified
        $device.Active | Should -BeTrue
        $device | Remove-OneLoginAuthFactor -Confirm:$false
        (Get-MfaState -UserId $userId).Enrolled | Should -BeExactly $start.Enrolled
        (Get-MfaState -UserId $userId).Available | Should -BeExactly $start.Available
    }

    It 'keeps codes, state tokens and MFA tokens out of verbose and debug output across the whole cycle' {
        $userId = $emu.FirstUserId + 1
        $DebugPreference = 'Continue'
        $secrets = [System.Collections.Generic.List[string]]::new()
        $text = & {
            $device = Get-OneLoginAvailableAuthFactor -UserId $userId -Verbose -Debug | Where-Object Name -eq 'OneLogin SMS' |
                Register-OneLoginAuthFactor -DisplayName 'Phone' -PhoneNumber '+15550100' -Verbose -Debug
            $secrets.Add($device.StateToken)
            $challenge = $device | Send-OneLoginAuthFactorChallenge -Verbose -Debug
            $secrets.Add($challenge.StateToken)
            $otp = Get-TestOtp -UserId $userId -DeviceId $device.DeviceId
            $secrets.Add($otp)
            $challenge | Confirm-OneLoginAuthFactor -OtpToken $otp -Verbose -Debug | Out-Null
            $token = New-OneLoginMfaToken -UserId $userId -Verbose -Debug
            $secrets.Add($token.Token)
            Confirm-OneLoginAuthFactor -UserId $userId -DeviceId 0 -OtpToken $token.Token -Verbose -Debug | Out-Null
            $device | Remove-OneLoginAuthFactor -Confirm:$false -Verbose -Debug
        } *>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord] } | Out-String
        $DebugPreference = 'SilentlyContinue'
        $secrets | Should -HaveCount 4
        $text | Should -Match 'request body'
        foreach ($secret in $secrets) {
            $secret | Should -Not -BeNullOrEmpty
            $text.Contains($secret) | Should -BeFalse -Because 'no secret may reach verbose or debug output'
        }
    }
}
