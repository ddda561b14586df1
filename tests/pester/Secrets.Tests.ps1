# The client secret and the access token must never reach output, verbose/debug streams, error messages,
# formatting, serialization or ToString().
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:emu = Start-OneLoginEmulator -Users 12
    $script:secret = $emu.ClientSecret
    # The v2 token endpoint hands back the same token while it is valid, so this is the module's token too.
    $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($emu.ClientId):$($emu.ClientSecret)"))
    $script:token = (Invoke-RestMethod -Method Post -Uri "$($emu.Url.AbsoluteUri.TrimEnd('/'))/auth/oauth2/v2/token" -Headers @{ Authorization = "Basic $basic" } -ContentType 'application/json' -Body '{"grant_type":"client_credentials"}').access_token

    function Assert-NoSecret {
        param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)
        $Text | Should -Not -BeNullOrEmpty -Because 'the check must look at real output'
        $Text.Contains($secret) | Should -BeFalse -Because 'the client secret must never be shown'
        $Text.Contains($token) | Should -BeFalse -Because 'the access token must never be shown'
    }
}

AfterAll {
    Disconnect-OneLogin
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Secrets stay secret' {
    It 'the token the test knows is the one the module uses' {
        $token | Should -Match '^[0-9a-f]{64}$'
    }

    It 'verbose and debug output of Connect and API calls carry neither secret nor token' {
        $DebugPreference = 'Continue'
        $streams = & {
            Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -Verbose -Debug
            Get-OneLoginUser -First 3 -Verbose -Debug | Get-OneLoginAvailableAuthFactor -Verbose -Debug
            Get-OneLoginRateLimit -Verbose -Debug
        } *>&1 | Out-String
        Assert-NoSecret $streams
        $streams | Should -Match 'GET /api/1/users/\d+/auth_factors -> 200'
        $streams | Should -Match 'response body'
    }

    It 'the connection shows neither in Format-List *, ConvertTo-Json, ToString() or Export-Clixml' {
        $connection = Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential -PassThru
        Get-OneLoginUser -First 1 -Connection $connection | Out-Null
        Assert-NoSecret (Get-OneLoginConnection | Format-List -Property * | Out-String)
        Assert-NoSecret ($connection | Format-Table | Out-String)
        Assert-NoSecret ($connection | ConvertTo-Json -Depth 5)
        Assert-NoSecret $connection.ToString()
        Assert-NoSecret (($connection | Get-Member -Force | Out-String))
        $path = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath "conn-$PID.xml"
        try {
            $connection | Export-Clixml -Path $path -Depth 5
            Assert-NoSecret (Get-Content -Path $path -Raw)
        }
        finally {
            Remove-Item -Path $path -ErrorAction SilentlyContinue
        }
    }

    It 'error messages carry neither' {
        Connect-OneLogin -BaseUri $emu.Url -Credential $emu.Credential
        Get-OneLoginAvailableAuthFactor -UserId 987654 -ErrorVariable errs -ErrorAction SilentlyContinue
        $bad = [pscredential]::new($emu.ClientId, (ConvertTo-SecureString -String "$($secret)x" -AsPlainText -Force))
        try { Connect-OneLogin -BaseUri $emu.Url -Credential $bad } catch { $errs += $_ }
        $text = ($errs | ForEach-Object { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.Message; $_.Exception.Message } | Out-String)
        Assert-NoSecret $text
    }
}
