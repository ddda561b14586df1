BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 40
    Connect-TestEmulator -Emulator $emu | Out-Null
    $script:user = $emu.FirstUserId + 1
    $script:fqid = 'OneLoginMfa.Commands.NewOneLoginMfaTokenCommand'

    function Get-ApiCall {
        @(Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -Like '/api/*')
    }
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'New-OneLoginMfaToken' {
    # Reset restores the seed and the config and clears the request log.
    BeforeEach { Reset-OneLoginEmulator -Emulator $emu }

    Context 'tokens' {
        It 'returns a typed single-use MfaToken valid for 72 hours by default' {
            $token = New-OneLoginMfaToken -UserId $user
            $token | Should -BeOfType ([OneLoginMfa.MfaToken])
            $token.UserId | Should -Be $user
            $token.Token | Should -Match '^\d{8}$'
            $token.Reusable | Should -BeFalse
            ($token.ExpiresAt - [DateTimeOffset]::UtcNow).TotalHours | Should -BeGreaterThan 71.9
            ($token.ExpiresAt - [DateTimeOffset]::UtcNow).TotalHours | Should -BeLessOrEqual 72
            $call = Get-ApiCall
            $call | Should -HaveCount 1
            $call[0].method | Should -Be 'POST'
            $call[0].path | Should -Be "/api/1/users/$user/mfa_token"
            $call[0].contentType | Should -BeLike 'application/json*'
            $call[0].status | Should -Be 201
            Get-OneLoginEmulatorMfaToken -Emulator $emu -UserId $user | Should -Be $token.Token
        }

        It 'asks for the lifetime and reusability given' {
            $token = New-OneLoginMfaToken -UserId $user -Lifetime (New-TimeSpan -Hours 1) -Reusable
            $token.Reusable | Should -BeTrue
            ($token.ExpiresAt - [DateTimeOffset]::UtcNow).TotalMinutes | Should -BeGreaterThan 59
            ($token.ExpiresAt - [DateTimeOffset]::UtcNow).TotalMinutes | Should -BeLessOrEqual 60
        }

        It 'accepts exactly 72 hours' {
            (New-OneLoginMfaToken -UserId $user -Lifetime '3.00:00:00').Token | Should -Not -BeNullOrEmpty
        }

        It 'accepts HTTP 200 as well as 201' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ mfaTokenStatus = 200 }
            $token = New-OneLoginMfaToken -UserId $user
            $token.Token | Should -Match '^\d{8}$'
            (Get-ApiCall)[0].status | Should -Be 200
        }

        It 'has a table view' {
            Get-FormatData -TypeName 'OneLoginMfa.MfaToken' | Should -Not -BeNullOrEmpty
        }
    }

    Context 'pipeline' {
        It 'takes user ids by value, from OneLoginUser objects and from CSV, one token each in input order' {
            $first = $emu.FirstUserId
            ($first + 2), ($first + 1) | New-OneLoginMfaToken | ForEach-Object UserId | Should -Be ($first + 2), ($first + 1)
            (Get-OneLoginUser -UserId ($first + 3) | New-OneLoginMfaToken).UserId | Should -Be ($first + 3)
            ("UserId`n$($first + 4)" | ConvertFrom-Csv | New-OneLoginMfaToken).UserId | Should -Be ($first + 4)
            (New-OneLoginMfaToken -UserId ($first + 5), ($first + 6)).UserId | Should -Be ($first + 5), ($first + 6)
        }

        It 'writes one UserNotFound per unknown user and goes on' {
            $tokens = $user, 999001, ($user + 1) | New-OneLoginMfaToken -ErrorVariable errs -ErrorAction SilentlyContinue
            $tokens.UserId | Should -Be $user, ($user + 1)
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "UserNotFound,$fqid"
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 999001
        }
    }

    Context 'validation and safety' {
        It 'refuses the lifetime <Lifetime> before any request' -ForEach @(
            @{ Lifetime = '3.00:00:01' }
            @{ Lifetime = '4.00:00:00' }
            @{ Lifetime = '00:00:00' }
            @{ Lifetime = '-01:00:00' }
            @{ Lifetime = 3600 }
        ) {
            $err = { New-OneLoginMfaToken -UserId $user -Lifetime $Lifetime } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeExactly "ParameterArgumentValidationError,$fqid"
            Get-ApiCall | Should -BeNullOrEmpty
        }

        It '-WhatIf sends nothing' {
            $user, ($user + 1) | New-OneLoginMfaToken -WhatIf | Should -BeNullOrEmpty
            Get-ApiCall | Should -BeNullOrEmpty
        }

        It 'sends the POST once even when OneLogin fails' {
            Set-OneLoginEmulatorConfig -Emulator $emu -Setting @{ failEveryN = 1; failStatus = 500 }
            New-OneLoginMfaToken -UserId $user -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeExactly "OneLoginServiceError,$fqid"
            @(Get-ApiCall | Where-Object method -eq 'POST') | Should -HaveCount 1
        }

        It 'is terminating OneLoginAccessDenied for a read-only credential' {
            try {
                $readOnly = Connect-TestEmulator -Emulator $emu -Scope ReadOnly
                $err = { $user, ($user + 1) | New-OneLoginMfaToken -Connection $readOnly } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeExactly "OneLoginAccessDenied,$fqid"
                $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
                @(Get-ApiCall | Where-Object method -eq 'POST') | Should -HaveCount 1
            }
            finally {
                Connect-TestEmulator -Emulator $emu | Out-Null
            }
        }

        It 'keeps the token out of verbose and debug output' {
            $DebugPreference = 'Continue'
            $all = & { New-OneLoginMfaToken -UserId $user -Verbose -Debug } *>&1
            $DebugPreference = 'SilentlyContinue'
            $token = $all | Where-Object { $_ -is [OneLoginMfa.MfaToken] }
            $text = $all | Where-Object { $_ -isnot [OneLoginMfa.MfaToken] } | Out-String
            $token.Token | Should -Match '^\d{8}$'
            $text | Should -Match 'mfa_token -> 201'
            $text | Should -Match 'response body'
            $text.Contains($token.Token) | Should -BeFalse
        }
    }
}
