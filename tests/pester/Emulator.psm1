# Helpers that start, drive and stop the loopback OneLogin API emulator (tests/OneLogin.Emulator).
# Used by the Pester tests, build.ps1 -Task Demo and the benchmarks. Loopback only: every call goes to the
# emulator's own http://127.0.0.1:<port> address.

$script:RepoRoot = (Resolve-Path -Path (Join-Path -Path $PSScriptRoot -ChildPath '../..')).Path
$script:EmulatorDll = Join-Path -Path $script:RepoRoot -ChildPath 'out/emulator/OneLogin.Emulator.dll'
$script:EmulatorProject = Join-Path -Path $script:RepoRoot -ChildPath 'tests/OneLogin.Emulator'

function Get-DotnetPath {
    # Under `dotnet pwsh` the host sets DOTNET_HOST_PATH; otherwise use dotnet from PATH.
    if ($env:DOTNET_HOST_PATH -and (Test-Path -LiteralPath $env:DOTNET_HOST_PATH -PathType Leaf)) {
        return $env:DOTNET_HOST_PATH
    }
    $command = Get-Command -Name 'dotnet' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $command) {
        throw 'The dotnet executable was not found on PATH; it is needed to run the OneLogin emulator.'
    }
    $command.Source
}

function Get-RestSplat {
    # Control calls never go through a proxy: the emulator is on loopback.
    $splat = @{ ErrorAction = 'Stop' }
    if ($PSVersionTable.PSVersion.Major -ge 6) {
        $splat['NoProxy'] = $true
    }
    $splat
}

function Get-ControlUri {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $Path
    )
    if (-not $Emulator.Url) {
        throw 'The -Emulator object has no Url: pass the object returned by Start-OneLoginEmulator.'
    }
    $Emulator.Url.AbsoluteUri.TrimEnd('/') + '/__emulator/' + $Path
}

function Invoke-EmulatorControl {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $Path,
        [string] $Method = 'Get',
        $Body
    )
    $ErrorActionPreference = 'Stop'
    $splat = Get-RestSplat
    $splat['Uri'] = Get-ControlUri -Emulator $Emulator -Path $Path
    $splat['Method'] = $Method
    if ($PSBoundParameters.ContainsKey('Body')) {
        $splat['ContentType'] = 'application/json'
        $splat['Body'] = if ($Body -is [string]) { $Body } else { ConvertTo-Json -InputObject $Body -Compress -Depth 5 }
    }
    try {
        Invoke-RestMethod @splat
    }
    catch {
        # Surface the emulator's own {"error":"…"} text (e.g. an unknown setting) instead of a bare status line.
        $detail = $_.ErrorDetails.Message
        if ($detail) {
            throw "OneLogin emulator: $Method /__emulator/$Path failed: $detail"
        }
        throw
    }
}

function New-SecretCredential {
    param(
        [Parameter(Mandatory)] [string] $UserName,
        [Parameter(Mandatory)] [string] $Secret
    )
    $secure = [System.Security.SecureString]::new()
    foreach ($character in $Secret.ToCharArray()) {
        $secure.AppendChar($character)
    }
    $secure.MakeReadOnly()
    [System.Management.Automation.PSCredential]::new($UserName, $secure)
}

function Start-OneLoginEmulator {
    <#
    .SYNOPSIS
    Starts the loopback OneLogin API emulator and returns an object describing it.
    .DESCRIPTION
    Runs out/emulator/OneLogin.Emulator.dll (building tests/OneLogin.Emulator there first if it is missing)
    on a free 127.0.0.1 port, tied to this PowerShell process with --parent-pid, waits up to 30 seconds for
    its start-up line and applies -Setting through POST /__emulator/config. The emulator's stderr goes to a
    temporary log file (LogPath on the returned object).
    .EXAMPLE
    $emu = Start-OneLoginEmulator -Users 40 -Setting @{ latencyMs = 20 }
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        [ValidateRange(0, 10000000)]
        [int] $Users = 100,

        [ValidateRange(1, [long]::MaxValue)]
        [long] $FirstUserId = 100001,

        [hashtable] $Setting,

        [string[]] $ArgumentList = @()
    )
    $ErrorActionPreference = 'Stop'
    if (-not $PSCmdlet.ShouldProcess("127.0.0.1 ($Users users)", 'Start OneLogin emulator')) {
        return
    }

    $dotnet = Get-DotnetPath
    if (-not (Test-Path -LiteralPath $script:EmulatorDll -PathType Leaf)) {
        $outDir = Split-Path -Parent $script:EmulatorDll
        Write-Verbose -Message "Building the emulator into $outDir"
        $buildOutput = & $dotnet build $script:EmulatorProject -c Release -o $outDir -nologo -v q 2>&1
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $script:EmulatorDll -PathType Leaf)) {
            throw "Building the OneLogin emulator failed (exit code $LASTEXITCODE):`n$($buildOutput -join "`n")"
        }
    }

    $logPath = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ("onelogin-emulator-{0}.log" -f [guid]::NewGuid().ToString('N'))
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($dotnet)
    foreach ($argument in @(
            $script:EmulatorDll
            '--port', '0'
            '--parent-pid', "$PID"
            '--users', "$Users"
            '--first-user-id', "$FirstUserId"
        ) + $ArgumentList) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.RedirectStandardInput = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.WorkingDirectory = $script:RepoRoot

    $process = [System.Diagnostics.Process]::Start($startInfo)
    # stderr is copied to the log file by a .NET task (no PowerShell script block runs off-thread).
    $logStream = [System.IO.File]::Open($logPath, [System.IO.FileMode]::Create, [System.IO.FileAccess]::Write, [System.IO.FileShare]::ReadWrite)
    $stderrCopy = $process.StandardError.BaseStream.CopyToAsync($logStream)

    $started = $false
    try {
        $lineTask = $process.StandardOutput.ReadLineAsync()
        if (-not $lineTask.Wait([timespan]::FromSeconds(30))) {
            throw 'The OneLogin emulator did not report its address within 30 seconds.'
        }
        $line = $lineTask.Result
        if ([string]::IsNullOrWhiteSpace($line)) {
            $null = $process.WaitForExit(5000)
            $null = $stderrCopy.Wait(2000)
            $logStream.Flush()
            $log = Get-Content -LiteralPath $logPath -Raw -ErrorAction SilentlyContinue
            throw "The OneLogin emulator exited before it started. Its log:`n$log"
        }
        # Nothing else is ever written to stdout, but keep the pipe drained all the same.
        $stdoutDrain = $process.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)
        $info = ConvertFrom-Json -InputObject $line

        $emulator = [pscustomobject]@{
            PSTypeName           = 'OneLogin.Emulator'
            Url                  = [uri] $info.url
            ClientId             = [string] $info.clientId
            ClientSecret         = [string] $info.clientSecret
            ReadOnlyClientId     = [string] $info.readOnlyClientId
            ReadOnlyClientSecret = [string] $info.readOnlyClientSecret
            AuthOnlyClientId     = [string] $info.authOnlyClientId
            AuthOnlyClientSecret = [string] $info.authOnlyClientSecret
            FirstUserId          = [long] $info.firstUserId
            Users                = [int] $info.users
            Process              = $process
            Credential           = New-SecretCredential -UserName $info.clientId -Secret $info.clientSecret
            ReadOnlyCredential   = New-SecretCredential -UserName $info.readOnlyClientId -Secret $info.readOnlyClientSecret
            AuthOnlyCredential   = New-SecretCredential -UserName $info.authOnlyClientId -Secret $info.authOnlyClientSecret
            LogPath              = $logPath
            LogStream            = $logStream
            StderrCopy           = $stderrCopy
            StdoutDrain          = $stdoutDrain
        }
        if ($Setting -and $Setting.Count) {
            $null = Invoke-EmulatorControl -Emulator $emulator -Path 'config' -Method 'Post' -Body $Setting
        }
        $started = $true
        $emulator
    }
    finally {
        if (-not $started) {
            try {
                if (-not $process.HasExited) {
                    $process.Kill($true)
                    $null = $process.WaitForExit(10000)
                }
            }
            catch [System.InvalidOperationException] {
                Write-Verbose -Message 'The emulator had already exited.'
            }
            $null = $stderrCopy.Wait(2000)
            $logStream.Dispose()
            $process.Dispose()
        }
    }
}

function Stop-OneLoginEmulator {
    <#
    .SYNOPSIS
    Stops an emulator started by Start-OneLoginEmulator (its whole process tree) and waits for it to exit.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        $Emulator
    )
    process {
        $ErrorActionPreference = 'Stop'
        $process = $Emulator.Process
        if (-not $process) {
            return
        }
        if (-not $PSCmdlet.ShouldProcess($Emulator.Url, 'Stop OneLogin emulator')) {
            return
        }
        try {
            if (-not $process.HasExited) {
                $process.Kill($true)
            }
        }
        catch [System.InvalidOperationException] {
            Write-Verbose -Message 'The emulator had already exited.'
        }
        if (-not $process.WaitForExit(15000)) {
            Write-Warning -Message "The OneLogin emulator (pid $($process.Id)) did not exit within 15 seconds."
        }
        if ($Emulator.StderrCopy) {
            $null = $Emulator.StderrCopy.Wait(2000)
        }
        if ($Emulator.LogStream) {
            $Emulator.LogStream.Dispose()
        }
        if ($Emulator.LogPath) {
            Remove-Item -LiteralPath $Emulator.LogPath -Force -ErrorAction SilentlyContinue
        }
        $process.Dispose()
    }
}

function Set-OneLoginEmulatorConfig {
    <#
    .SYNOPSIS
    Merges settings (camelCase keys, e.g. @{ latencyMs = 20; rateLimit = 100 }) into the emulator's runtime config.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [hashtable] $Setting,
        [switch] $PassThru
    )
    $ErrorActionPreference = 'Stop'
    if ($PSCmdlet.ShouldProcess($Emulator.Url, 'Set OneLogin emulator config')) {
        $config = Invoke-EmulatorControl -Emulator $Emulator -Path 'config' -Method 'Post' -Body $Setting
        if ($PassThru) {
            $config
        }
    }
}

function Get-OneLoginEmulatorConfig {
    <#
    .SYNOPSIS
    Returns the emulator's current runtime config.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Emulator
    )
    $ErrorActionPreference = 'Stop'
    Invoke-EmulatorControl -Emulator $Emulator -Path 'config'
}

function Reset-OneLoginEmulator {
    <#
    .SYNOPSIS
    Restores the seeded data and the start-up config, and clears the request log and the stats.
    .DESCRIPTION
    Issued access tokens stay valid; use Invoke-OneLoginEmulatorRevokeAll to drop them.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] $Emulator
    )
    $ErrorActionPreference = 'Stop'
    if ($PSCmdlet.ShouldProcess($Emulator.Url, 'Reset OneLogin emulator')) {
        $null = Invoke-EmulatorControl -Emulator $Emulator -Path 'reset' -Method 'Post'
        $null = Invoke-EmulatorControl -Emulator $Emulator -Path 'requests' -Method 'Delete'
        $null = Invoke-EmulatorControl -Emulator $Emulator -Path 'stats/reset' -Method 'Post'
    }
}

function Get-OneLoginEmulatorRequest {
    <#
    .SYNOPSIS
    Returns the logged API requests in arrival order (seq, time, method, path, query, status, contentType,
    userAgent, accept, authScheme, bodyLength, rateLimited, injectedFault). Never holds secrets or tokens.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Emulator
    )
    $ErrorActionPreference = 'Stop'
    $entries = Invoke-EmulatorControl -Emulator $Emulator -Path 'requests'
    foreach ($entry in $entries) {
        $entry
    }
}

function Clear-OneLoginEmulatorRequest {
    <#
    .SYNOPSIS
    Clears the request log and resets the stats counters and the every-Nth fault counter.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] $Emulator
    )
    $ErrorActionPreference = 'Stop'
    if ($PSCmdlet.ShouldProcess($Emulator.Url, 'Clear OneLogin emulator request log')) {
        $null = Invoke-EmulatorControl -Emulator $Emulator -Path 'requests' -Method 'Delete'
    }
}

function Get-OneLoginEmulatorStat {
    <#
    .SYNOPSIS
    Returns the emulator's counters: totalRequests, inFlight, peakInFlight, rateLimitedResponses,
    tokenRequests, resourceRequests, budgetRemaining, windowResetsAt.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Emulator,
        [switch] $Reset
    )
    $ErrorActionPreference = 'Stop'
    if ($Reset) {
        Invoke-EmulatorControl -Emulator $Emulator -Path 'stats/reset' -Method 'Post'
    }
    else {
        Invoke-EmulatorControl -Emulator $Emulator -Path 'stats'
    }
}

function Get-OneLoginEmulatorOtp {
    <#
    .SYNOPSIS
    Returns the one-time code last "sent" to a device by a trigger (for authenticator devices, the current code).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [long] $UserId,
        [Parameter(Mandatory)] [long] $DeviceId
    )
    $ErrorActionPreference = 'Stop'
    (Invoke-EmulatorControl -Emulator $Emulator -Path "otp?user_id=$UserId&device_id=$DeviceId").otp
}

function Get-OneLoginEmulatorMfaToken {
    <#
    .SYNOPSIS
    Returns the temporary MFA token last generated for a user through POST /api/1/users/{id}/mfa_token.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [long] $UserId
    )
    $ErrorActionPreference = 'Stop'
    (Invoke-EmulatorControl -Emulator $Emulator -Path "mfa_tokens?user_id=$UserId").mfa_token
}

function Invoke-OneLoginEmulatorRevokeAll {
    <#
    .SYNOPSIS
    Invalidates every access token the emulator has issued (as if another process had revoked the shared token).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] $Emulator
    )
    $ErrorActionPreference = 'Stop'
    if ($PSCmdlet.ShouldProcess($Emulator.Url, 'Revoke every emulator access token')) {
        $null = Invoke-EmulatorControl -Emulator $Emulator -Path 'revoke-all' -Method 'Post'
    }
}

Export-ModuleMember -Function @(
    'Start-OneLoginEmulator'
    'Stop-OneLoginEmulator'
    'Set-OneLoginEmulatorConfig'
    'Get-OneLoginEmulatorConfig'
    'Reset-OneLoginEmulator'
    'Get-OneLoginEmulatorRequest'
    'Clear-OneLoginEmulatorRequest'
    'Get-OneLoginEmulatorStat'
    'Get-OneLoginEmulatorOtp'
    'Get-OneLoginEmulatorMfaToken'
    'Invoke-OneLoginEmulatorRevokeAll'
)
