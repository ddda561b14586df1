BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 40
    Connect-TestEmulator -Emulator $emu | Out-Null
    $script:user = $emu.FirstUserId   # seeded with every factor
    $script:fqid = 'OneLoginMfa.Commands.RemoveOneLoginAuthFactorCommand'

    function Get-ApiCall {
        @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*')
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

Describe 'Remove-OneLoginAuthFactor' {
    # Reset restores the seed and the config and clears the request log.
    BeforeEach { Reset-OneLoginEmulator -Emulator $emu }

    Context 'removal' {
        It 'removes the device piped from Get-OneLoginEnrolledAuthFactor and writes nothing by default' {
            $sms = Get-Device 'OneLogin SMS'
            Clear-OneLoginEmulatorRequest -Emulator $emu
            $out = Get-OneLoginEnrolledAuthFactor -UserId $user | Where-Object AuthFactorName -eq 'OneLogin SMS' | Remove-OneLoginAuthFactor -Confirm:$false
            $out | Should -BeNullOrEmpty
            $delete = @(Get-ApiCall | Where-Object method -eq 'DELETE')
            $delete | Should -HaveCount 1
            $delete[0].path | Should -Be "/api/1/users/$user/otp_devices/$($sms.DeviceId)"
            (Get-OneLoginEnrolledAuthFactor -UserId $user).AuthFactorName | Should -Not -Contain 'OneLogin SMS'
            (Get-OneLoginAvailableAuthFactor -UserId $user).Name | Should -Contain 'OneLogin SMS'
        }

        It 'writes a typed RemovedAuthFactor per device with -PassThru' {
            $devices = Get-OneLoginEnrolledAuthFactor -UserId $user
            $before = [DateTimeOffset]::Now.AddSeconds(-1)
            $removed = $devices | Remove-OneLoginAuthFactor -Confirm:$false -PassThru
            $removed | Should -HaveCount 4
            $removed | ForEach-Object { $_ | Should -BeOfType ([OneLoginMfa.RemovedAuthFactor]) }
            $removed.UserId | Select-Object -Unique | Should -Be $user
            $removed.DeviceId | Should -Be $devices.DeviceId
            $removed | ForEach-Object { $_.RemovedAt | Should -BeGreaterThan $before }
            Get-OneLoginEnrolledAuthFactor -UserId $user | Should -BeNullOrEmpty
            Get-FormatData -TypeName 'OneLoginMfa.RemovedAuthFactor' | Should -Not -BeNullOrEmpty
        }

        It 'takes UserId and DeviceId by position and from raw user_id/device_id objects' {
            $voice = Get-Device 'OneLogin Voice'
            Remove-OneLoginAuthFactor $user $voice.DeviceId -Confirm:$false
            $protect = Get-Device 'OneLogin Protect'
            [pscustomobject]@{ user_id = $user; device_id = $protect.DeviceId } | Remove-OneLoginAuthFactor -Confirm:$false
            (Get-OneLoginEnrolledAuthFactor -UserId $user).AuthFactorName | Should -Be 'OneLogin SMS', 'Google Authenticator'
        }

        It 'takes several device ids as an array or by value from the pipeline, and UserId by its Id alias' {
            $devices = Get-OneLoginEnrolledAuthFactor -UserId $user
            Remove-OneLoginAuthFactor -UserId $user -DeviceId $devices[0].DeviceId, $devices[1].DeviceId -Confirm:$false
            $devices[2].DeviceId | Remove-OneLoginAuthFactor -UserId $user -Confirm:$false
            [pscustomobject]@{ Id = $user; DeviceId = $devices[3].DeviceId } | Remove-OneLoginAuthFactor -Confirm:$false
            Get-OneLoginEnrolledAuthFactor -UserId $user | Should -BeNullOrEmpty
            @(Get-ApiCall | Where-Object method -eq 'DELETE') | Should -HaveCount 4
        }

        It 'has ConfirmImpact High, so it asks before removing unless told not to' {
            $attribute = (Get-Command Remove-OneLoginAuthFactor).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            $attribute.SupportsShouldProcess | Should -BeTrue
            $attribute.ConfirmImpact | Should -Be 'High'
        }
    }

    Context 'failures' {
        It 'is AuthFactorNotFound for an unknown device, with the device id as target, and removes the rest' {
            $devices = @(Get-OneLoginEnrolledAuthFactor -UserId $user)
            $records = @(
                $devices[0]
                [pscustomobject]@{ UserId = $user; DeviceId = 424242 }
                $devices[1]
            )
            $removed = $records | Remove-OneLoginAuthFactor -Confirm:$false -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
            $removed.DeviceId | Should -Be $devices[0].DeviceId, $devices[1].DeviceId
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "AuthFactorNotFound,$fqid"
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 424242
            $errs[0].Exception.Message | Should -Be 'Factor could not be found'
        }

        It 'is AuthFactorNotFound when the device was already removed' {
            $sms = Get-Device 'OneLogin SMS'
            $sms | Remove-OneLoginAuthFactor -Confirm:$false
            $sms | Remove-OneLoginAuthFactor -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "AuthFactorNotFound,$fqid"
        }

        It 'is UserNotFound for an unknown user, with the user id as target' {
            Remove-OneLoginAuthFactor -UserId 999001 -DeviceId 1 -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "UserNotFound,$fqid"
            $errs[0].TargetObject | Should -Be 999001
        }

        It 'can be made terminating with -ErrorAction Stop' {
            { Remove-OneLoginAuthFactor -UserId $user -DeviceId 424242 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId "AuthFactorNotFound,$fqid"
        }

        It 'is terminating OneLoginAccessDenied ("Insufficient Permission") for a read-only credential, and removes nothing' {
            $devices = Get-OneLoginEnrolledAuthFactor -UserId $user
            try {
                $readOnly = Connect-TestEmulator -Emulator $emu -Scope ReadOnly
                Clear-OneLoginEmulatorRequest -Emulator $emu
                $err = { $devices | Remove-OneLoginAuthFactor -Confirm:$false -Connection $readOnly } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeExactly "OneLoginAccessDenied,$fqid"
                $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
                $err.Exception.Message | Should -Be 'Insufficient Permission'
                @(Get-ApiCall | Where-Object method -eq 'DELETE') | Should -HaveCount 1 -Because 'the refusal stops the pipeline'
            }
            finally {
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
            Get-OneLoginEnrolledAuthFactor -UserId $user | Should -HaveCount 4
        }

        It '-WhatIf sends nothing and removes nothing' {
            Get-OneLoginEnrolledAuthFactor -UserId $user | Remove-OneLoginAuthFactor -WhatIf -PassThru | Should -BeNullOrEmpty
            @(Get-ApiCall | Where-Object method -ne 'GET') | Should -BeNullOrEmpty
            Get-OneLoginEnrolledAuthFactor -UserId $user | Should -HaveCount 4
        }

        It 'refuses device id <Value> before any request' -ForEach @(@{ Value = 0 }, @{ Value = -1 }) {
            { Remove-OneLoginAuthFactor -UserId $user -DeviceId $Value -Confirm:$false } | Should -Throw -ErrorId "ParameterArgumentValidationError,$fqid"
            Get-ApiCall | Should -BeNullOrEmpty
        }
    }
}
