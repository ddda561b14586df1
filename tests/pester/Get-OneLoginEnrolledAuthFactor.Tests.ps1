BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 40
    Connect-TestEmulator -Emulator $emu | Out-Null
    $script:first = $emu.FirstUserId
    # The emulator seeds every factor for each tenth user (index 0: the first user) and none for index 1 and 6.
    $script:full = $first
    $script:none = $first + 1
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Get-OneLoginEnrolledAuthFactor' {
    BeforeEach { Clear-OneLoginEmulatorRequest -Emulator $emu }

    Context 'output' {
        It 'returns one typed EnrolledAuthFactor per device from GET otp_devices' {
            $devices = Get-OneLoginEnrolledAuthFactor -UserId $full
            $devices | Should -HaveCount 4
            foreach ($device in $devices) {
                $device | Should -BeOfType ([OneLoginMfa.EnrolledAuthFactor])
                $device.UserId | Should -Be $full
                $device.DeviceId | Should -BeGreaterThan 0
                $device.Active | Should -BeTrue
                $device.StateToken | Should -BeNullOrEmpty
            }
            $devices.AuthFactorName | Should -Be 'OneLogin SMS', 'OneLogin Voice', 'OneLogin Protect', 'Google Authenticator'
            @($devices | Where-Object Default) | Should -HaveCount 1
            ($devices | Where-Object AuthFactorName -eq 'OneLogin SMS').NeedsTrigger | Should -BeTrue
            ($devices | Where-Object AuthFactorName -eq 'OneLogin SMS').PhoneNumber | Should -Match '^\+\d+$'
            ($devices | Where-Object AuthFactorName -eq 'Google Authenticator').NeedsTrigger | Should -BeFalse
            $call = @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*')
            $call | Should -HaveCount 1
            $call[0].method | Should -Be 'GET'
            $call[0].path | Should -Be "/api/1/users/$full/otp_devices"
        }

        It 'writes nothing and no error for a user without devices' {
            $out = Get-OneLoginEnrolledAuthFactor -UserId $none -ErrorVariable errs
            $out | Should -BeNullOrEmpty
            $errs | Should -BeNullOrEmpty
        }

        It 'has a table view' {
            Get-FormatData -TypeName 'OneLoginMfa.EnrolledAuthFactor' | Should -Not -BeNullOrEmpty
            (Get-OneLoginEnrolledAuthFactor -UserId $full | Format-Table | Out-String) | Should -Match 'DeviceId'
        }
    }

    Context 'pipeline binding' {
        It 'binds OneLoginUser objects from Get-OneLoginUser (property Id)' {
            $devices = Get-OneLoginUser -First 3 | Get-OneLoginEnrolledAuthFactor
            $devices.UserId | Select-Object -Unique | ForEach-Object { $_ | Should -BeIn ($first..($first + 2)) }
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/1/users/*/otp_devices') | Should -HaveCount 3
        }

        It 'binds numbers by value and numeric strings from CSV by property name' {
            ($full, $none) | Get-OneLoginEnrolledAuthFactor | Should -HaveCount 4
            $rows = "UserId,Note`n$full,a`n$none,b" | ConvertFrom-Csv
            ($rows | Get-OneLoginEnrolledAuthFactor).UserId | Select-Object -Unique | Should -Be $full
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/1/*') | Should -HaveCount 4
        }

        It 'binds a pscustomobject by <Name>' -ForEach @(
            @{ Name = 'UserId' }
            @{ Name = 'Id' }
            @{ Name = 'user_id' }
        ) {
            ([pscustomobject]@{ $Name = $full } | Get-OneLoginEnrolledAuthFactor).UserId | Select-Object -Unique | Should -Be $full
        }

        It 'keeps input order with -ThrottleLimit 8' {
            $ids = ($first..($first + 19)) | Sort-Object -Descending
            $order = ($ids | Get-OneLoginEnrolledAuthFactor -ThrottleLimit 8).UserId | Select-Object -Unique
            $order | Should -Be ($ids | Where-Object { $_ -in $order })
        }
    }

    Context 'errors' {
        It 'writes one UserNotFound per missing user and keeps going' {
            $devices = $full, 999001, $full | Get-OneLoginEnrolledAuthFactor -ErrorVariable errs -ErrorAction SilentlyContinue
            $devices | Should -HaveCount 8
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly 'UserNotFound,OneLoginMfa.Commands.GetOneLoginEnrolledAuthFactorCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 999001
            $errs[0].Exception.Message | Should -BeExactly 'User for id 999001 was not found'
        }

        It 'refuses <Value> before any request' -ForEach @(
            @{ Value = 0 }
            @{ Value = -5 }
        ) {
            { Get-OneLoginEnrolledAuthFactor -UserId $Value } | Should -Throw -ErrorId 'ParameterArgumentValidationError,OneLoginMfa.Commands.GetOneLoginEnrolledAuthFactorCommand'
            Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*' | Should -BeNullOrEmpty
        }

        It 'reads with a read-only credential' {
            try {
                $readOnly = Connect-TestEmulator -Emulator $emu -Scope ReadOnly
                Get-OneLoginEnrolledAuthFactor -UserId $full -Connection $readOnly | Should -HaveCount 4
            }
            finally {
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
        }

        It 'is terminating OneLoginAccessDenied for an authentication-only credential' {
            try {
                $authOnly = Connect-TestEmulator -Emulator $emu -Scope AuthOnly
                $err = { $full, $none | Get-OneLoginEnrolledAuthFactor -Connection $authOnly } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeExactly 'OneLoginAccessDenied,OneLoginMfa.Commands.GetOneLoginEnrolledAuthFactorCommand'
                $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            }
            finally {
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
        }
    }
}
