BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 120
    Connect-TestEmulator -Emulator $emu | Out-Null
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Get-OneLoginUser' {
    BeforeEach { Clear-OneLoginEmulatorRequest -Emulator $emu }

    Context 'listing' {
        It 'streams every user as a typed OneLoginUser' {
            $users = Get-OneLoginUser
            $users | Should -HaveCount 120
            $users[0] | Should -BeOfType ([OneLoginMfa.OneLoginUser])
            ($users.Id | Select-Object -Unique) | Should -HaveCount 120
            $users[0].Id | Should -Be $emu.FirstUserId
        }

        It 'pages with limit=50 first, then only cursor=(the After-Cursor value), and stops when it is absent' {
            Get-OneLoginUser | Out-Null
            $calls = @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/api/2/users')
            $calls | Should -HaveCount 3
            $calls[0].query | Should -Match 'limit=50'
            $calls[0].query | Should -Not -Match 'cursor='
            foreach ($next in $calls[1..2]) {
                $next.query | Should -Match '^\??cursor=[^&]+$'
            }
        }

        It 'writes the first user before it asks for the second page' {
            $seen = $null
            Get-OneLoginUser | Select-Object -First 1 | ForEach-Object {
                $seen = @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/api/2/users').Count
            }
            $seen | Should -Be 1
        }

        It 'maps the wire fields, enums and unknown fields' {
            $user = Get-OneLoginUser -First 1
            $user.Username | Should -Not -BeNullOrEmpty
            $user.Email | Should -Match '@'
            $user.Status | Should -BeOfType ([OneLoginMfa.UserStatus])
            $user.CreatedAt | Should -BeOfType ([DateTimeOffset])
            $user.AdditionalProperties.Keys | Should -Contain 'preferred_locale_code'
        }
    }

    Context 'filters' {
        It 'passes -Email with a * wildcard through to OneLogin' {
            $users = Get-OneLoginUser -Email 'a*'
            $call = Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/api/2/users' | Select-Object -First 1
            [uri]::UnescapeDataString($call.query) | Should -Match 'email=a\*'
            $users | ForEach-Object { $_.Email | Should -BeLike 'a*' }
        }

        It 'sends -Username, -FirstName and -LastName as username, firstname, lastname' {
            $first = Get-OneLoginUser -First 1
            $found = Get-OneLoginUser -Username $first.Username -FirstName $first.FirstName -LastName $first.LastName
            $found.Id | Should -Contain $first.Id
            $query = [uri]::UnescapeDataString((Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/api/2/users' | Select-Object -Last 1).query)
            $query | Should -Match "username=$([regex]::Escape($first.Username))"
            $query | Should -Match "firstname=$([regex]::Escape($first.FirstName))"
            $query | Should -Match "lastname=$([regex]::Escape($first.LastName))"
        }

        It 'repeats the filters with the cursor on later pages (never limit or page) and gets every match' {
            $users = Get-OneLoginUser -Email '*@example.com'
            $users | Should -HaveCount 120
            $calls = @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/api/2/users')
            $calls | Should -HaveCount 3
            foreach ($next in $calls[1..2]) {
                $query = [uri]::UnescapeDataString($next.query)
                $query | Should -Match 'email=\*@example\.com'
                $query | Should -Match 'cursor='
                $query | Should -Not -Match '(^|[?&])(limit|page)='
            }
        }

        It 'passes -Filter keys through, dates as ISO 8601 UTC' {
            Get-OneLoginUser -Filter @{ created_since = [datetime]'2001-02-03T04:05:06Z'; directory_id = 7 } | Out-Null
            $query = [uri]::UnescapeDataString((Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/api/2/users' | Select-Object -First 1).query)
            $query | Should -Match 'created_since=2001-02-03T04:05:06Z'
            $query | Should -Match 'directory_id=7'
        }

        It 'refuses paging keys in -Filter before any request' {
            $err = { Get-OneLoginUser -Filter @{ cursor = 'abc' } } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeExactly 'FilterInvalid,OneLoginMfa.Commands.GetOneLoginUserCommand'
            Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*' | Should -BeNullOrEmpty
        }
    }

    Context 'paging parameters' {
        It 'honours -First and -Skip and stops requesting pages once -First is reached' {
            $users = Get-OneLoginUser -Skip 3 -First 5
            $users | Should -HaveCount 5
            $users[0].Id | Should -Be ($emu.FirstUserId + 3)
            @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/api/2/users') | Should -HaveCount 1
        }

        It 'reports the total with -IncludeTotalCount' {
            $out = Get-OneLoginUser -First 2 -IncludeTotalCount
            $total = $out | Where-Object { $_ -isnot [OneLoginMfa.OneLoginUser] }
            $total | Should -Not -BeNullOrEmpty
            "$total" | Should -Match '120'
        }

        It 'gives just the total with -IncludeTotalCount -First 0' {
            $out = @(Get-OneLoginUser -First 0 -IncludeTotalCount)
            $out | Should -HaveCount 1
            $out[0] | Should -Not -BeOfType ([OneLoginMfa.OneLoginUser])
            "$($out[0])" | Should -Match '120'
        }
    }

    Context 'by id' {
        It 'gets one user by id' {
            $user = Get-OneLoginUser -UserId ($emu.FirstUserId + 4)
            $user.Id | Should -Be ($emu.FirstUserId + 4)
            (Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/2/users/*').path | Should -Be "/api/2/users/$($emu.FirstUserId + 4)"
        }

        It 'gets several ids in one call with user_ids=, in input order' {
            $ids = ($emu.FirstUserId + 9), ($emu.FirstUserId + 2), ($emu.FirstUserId + 5)
            $users = Get-OneLoginUser -UserId $ids
            $users.Id | Should -Be $ids
            $calls = @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/2/users*')
            $calls | Should -HaveCount 1
            [uri]::UnescapeDataString($calls[0].query) | Should -Match "user_ids=$($ids -join ',')"
        }

        It 'writes one non-terminating UserNotFound per missing id and keeps going' {
            $users = Get-OneLoginUser -UserId $emu.FirstUserId, 999999, ($emu.FirstUserId + 1) -ErrorVariable errs -ErrorAction SilentlyContinue
            $users | Should -HaveCount 2
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly 'UserNotFound,OneLoginMfa.Commands.GetOneLoginUserCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 999999
        }

        It 'a single missing id is UserNotFound with OneLogin''s message' {
            Get-OneLoginUser -UserId 999999 -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeExactly 'UserNotFound,OneLoginMfa.Commands.GetOneLoginUserCommand'
            $errs[0].Exception | Should -BeOfType ([OneLoginMfa.OneLoginApiException])
            $errs[0].Exception.StatusCode | Should -Be 404
            $errs[0].Exception.Message | Should -Not -BeNullOrEmpty
        }

        It 'reports a failed batch call once per id, never as a false UserNotFound' {
            $fragile = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -MaxRetry 0 -PassThru
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ failEveryN = 1 }
            try {
                $ids = $emu.FirstUserId, ($emu.FirstUserId + 1)
                $users = Get-OneLoginUser -UserId $ids -Connection $fragile -ErrorVariable errs -ErrorAction SilentlyContinue
            }
            finally {
                Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ failEveryN = 0 }
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
            $users | Should -BeNullOrEmpty
            $errs | Should -HaveCount 2
            $errs.FullyQualifiedErrorId | Should -Be (@('OneLoginServiceError,OneLoginMfa.Commands.GetOneLoginUserCommand') * 2)
            $errs.TargetObject | Should -Be $ids
        }

        It 'takes ids from the pipeline by value and by property name' {
            ($emu.FirstUserId + 1), ($emu.FirstUserId + 2) | Get-OneLoginUser | Should -HaveCount 2
            [pscustomobject]@{ user_id = $emu.FirstUserId } | Get-OneLoginUser | Should -HaveCount 1
        }
    }
}
