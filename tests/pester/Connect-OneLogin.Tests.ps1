BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 20
    $script:secretPlain = $emu.ClientSecret

    # A loopback "proxy" that accepts one connection and records what the client sent (a CONNECT line).
    function Invoke-WithRecordingProxy {
        param([Parameter(Mandatory)] [scriptblock] $Action)
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $accept = $listener.AcceptTcpClientAsync()
            $proxy = [uri]"http://127.0.0.1:$($listener.LocalEndpoint.Port)"
            $caught = $null
            try { & $Action $proxy } catch { $caught = $_ }
            $line = $null
            if ($accept.Wait(5000)) {
                $client = $accept.Result
                $stream = $client.GetStream()
                $stream.ReadTimeout = 2000
                $buffer = [byte[]]::new(4096)
                $read = $stream.Read($buffer, 0, $buffer.Length)
                $line = ([System.Text.Encoding]::ASCII.GetString($buffer, 0, $read) -split "`r`n")[0]
                $client.Dispose()
            }
            [pscustomobject]@{ RequestLine = $line; Error = $caught }
        }
        finally {
            $listener.Stop()
        }
    }
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Connect-OneLogin' {
    BeforeEach {
        Disconnect-OneLogin
        Clear-OneLoginEmulatorRequest -Emulator $emu
    }

    Context 'credential sources' {
        It 'connects with -Credential and stores the runspace default' {
            Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential | Should -BeNullOrEmpty
            $connection = Get-OneLoginConnection
            $connection | Should -BeOfType ([OneLoginMfa.OneLoginConnection])
            $connection.ClientId | Should -BeExactly $emu.ClientId
            $connection.CredentialSource | Should -Be 'Credential'
            $connection.BaseUri.AbsoluteUri | Should -BeExactly "$($emu.Url.AbsoluteUri.TrimEnd('/'))/"
            $connection.TokenExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        }

        It 'connects with -ClientId and a SecureString -ClientSecret' {
            $secret = ConvertTo-SecureString -String $emu.ClientSecret -AsPlainText -Force
            $connection = Connect-OneLogin -BaseUri $emu.Url -ClientId $emu.ClientId -ClientSecret $secret -PassThru
            $connection.CredentialSource | Should -Be 'ClientSecret'
            (Get-OneLoginConnection) | Should -Be $connection
        }

        It 'falls back to ONELOGIN_CLIENT_ID and ONELOGIN_CLIENT_SECRET' {
            $env:ONELOGIN_CLIENT_ID = $emu.ClientId
            $env:ONELOGIN_CLIENT_SECRET = $emu.ClientSecret
            try {
                $connection = Connect-OneLogin -BaseUri $emu.Url -PassThru
                $connection.CredentialSource | Should -Be 'Environment'
            }
            finally {
                Remove-Item -Path Env:ONELOGIN_CLIENT_ID, Env:ONELOGIN_CLIENT_SECRET -ErrorAction SilentlyContinue
            }
        }

        It 'names all three credential sources when none is given' {
            Remove-Item -Path Env:ONELOGIN_CLIENT_ID, Env:ONELOGIN_CLIENT_SECRET -ErrorAction SilentlyContinue
            $err = { Connect-OneLogin -BaseUri $emu.Url } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'OneLoginCredentialMissing,*'
            $err.Exception.Message | Should -Match '-Credential'
            $err.Exception.Message | Should -Match '-ClientId'
            $err.Exception.Message | Should -Match 'ONELOGIN_CLIENT_ID'
            Get-OneLoginEmulatorRequest -Emulator $emu | Should -BeNullOrEmpty
        }

        It 'writes nothing to the pipeline without -PassThru' {
            $out = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential
            $out | Should -BeNullOrEmpty
        }
    }

    Context 'validation before storing' {
        It 'refuses bad credentials with a terminating OneLoginAuthenticationFailed and stores nothing' {
            $bad = [pscredential]::new($emu.ClientId, (ConvertTo-SecureString -String ('0' * 64) -AsPlainText -Force))
            $err = { Connect-OneLogin -BaseUri $emu.Url -Credential $bad } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeExactly 'OneLoginAuthenticationFailed,OneLoginMfa.Commands.ConnectOneLoginCommand'
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err.Exception.Message | Should -BeExactly 'Authentication Failure'
            Get-OneLoginConnection | Should -BeNullOrEmpty
        }

        It 'keeps the previous default when a new connect fails' {
            $good = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -PassThru
            $bad = [pscredential]::new('nobody', (ConvertTo-SecureString -String 'x' -AsPlainText -Force))
            { Connect-OneLogin -BaseUri $emu.Url -Credential $bad } | Should -Throw
            Get-OneLoginConnection | Should -Be $good
        }
    }

    Context 'wire rules for the token request' {
        It 'posts to /auth/oauth2/v2/token with Basic auth and Content-Type exactly application/json' {
            Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential
            $token = Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/auth/oauth2/v2/token' | Select-Object -First 1
            $token.method | Should -Be 'POST'
            $token.authScheme | Should -Be 'basic'
            $token.contentType | Should -BeExactly 'application/json'
            $token.userAgent | Should -Match '^OneLoginMfa/\d+\.\d+\.\d+ PowerShell/\d'
        }

        It 'sends resource calls with bearer:<token> and Accept: application/json' {
            Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential
            Get-OneLoginRateLimit | Out-Null
            $call = Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/auth/rate_limit' | Select-Object -First 1
            $call.authScheme | Should -Be 'bearer-colon'
            $call.accept | Should -Match 'application/json'
        }
    }

    Context 'endpoints' {
        It 'refuses http to a non-loopback host before sending anything' {
            $err = { Connect-OneLogin -BaseUri 'http://example.com' -Credential $emu.Credential } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'BaseUriInvalid,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -Match 'https'
            Get-OneLoginEmulatorRequest -Emulator $emu | Should -BeNullOrEmpty
        }

        It 'refuses the subdomain <Value>' -ForEach @(
            @{ Value = 'acme corp' }
            @{ Value = 'https://acme.onelogin.com/admin' }
            @{ Value = 'http://acme.onelogin.com' }
            @{ Value = 'ftp://acme.onelogin.com' }
            @{ Value = 'acme.example.com' }
        ) {
            $err = { Connect-OneLogin -Subdomain $Value -Credential $emu.Credential } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'SubdomainInvalid,*'
            $err.TargetObject | Should -Be $Value
        }

        It 'refuses more than one endpoint parameter' {
            $err = { Connect-OneLogin -Subdomain acme -BaseUri $emu.Url -Credential $emu.Credential } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'EndpointParameterConflict,*'
        }

        It 'maps -Subdomain <Value> to https://acme.onelogin.com and sends the token request through -Proxy' -ForEach @(
            @{ Value = 'acme' }
            @{ Value = 'acme.onelogin.com' }
            @{ Value = 'https://acme.onelogin.com/' }
        ) {
            # The proxy is a loopback listener: nothing leaves the machine, and what it receives proves both
            # the host the module resolved and that the token request honours the proxy.
            $result = Invoke-WithRecordingProxy {
                param($proxy)
                Connect-OneLogin -Subdomain $Value -Credential $emu.Credential -Proxy $proxy -Timeout '00:00:01' -MaxRetry 0
            }
            $result.RequestLine | Should -BeExactly 'CONNECT acme.onelogin.com:443 HTTP/1.1'
            $result.Error | Should -Not -BeNullOrEmpty
            Get-OneLoginConnection | Should -BeNullOrEmpty
        }

        It 'maps -Region EU to the legacy regional host' {
            $result = Invoke-WithRecordingProxy {
                param($proxy)
                Connect-OneLogin -Region EU -Credential $emu.Credential -Proxy $proxy -Timeout '00:00:01' -MaxRetry 0
            }
            $result.RequestLine | Should -BeExactly 'CONNECT api.eu.onelogin.com:443 HTTP/1.1'
        }

        It 'uses ONELOGIN_SUBDOMAIN when no endpoint is given' {
            $env:ONELOGIN_SUBDOMAIN = 'contoso'
            try {
                $result = Invoke-WithRecordingProxy {
                    param($proxy)
                    Connect-OneLogin -Credential $emu.Credential -Proxy $proxy -Timeout '00:00:01' -MaxRetry 0
                }
                $result.RequestLine | Should -BeExactly 'CONNECT contoso.onelogin.com:443 HTTP/1.1'
            }
            finally {
                Remove-Item -Path Env:ONELOGIN_SUBDOMAIN -ErrorAction SilentlyContinue
            }
        }

        It 'stores -Timeout, -MaxRetry and -MaxRateLimitWait on the connection' {
            $connection = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -Timeout '00:00:10' -MaxRetry 5 -MaxRateLimitWait '00:02:00' -PassThru
            $connection.Timeout | Should -Be ([timespan]'00:00:10')
            $connection.MaxRetry | Should -Be 5
            $connection.MaxRateLimitWait | Should -Be ([timespan]'00:02:00')
        }
    }
}

Describe 'Disconnect-OneLogin' {
    It 'clears the default so the next call is OneLoginNotConnected' {
        Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential
        Disconnect-OneLogin
        Get-OneLoginConnection | Should -BeNullOrEmpty
        $err = { Get-OneLoginUser -First 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly 'OneLoginNotConnected,OneLoginMfa.Commands.GetOneLoginUserCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -Match 'Connect-OneLogin'
    }

    It 'does not revoke unless asked' {
        Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential
        Clear-OneLoginEmulatorRequest -Emulator $emu
        Disconnect-OneLogin
        Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/auth/oauth2/revoke' | Should -BeNullOrEmpty
    }

    It 'revokes the token at the server with -Revoke' {
        $connection = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -PassThru
        Clear-OneLoginEmulatorRequest -Emulator $emu
        Disconnect-OneLogin -Revoke
        $revoke = Get-OneLoginEmulatorRequest -Emulator $emu | Where-Object path -EQ '/auth/oauth2/revoke'
        $revoke | Should -HaveCount 1
        $revoke.status | Should -Be 200
        # The connection is closed for whoever holds it.
        $err = { Get-OneLoginRateLimit -Connection $connection } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeExactly 'OneLoginNotConnected,OneLoginMfa.Commands.GetOneLoginRateLimitCommand'
        $err.Exception.Message | Should -Match 'Disconnect-OneLogin'
    }

    It 'disconnects only the given -Connection' {
        $first = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -PassThru
        $second = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.ReadOnlyCredential -PassThru
        Disconnect-OneLogin -Connection $first
        Get-OneLoginConnection | Should -Be $second
        { Get-OneLoginRateLimit -Connection $first } | Should -Throw -ErrorId 'OneLoginNotConnected,OneLoginMfa.Commands.GetOneLoginRateLimitCommand'
        Get-OneLoginRateLimit -Connection $second | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-OneLoginRateLimit' {
    It 'returns a typed OneLoginRateLimit from /auth/rate_limit' {
        Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential
        $limit = Get-OneLoginRateLimit
        $limit | Should -BeOfType ([OneLoginMfa.OneLoginRateLimit])
        $limit.Limit | Should -BeGreaterThan 0
        $limit.Remaining | Should -BeLessOrEqual $limit.Limit
        $limit.ResetIn | Should -BeGreaterThan ([timespan]::Zero)
        (Get-OneLoginConnection).RateLimit.Limit | Should -Be $limit.Limit
    }
}
