<#
.SYNOPSIS
Runs the Pester tests against a built module. build.ps1 starts this in a child pwsh, so the build process
never loads (or locks) the module's assemblies.

.DESCRIPTION
Imports Pester from the NuGet cache (tools/Dependencies.csproj pins it; no PowerShell Gallery), points the
tests at the built module through $env:ONELOGINMFA_MODULE_PATH, runs them, and writes a small JSON summary
({"passed","failed","skipped","notRun","containersFailed","blocksFailed"}) that build.ps1 adds up.
"failed" already includes failed containers (a test file that does not parse or whose BeforeAll throws at
file level) and failed blocks (a Describe/Context whose BeforeAll/AfterAll throws), so none is lost.
Exits 0 only when nothing failed and at least one test ran.

Under `pwsh -File`, give several paths or tags comma-separated (-Tag Unit,Slow); commas in test paths are
therefore not supported.

.EXAMPLE
dotnet pwsh -NoProfile -File tools/Invoke-PesterTests.ps1 -ModulePath out/OneLoginMfa -Path tests/pester/Connect-OneLogin.Tests.ps1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [string] $ResultPath,

    [string[]] $Path = @(Join-Path $PSScriptRoot '../tests/pester'),

    [string[]] $Tag,

    [string[]] $ExcludeTag
)

$ErrorActionPreference = 'Stop'
if ([System.Console]::IsOutputRedirected) {
    $PSStyle.OutputRendering = 'PlainText'
}
. (Join-Path $PSScriptRoot 'common.ps1')

function Write-ResultFile {
    param(
        [string] $File,
        [System.Collections.IDictionary] $Summary
    )

    if (-not $File) {
        return
    }
    $directory = Split-Path -Parent $File
    if ($directory) {
        New-Item -ItemType Directory -Path $directory -Force | Out-Null
    }
    $Summary | ConvertTo-Json -Compress | Set-Content -LiteralPath $File -Encoding utf8NoBOM
}

function Stop-LeftoverChildProcess {
    # A test that starts the emulator and never stops it would leave a process holding CI's output pipe
    # open. Only direct children of this pwsh are touched, each by its id.
    try {
        $leftovers = @(Get-Process | Where-Object { $_.Id -ne $PID -and $_.Parent -and $_.Parent.Id -eq $PID })
    }
    catch {
        Write-Warning "Could not list leftover child processes: $($_.Exception.Message)"
        return
    }
    foreach ($process in $leftovers) {
        Write-Warning "A test left process $($process.Id) ($($process.ProcessName)) running; stopping it."
        try {
            $process.Kill($true)
        }
        catch {
            Write-Warning "Could not stop process $($process.Id): $($_.Exception.Message)"
        }
    }
}

# `pwsh -File` passes "a,b" as one string, so several values arrive comma-separated: split them here.
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$Tag = @($Tag | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag | ForEach-Object { $_ -split ',' } | Where-Object { $_ })

if ($ResultPath) {
    $ResultPath = [System.IO.Path]::GetFullPath($ResultPath, (Get-Location -PSProvider FileSystem).ProviderPath)
    Remove-Item -LiteralPath $ResultPath -Force -ErrorAction Ignore
}

$pesterVersion = Get-PesterRequiredVersion
$pesterManifest = Find-PesterManifest -Version $pesterVersion
if (-not $pesterManifest) {
    Write-Error "Pester $pesterVersion is not in the NuGet cache ($(Get-NuGetPackagesRoot)). Run: dotnet restore tools/Dependencies.csproj" -ErrorAction Continue
    exit 2
}
$pester = Import-Module -Name $pesterManifest -Force -PassThru
if ($pester.Version -ne [version] $pesterVersion) {
    Write-Error "Loaded Pester $($pester.Version) from $pesterManifest, expected $pesterVersion." -ErrorAction Continue
    exit 2
}

$moduleFullPath = (Resolve-Path -LiteralPath $ModulePath -ErrorAction Stop).ProviderPath
$manifests = @(Get-ChildItem -LiteralPath $moduleFullPath -Filter '*.psd1' -File)
if ($manifests.Count -eq 0) {
    Write-Error "No module manifest in $moduleFullPath. Build the module first: ./build.ps1 -Task Build" -ErrorAction Continue
    exit 2
}
$env:ONELOGINMFA_MODULE_PATH = $moduleFullPath

$testPaths = foreach ($item in $Path) {
    (Resolve-Path -Path $item -ErrorAction Stop).ProviderPath
}

$configuration = New-PesterConfiguration
$configuration.Run.Path = [string[]] $testPaths
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'Normal'
if ([System.Console]::IsOutputRedirected -or $env:NO_COLOR) {
    $configuration.Output.RenderMode = 'Plaintext'
}
if ($Tag) {
    $configuration.Filter.Tag = $Tag
}
if ($ExcludeTag) {
    $configuration.Filter.ExcludeTag = $ExcludeTag
}
if ($ResultPath) {
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = [System.IO.Path]::ChangeExtension($ResultPath, '.xml')
}

Write-Host "Pester $($pester.Version) from $pesterManifest; module under test: $moduleFullPath"
$summary = [ordered]@{
    passed           = 0
    failed           = 0
    skipped          = 0
    notRun           = 0
    containersFailed = 0
    blocksFailed     = 0
}
try {
    $result = Invoke-Pester -Configuration $configuration
}
catch {
    # Pester itself blew up (not a test failure): report it as one failure so it cannot pass silently.
    Write-Error "Invoke-Pester failed: $($_.Exception.Message)" -ErrorAction Continue
    $summary.failed = 1
    $summary.containersFailed = 1
    Write-ResultFile -File $ResultPath -Summary $summary
    exit 1
}
finally {
    Stop-LeftoverChildProcess
}

$summary.passed = [int] $result.PassedCount
$summary.skipped = [int] $result.SkippedCount + [int] $result.InconclusiveCount
$summary.notRun = [int] $result.NotRunCount
$summary.containersFailed = [int] $result.FailedContainersCount
$summary.blocksFailed = [int] $result.FailedBlocksCount
# A failing BeforeAll marks the tests under it as failed (already in FailedCount), but a failing AfterAll
# fails no test, and neither does a file that does not parse: add each failed container, and each failed
# block that has no failed test of its own, so that no failure is lost and none is counted twice.
$silentBlocks = @($result.FailedBlocks | Where-Object { [int] $_.FailedCount -eq 0 }).Count
$summary.failed = [int] $result.FailedCount + $summary.containersFailed + $silentBlocks
Write-ResultFile -File $ResultPath -Summary $summary

if ($summary.failed -gt 0) {
    exit 1
}
if ($summary.passed + $summary.skipped -eq 0) {
    Write-Error 'Pester ran no test (no test files found, or the filters matched nothing).' -ErrorAction Continue
    exit 1
}
exit 0
