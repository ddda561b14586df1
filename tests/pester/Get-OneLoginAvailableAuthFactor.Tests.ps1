BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 30
    Connect-TestEmulator -Emulator $emu | Out-Null
    $script:first = $emu.FirstUserId
    $script:csv = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath "onelogin-users-$PID.csv"
}

AfterAll {
    Remove-Item -Path $csv -ErrorAction SilentlyContinue
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Get-OneLoginAvailableAuthFactor' {
    BeforeEach { Clear-OneLoginEmulatorRequest -Emulator $emu }

    Context 'output' {
        It 'returns typed AuthFactor objects with UserId, FactorId and Name from the seed endpoint' {
            $factors = Get-OneLoginAvailableAuthFactor -UserId ($first + 1)
            $factors | Should -Not -BeNullOrEmpty
            $factors | ForEach-Object {
                $_ | Should -BeOfType ([OneLoginMfa.AuthFactor])
                $_.UserId | Should -Be ($first + 1)
                $_.FactorId | Should -BeGreaterThan 0
                $_.Name | Should -BeIn 'OneLogin SMS', 'OneLogin Voice', 'OneLogin Protect', 'Google Authenticator'
            }
            $call = Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/1/*'
            $call.path | Should -Be "/api/1/users/$($first + 1)/auth_factors"
            $call.method | Should -Be 'GET'
        }

        It 'writes nothing and no error for a user with nothing left to enroll' {
            # The emulator enrols every factor for each tenth user.
            $full = Get-OneLoginUser | Where-Object { -not (Get-OneLoginAvailableAuthFactor -UserId $_.Id) } | Select-Object -First 1
            $full | Should -Not -BeNullOrEmpty
            $out = Get-OneLoginAvailableAuthFactor -UserId $full.Id -ErrorVariable errs
            $out | Should -BeNullOrEmpty
            $errs | Should -BeNullOrEmpty
        }
    }

    Context 'pipeline binding' {
        It 'binds OneLoginUser objects from Get-OneLoginUser (property Id)' {
            $factors = Get-OneLoginUser -First 5 | Get-OneLoginAvailableAuthFactor
            ($factors.UserId | Select-Object -Unique) | ForEach-Object { $_ | Should -BeIn ($first..($first + 4)) }
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/1/users/*/auth_factors') | Should -HaveCount 5
        }

        It 'binds plain numbers by value' {
            ($first + 1), ($first + 2), ($first + 3) | Get-OneLoginAvailableAuthFactor | Out-Null
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/1/users/*/auth_factors') | Should -HaveCount 3
        }

        It 'binds ids that arrive as strings from Import-Csv' {
            @(
                [pscustomobject]@{ UserId = "$($first + 1)"; Note = 'a' }
                [pscustomobject]@{ UserId = "$($first + 2)"; Note = 'b' }
            ) | Export-Csv -Path $csv -NoTypeInformation
            $factors = Import-Csv -Path $csv | Get-OneLoginAvailableAuthFactor
            ($factors.UserId | Select-Object -Unique) | Should -Be ($first + 1), ($first + 2)
        }

        It 'binds a pscustomobject by <Name>' -ForEach @(
            @{ Name = 'UserId' }
            @{ Name = 'Id' }
            @{ Name = 'user_id' }
        ) {
            $object = [pscustomobject]@{ $Name = $first + 2 }
            $factors = $object | Get-OneLoginAvailableAuthFactor
            $factors | ForEach-Object { $_.UserId | Should -Be ($first + 2) }
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/1/*') | Should -HaveCount 1
        }

        It 'keeps input order with -ThrottleLimit 8' {
            $ids = ($first..($first + 19)) | Sort-Object -Descending
            $factors = $ids | Get-OneLoginAvailableAuthFactor -ThrottleLimit 8
            $order = $factors.UserId | Select-Object -Unique
            $expected = $ids | Where-Object { $_ -in $order }
            $order | Should -Be $expected
        }
    }

    Context 'errors' {
        It 'writes one UserNotFound per missing user and keeps going' {
            $ids = ($first + 1), 999001, ($first + 2), 999002, ($first + 3)
            $factors = $ids | Get-OneLoginAvailableAuthFactor -ErrorVariable errs -ErrorAction SilentlyContinue
            ($factors.UserId | Select-Object -Unique) | ForEach-Object { $_ | Should -BeIn ($first + 1), ($first + 2), ($first + 3) }
            $errs | Should -HaveCount 2
            foreach ($err in $errs) {
                $err.FullyQualifiedErrorId | Should -BeExactly 'UserNotFound,OneLoginMfa.Commands.GetOneLoginAvailableAuthFactorCommand'
                $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
                $err.Exception.Message | Should -BeExactly "User for id $($err.TargetObject) was not found"
            }
            $errs.TargetObject | Should -Be 999001, 999002
        }

        It 'makes a missing user catchable with -ErrorAction Stop' {
            $caught = $null
            try {
                Get-OneLoginAvailableAuthFactor -UserId 999003 -ErrorAction Stop
            }
            catch {
                $caught = $_
            }
            $caught | Should -Not -BeNullOrEmpty
            $caught.FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
            $caught.Exception | Should -BeOfType ([OneLoginMfa.OneLoginApiException])
            $caught.Exception.StatusCode | Should -Be 404
        }

        It 'refuses <Value> before any request' -ForEach @(
            @{ Value = 0 }
            @{ Value = -1 }
            @{ Value = 'abc' }
        ) {
            { Get-OneLoginAvailableAuthFactor -UserId $Value -ErrorAction Stop } | Should -Throw
            Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*' | Should -BeNullOrEmpty
        }

        It 'refuses a bad id from the pipeline but processes the rest' {
            $factors = ($first + 1), 'abc', ($first + 2) | Get-OneLoginAvailableAuthFactor -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            ($factors.UserId | Select-Object -Unique) | ForEach-Object { $_ | Should -BeIn ($first + 1), ($first + 2) }
        }

        It 'is terminating OneLoginAccessDenied for a credential without read scope' {
            $authOnly = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.AuthOnlyCredential -PassThru
            try {
                $err = { ($first + 1), ($first + 2) | Get-OneLoginAvailableAuthFactor -Connection $authOnly } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeExactly 'OneLoginAccessDenied,OneLoginMfa.Commands.GetOneLoginAvailableAuthFactorCommand'
                $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            }
            finally {
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
        }

        It 'is OneLoginNotConnected in a runspace that never connected' {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$ModulePath/OneLoginMfa.psd1'; try { Get-OneLoginAvailableAuthFactor -UserId 5 } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString() }")
                $out = $ps.Invoke()
                $out[0] | Should -BeExactly 'OneLoginNotConnected,OneLoginMfa.Commands.GetOneLoginAvailableAuthFactorCommand'
                $out[1] | Should -Be 'InvalidOperation'
            }
            finally {
                $ps.Dispose()
            }
        }
    }
}
