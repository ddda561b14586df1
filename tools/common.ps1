# Helpers shared by build.ps1 and tools/Invoke-PesterTests.ps1. Dot-source it; it defines functions only.

function Get-PwshCommand {
    <#
    .SYNOPSIS
    The executable (and leading arguments) that starts another pwsh of exactly the running version.
    .DESCRIPTION
    Under the local dotnet tool (`dotnet pwsh`) the process is the dotnet host, so the child is
    `dotnet <PSHOME>/pwsh.dll`; under an installed pwsh it is the pwsh executable itself.
    #>
    [CmdletBinding()]
    param()

    $processPath = [System.Environment]::ProcessPath
    $leaf = [System.IO.Path]::GetFileNameWithoutExtension($processPath)
    if ($leaf -eq 'pwsh') {
        return [pscustomobject]@{ FilePath = $processPath; PrefixArguments = @() }
    }

    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if ($leaf -eq 'dotnet' -and (Test-Path -LiteralPath $pwshDll)) {
        return [pscustomobject]@{ FilePath = $processPath; PrefixArguments = @($pwshDll) }
    }

    # Some other host: fall back to a pwsh next to PSHOME, then on PATH.
    foreach ($candidate in (Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe')) {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) {
            return [pscustomobject]@{ FilePath = $candidate; PrefixArguments = @() }
        }
    }
    $lookup = @{
        Name        = 'pwsh'
        CommandType = 'Application'
        ErrorAction = 'Ignore'
    }
    $onPath = Get-Command @lookup | Select-Object -First 1
    if ($onPath) {
        return [pscustomobject]@{ FilePath = $onPath.Source; PrefixArguments = @() }
    }
    throw "Cannot find a pwsh executable to start a child process (process: '$processPath', PSHOME: '$PSHOME')."
}

function Get-DotnetPath {
    [CmdletBinding()]
    param()

    $lookup = @{
        Name        = 'dotnet'
        CommandType = 'Application'
        ErrorAction = 'Ignore'
    }
    $onPath = Get-Command @lookup | Select-Object -First 1
    if ($onPath) {
        return $onPath.Source
    }
    $processPath = [System.Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
        return $processPath
    }
    throw 'The dotnet CLI was not found on PATH. Install the .NET SDK named in global.json.'
}

function Invoke-ChildProcess {
    <#
    .SYNOPSIS
    Runs a process with inherited stdout/stderr (output streams straight through) and returns its exit code.
    .DESCRIPTION
    Arguments are passed through ProcessStartInfo.ArgumentList, so nothing needs quoting. When the timeout
    elapses, the whole process tree is killed and -1 is returned. Ctrl+C in the parent also kills the tree.
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param(
        [Parameter(Mandatory)]
        [string] $FilePath,

        [string[]] $ArgumentList = @(),

        [string] $WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath,

        [hashtable] $Environment = @{},

        [int] $TimeoutSeconds = 0
    )

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.UseShellExecute = $false
    $startInfo.WorkingDirectory = $WorkingDirectory
    foreach ($name in $Environment.Keys) {
        $startInfo.Environment[$name] = [string] $Environment[$name]
    }

    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
        # Wait in short slices so that Ctrl+C (a pipeline stop) can reach the finally block below.
        while (-not $process.WaitForExit(200)) {
            if ($TimeoutSeconds -gt 0 -and $stopwatch.Elapsed.TotalSeconds -ge $TimeoutSeconds) {
                $description = (@([System.IO.Path]::GetFileName($FilePath)) + @($ArgumentList | Select-Object -First 3)) -join ' '
                Write-Warning "'$description …' did not finish within $TimeoutSeconds s; killing its process tree."
                $process.Kill($true)
                $process.WaitForExit()
                return -1
            }
        }
        $process.WaitForExit()
        return $process.ExitCode
    }
    finally {
        if (-not $process.HasExited) {
            $process.Kill($true)
        }
        $process.Dispose()
    }
}

function Get-PesterRequiredVersion {
    <#
    .SYNOPSIS
    The Pester version pinned by the PackageDownload in tools/Dependencies.csproj (the one place it is set).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string] $DependenciesProject = (Join-Path $PSScriptRoot 'Dependencies.csproj')
    )

    [xml] $project = Get-Content -LiteralPath $DependenciesProject -Raw
    $download = $project.SelectNodes('//PackageDownload') | Where-Object { $_.Include -eq 'Pester' } | Select-Object -First 1
    if (-not $download) {
        throw "No <PackageDownload Include=""Pester"" …> in $DependenciesProject."
    }
    return $download.Version.Trim('[', ']', ' ')
}

function Get-NuGetPackagesRoot {
    <#
    .SYNOPSIS
    The NuGet global packages folder: $env:NUGET_PACKAGES, else what NuGet reports, else ~/.nuget/packages.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [switch] $AskNuGet
    )

    if ($env:NUGET_PACKAGES) {
        return $env:NUGET_PACKAGES
    }
    if ($AskNuGet) {
        # Honours a globalPackagesFolder set in a NuGet.config.
        $line = & (Get-DotnetPath) nuget locals global-packages --list 2>$null | Select-Object -First 1
        if ($LASTEXITCODE -eq 0 -and $line -match '^\s*global-packages:\s*(.+?)\s*$') {
            return $Matches[1]
        }
    }
    return Join-Path ([System.Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

function Find-PesterManifest {
    <#
    .SYNOPSIS
    Full path of Pester.psd1 of the pinned version in the NuGet cache, or $null when it is not restored.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [string] $Version
    )

    foreach ($askNuGet in $false, $true) {
        $root = Get-NuGetPackagesRoot -AskNuGet:$askNuGet
        $manifest = Join-Path $root "pester/$Version/tools/Pester.psd1"
        if (Test-Path -LiteralPath $manifest -PathType Leaf) {
            return (Resolve-Path -LiteralPath $manifest).ProviderPath
        }
    }
    return $null
}
