# Executable examples: every ```powershell block under "## EXAMPLES" of every cmdlet page in docs/en-US runs
# against the emulator, each example in a fresh runspace that has imported the built module and connected with
# Connect-OneLogin -BaseUri, after the emulator was reset. It must not throw and must not write an error (an
# error the example itself silences with -ErrorAction SilentlyContinue is not written, and is allowed).
#
# Examples written for a real tenant or a person at the keyboard are adapted in the open, in the table below:
# each entry says why, and what is rewritten (a regex on the example's code) or stubbed (a command that only
# exists elsewhere, or that prompts). Examples that cannot run here at all are in the skip list, with the
# reason, and show up as skipped tests. Nothing is skipped or changed silently: an entry that names no
# example, or a rewrite that changes nothing, fails the run.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"

    # The examples of one platyPS cmdlet page: the "### ..." subsections of "## EXAMPLES", in order, each with
    # its ```powershell blocks joined.
    function Get-DocExample {
        param([string] $Path, [string] $Command)

        $examples = [System.Collections.Generic.List[object]]::new()
        $inExamples = $false
        $current = $null
        $fence = $null
        $block = [System.Collections.Generic.List[string]]::new()
        foreach ($line in Get-Content -LiteralPath $Path) {
            if ($fence) {
                if ($line -match '^\s*```\s*$') {
                    if ($fence -eq 'powershell' -and $current) {
                        $current.Blocks.Add($block -join "`n")
                    }
                    $fence = $null
                }
                else {
                    $block.Add($line)
                }
                continue
            }
            if ($line -match '^\s*```\s*(\S*)') {
                $fence = if ($Matches[1]) { $Matches[1] } else { 'text' }
                $block.Clear()
                continue
            }
            if ($line -match '^##\s+(.+?)\s*$') {
                $inExamples = $Matches[1] -eq 'EXAMPLES'
                $current = $null
                continue
            }
            if ($inExamples -and $line -match '^###\s+(.+?)\s*$') {
                $current = [pscustomobject]@{
                    Title  = $Matches[1]
                    Blocks = [System.Collections.Generic.List[string]]::new()
                }
                $examples.Add($current)
            }
        }
        $number = 0
        foreach ($example in $examples) {
            $number++
            @{
                Key    = "$Command#$number"
                Title  = $example.Title
                Code   = $example.Blocks -join "`n`n"
                Blocks = $example.Blocks.Count
            }
        }
    }

    $script:exampleCases = @(
        foreach ($command in Get-Command -Module OneLoginMfa | Sort-Object -Property Name) {
            Get-DocExample -Path "$RepoRoot/docs/en-US/$($command.Name).md" -Command $command.Name
        }
    )
    $script:listCases = @(@{ ExampleKeys = @($exampleCases | ForEach-Object { $_.Key }) })
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:manifestPath = Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1'

    # Commands that exist only on a runbook host, in another module, or that wait for a person. A stub is
    # defined in an example's runspace only when its entry in $Adaptations names it. Inside the example,
    # $EmulatorUrl and $EmulatorCredential are the emulator's address and full-scope credential.
    $script:Stubs = @{
        # Prompts a person; here the "person" types the emulator's client id and secret.
        'Get-Credential'             = 'function Get-Credential { param([string] $Message, [string] $UserName, [string] $Title) $EmulatorCredential }'
        # Azure Automation's credential asset cmdlet, which exists only inside a runbook.
        'Get-AutomationPSCredential' = 'function Get-AutomationPSCredential { param([string] $Name) $EmulatorCredential }'
        # Microsoft.PowerShell.SecretManagement, not installed here: the vault holds the emulator's secret.
        'Get-Secret'                 = 'function Get-Secret { param([string] $Name, [string] $Vault) $EmulatorCredential.Password }'
        # The help-desk caller reads out the code: the one the emulator sent for the latest trigger request.
        'Read-Host'                  = @'
function Read-Host {
    param([object] $Prompt, [switch] $AsSecureString)
    $control = $EmulatorUrl.TrimEnd('/') + '/__emulator/'
    $pattern = '^/api/1/users/(\d+)/otp_devices/(\d+)/trigger$'
    $log = Invoke-RestMethod -Uri ($control + 'requests') -NoProxy
    $trigger = $log | Where-Object { $_.path -match $pattern } | Select-Object -Last 1
    if (-not $trigger -or $trigger.path -notmatch $pattern) {
        throw 'Read-Host stub: no challenge was sent, so there is no code to read out.'
    }
    $otp = (Invoke-RestMethod -Uri ($control + "otp?user_id=$($Matches[1])&device_id=$($Matches[2])") -NoProxy).otp
    if ($AsSecureString) { ConvertTo-SecureString -String $otp -AsPlainText -Force } else { $otp }
}
'@
    }

    # Examples adapted to run here. Replace: regex -> replacement on the example's code (each must match).
    # Stub: commands from $Stubs. Variables: variables the example expects from elsewhere, set to the
    # emulator's credential. Environment: run with $env:ONELOGIN_CLIENT_ID/_SECRET set to the emulator's.
    $script:Adaptations = @{
        'Connect-OneLogin#1'                 = @{
            Why     = 'connects to the tenant https://acme.onelogin.com and prompts for the credential'
            Replace = @{ '-Subdomain acme\b' = '-BaseUri $EmulatorUrl' }
            Stub    = 'Get-Credential'
        }
        'Connect-OneLogin#2'                 = @{
            Why     = 'an Azure Automation runbook against https://acme.onelogin.com; Get-AutomationPSCredential exists only there'
            Replace = @{ '-Subdomain acme\b' = '-BaseUri $EmulatorUrl' }
            Stub    = 'Get-AutomationPSCredential'
        }
        'Connect-OneLogin#3'                 = @{
            # The credential part runs as written (from the environment); only the tenant is given explicitly.
            Why         = '$env:ONELOGIN_SUBDOMAIN can only name a *.onelogin.com tenant, not the emulator'
            Replace     = @{ '(?m)^Connect-OneLogin$' = 'Connect-OneLogin -BaseUri $EmulatorUrl' }
            Environment = $true
        }
        'Connect-OneLogin#4'                 = @{
            Why     = 'a real tenant, a real client id and a SecretManagement vault'
            Replace = @{
                '-Subdomain acme\b'                                                     = '-BaseUri $EmulatorUrl'
                "'0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0'" = '$EmulatorCredential.UserName'
            }
            Stub    = 'Get-Secret'
        }
        'Connect-OneLogin#5'                 = @{
            # Both "tenants" are the one emulator here; MultiTenant.Tests.ps1 proves it with two emulators.
            Why       = 'two real tenants (acme, acme-sandbox) with credentials from elsewhere'
            Replace   = @{ '-Subdomain acme(-sandbox)?\b' = '-BaseUri $EmulatorUrl' }
            Variables = 'productionCredential', 'sandboxCredential'
        }
        'Confirm-OneLoginAuthFactor#1'       = @{
            Why  = 'Read-Host waits for a person to type the code'
            Stub = 'Read-Host'
        }
        'Confirm-OneLoginAuthFactor#3'       = @{
            Why  = 'Read-Host waits for a person to type the code'
            Stub = 'Read-Host'
        }
        'Send-OneLoginAuthFactorChallenge#3' = @{
            Why  = 'Read-Host waits for a person to type the code'
            Stub = 'Read-Host'
        }
    }

    # Examples that cannot run here at all.
    $script:Skips = @{
        'Connect-OneLogin#6' = 'sends every request through the proxy proxy.corp.example as the Windows user, and neither exists here. Connect-OneLogin.Tests.ps1 covers -Proxy (loopback proxy), -Region, -Timeout and -MaxRetry.'
    }

    $script:emu = Start-OneLoginEmulator -Users 30

    # Examples write report files to [System.IO.Path]::GetTempPath(): point it at a private folder.
    $script:savedTemp = @{ TMPDIR = $env:TMPDIR; TEMP = $env:TEMP; TMP = $env:TMP }
    $script:exampleTemp = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath "onelogin-examples-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $exampleTemp -Force | Out-Null
    $env:TMPDIR = $exampleTemp
    $env:TEMP = $exampleTemp
    $env:TMP = $exampleTemp

    function Invoke-DocExample {
        param(
            [Parameter(Mandatory)] [string] $Code,
            [string[]] $Stub = @(),
            [string[]] $Variable = @()
        )

        $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        try {
            $runspace.SessionStateProxy.SetVariable('EmulatorUrl', $emu.Url.AbsoluteUri)
            $runspace.SessionStateProxy.SetVariable('EmulatorCredential', $emu.Credential)
            $runspace.SessionStateProxy.SetVariable('ExampleManifest', $manifestPath)
            $runspace.SessionStateProxy.SetVariable('ExampleRoot', $RepoRoot)
            foreach ($name in $Variable) {
                $runspace.SessionStateProxy.SetVariable($name, $emu.Credential)
            }
            $prelude = @(
                '$ErrorActionPreference = ''Stop'''
                'Set-Location -LiteralPath $ExampleRoot'
                'Import-Module -Name $ExampleManifest'
                'Connect-OneLogin -BaseUri $EmulatorUrl -Credential $EmulatorCredential'
                '$ErrorActionPreference = ''Continue'''
            ) + @($Stub | ForEach-Object { $Stubs[$_] })
            $null = $shell.AddScript($prelude -join "`n").Invoke()
            if ($shell.Streams.Error.Count) {
                throw "The example's set-up failed: $($shell.Streams.Error[0])"
            }
            $shell.Commands.Clear()
            # Out-String renders the output through the format views, as a console would.
            $null = $shell.AddScript($Code).AddCommand('Out-String').AddParameter('Width', 160)
            $async = $shell.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(90))) {
                $shell.Stop()
                throw 'The example did not finish within 90 seconds.'
            }
            $output = $shell.EndInvoke($async)
            [pscustomobject]@{
                Output   = ($output | ForEach-Object { "$_" }) -join ''
                Errors   = @($shell.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
                Warnings = @($shell.Streams.Warning | ForEach-Object { "$_" })
            }
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }
}

AfterAll {
    foreach ($name in $savedTemp.Keys) {
        if ($null -eq $savedTemp[$name]) {
            Remove-Item -Path "Env:$name" -ErrorAction SilentlyContinue
        }
        else {
            Set-Item -Path "Env:$name" -Value $savedTemp[$name]
        }
    }
    Remove-Item -LiteralPath $exampleTemp -Recurse -Force -ErrorAction SilentlyContinue
    Stop-OneLoginEmulator -Emulator $emu
}

Describe 'Examples in docs/en-US' {
    Context 'the adaptation and skip lists' -ForEach $listCases {
        It 'name only examples that exist' {
            @($Adaptations.Keys | Where-Object { $_ -notin $ExampleKeys }) | Should -BeNullOrEmpty
            @($Skips.Keys | Where-Object { $_ -notin $ExampleKeys }) | Should -BeNullOrEmpty
            @($Adaptations.Keys | Where-Object { $_ -in $Skips.Keys }) | Should -BeNullOrEmpty
        }

        It 'give a reason for every entry and stub only known commands' {
            foreach ($key in $Adaptations.Keys) {
                $Adaptations[$key].Why | Should -Not -BeNullOrEmpty -Because "$key says why it is adapted"
                foreach ($stub in @($Adaptations[$key].Stub | Where-Object { $_ })) {
                    $Stubs.Keys | Should -Contain $stub
                }
            }
            foreach ($key in $Skips.Keys) {
                $Skips[$key] | Should -Not -BeNullOrEmpty
            }
        }

        It 'leave at least nine in ten examples running' {
            $Skips.Count | Should -BeLessOrEqual ([math]::Floor($ExampleKeys.Count / 10))
        }
    }

    It '<Key>: <Title>' -ForEach $exampleCases {
        $Blocks | Should -BeGreaterThan 0 -Because 'every example shows a ```powershell block'
        if ($Skips.ContainsKey($Key)) {
            Set-ItResult -Skipped -Because "it cannot run here: $($Skips[$Key])"
            return
        }

        $code = $Code
        $adaptation = $Adaptations[$Key]
        if ($adaptation) {
            foreach ($pattern in @($adaptation.Replace.Keys | Where-Object { $_ })) {
                $code -match $pattern | Should -BeTrue -Because "the rewrite '$pattern' of $Key must change something"
                $code = [regex]::Replace($code, $pattern, $adaptation.Replace[$pattern].Replace('$', '$$'))
            }
        }

        Reset-OneLoginEmulator -Emulator $emu
        $environmentSet = $adaptation -and $adaptation.Environment
        if ($environmentSet) {
            $env:ONELOGIN_CLIENT_ID = $emu.ClientId
            $env:ONELOGIN_CLIENT_SECRET = $emu.ClientSecret
        }
        try {
            $splat = @{
                Code     = $code
                Stub     = @($adaptation.Stub | Where-Object { $_ })
                Variable = @($adaptation.Variables | Where-Object { $_ })
            }
            $result = Invoke-DocExample @splat
        }
        finally {
            if ($environmentSet) {
                Remove-Item -Path Env:ONELOGIN_CLIENT_ID, Env:ONELOGIN_CLIENT_SECRET -ErrorAction SilentlyContinue
            }
        }
        $result.Errors | Should -BeNullOrEmpty -Because "the example must not write errors. Its code:`n$code`n"
    }
}
