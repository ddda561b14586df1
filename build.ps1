<#
.SYNOPSIS
The one build entry point of OneLoginMfa: build, test, docs, demo, benchmarks, package, clean.

.DESCRIPTION
Plain PowerShell (no InvokeBuild, no PowerShell Gallery). Run it with the repository's pinned pwsh:

    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test

Tasks (several run in the order given; a task's prerequisites run once per call):
  Build       dotnet publish, lay out out/OneLoginMfa from an allow-list (the built manifest gets the
              version's CHANGELOG.md section as ReleaseNotes), build the emulator, then Docs.
  Docs        tools/Build-Help.ps1 (markdown -> MAML, about_ topics) into out/OneLoginMfa/en-US.
  UnitTest    xunit (tests/OneLoginMfa.Core.Tests), results in out/TestResults/core.trx.
  PesterTest  Pester in a child pwsh against out/OneLoginMfa, results in out/TestResults/pester.json.
  Test        Build, UnitTest, PesterTest; ends with the line "N passed, N failed, N skipped".
  Demo        Build, start the emulator, run Get-OneLoginUser | Get-OneLoginAvailableAuthFactor against it.
  Bench       Build, run every tests/Benchmarks/*.ps1 in a child pwsh.
  Package     Build, publish out/OneLoginMfa to a local folder repository: out/repo/OneLoginMfa.<ver>.nupkg.
  Clean       Remove out/ and dotnet clean.

Every run that includes UnitTest, PesterTest or Test prints, as its very last line, the totals of the suites
it ran ("N passed, N failed, N skipped") and exits 1 when anything failed or did not run.

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Build,PesterTest -PesterPath tests/pester/Connect-OneLogin.Tests.ps1
#>
[CmdletBinding()]
param(
    # One or more of: Build, Test, UnitTest, PesterTest, Docs, Demo, Bench, Package, Clean. Like a ValidateSet,
    # but "Build,Demo" is also accepted as one string: that is what `dotnet pwsh ./build.ps1 -Task Build,Demo`
    # (pwsh -File) passes from bash or cmd.
    [ArgumentCompletions('Build', 'Test', 'UnitTest', 'PesterTest', 'Docs', 'Demo', 'Bench', 'Package', 'Clean')]
    [ValidateScript({
            $known = 'Build', 'Test', 'UnitTest', 'PesterTest', 'Docs', 'Demo', 'Bench', 'Package', 'Clean'
            $unknown = @($_ -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ -notin $known })
            if ($unknown.Count) {
                throw "Unknown task '$($unknown -join "', '")'. Valid tasks: $($known -join ', ')."
            }
            $true
        })]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester test files or folders (default: tests/pester).
    [string[]] $PesterPath,

    [string[]] $PesterTag,

    [string[]] $PesterExcludeTag
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ([System.Console]::IsOutputRedirected) {
    $PSStyle.OutputRendering = 'PlainText'
}

# Under `pwsh -File` a list arrives as one comma-separated string; split every list parameter.
$Task = @($Task -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
$PesterPath = @($PesterPath -split ',' | Where-Object { $_ })
$PesterTag = @($PesterTag -split ',' | Where-Object { $_ })
$PesterExcludeTag = @($PesterExcludeTag -split ',' | Where-Object { $_ })

$callerLocation = (Get-Location -PSProvider FileSystem).ProviderPath
$root = $PSScriptRoot
. (Join-Path $root 'tools/common.ps1')

$moduleName = 'OneLoginMfa'
$outDir = Join-Path $root 'out'
$publishDir = Join-Path $outDir 'publish'
$moduleDir = Join-Path $outDir $moduleName
$emulatorDir = Join-Path $outDir 'emulator'
$resultsDir = Join-Path $outDir 'TestResults'
$trxPath = Join-Path $resultsDir 'core.trx'
$pesterResultPath = Join-Path $resultsDir 'pester.json'

# Hangs must not eat CI's budget: each child process gets a generous ceiling.
$buildTimeoutSeconds = 20 * 60
$unitTestTimeoutSeconds = 20 * 60
$pesterTimeoutSeconds = 30 * 60

$script:taskState = @{}
$script:suites = [ordered]@{}
$script:failures = [System.Collections.Generic.List[string]]::new()

#region Helpers

function Write-Step {
    param([string] $Message)
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Dotnet {
    # dotnet with build servers off (nothing lingers after CI) and quiet output that still shows errors.
    param(
        [Parameter(Mandatory)]
        [string[]] $ArgumentList,

        [int] $TimeoutSeconds = $buildTimeoutSeconds
    )

    $splat = @{
        FilePath       = Get-DotnetPath
        ArgumentList   = $ArgumentList
        Environment    = @{ DOTNET_NOLOGO = '1'; DOTNET_CLI_TELEMETRY_OPTOUT = '1'; MSBUILDDISABLENODEREUSE = '1' }
        TimeoutSeconds = $TimeoutSeconds
    }
    return Invoke-ChildProcess @splat
}

function Assert-Dotnet {
    param(
        [Parameter(Mandatory)]
        [string[]] $ArgumentList
    )

    $exitCode = Invoke-Dotnet -ArgumentList $ArgumentList
    if ($exitCode -ne 0) {
        throw "dotnet $($ArgumentList[0]) $($ArgumentList[1]) failed (exit code $exitCode)."
    }
}

function Invoke-Pwsh {
    # A child pwsh of the same version as this one (under `dotnet pwsh` that is `dotnet <PSHOME>/pwsh.dll`).
    param(
        [Parameter(Mandatory)]
        [string[]] $ArgumentList,

        [hashtable] $Environment = @{},

        [int] $TimeoutSeconds = $buildTimeoutSeconds
    )

    $pwsh = Get-PwshCommand
    $splat = @{
        FilePath       = $pwsh.FilePath
        ArgumentList   = @($pwsh.PrefixArguments) + @('-NoProfile', '-NonInteractive') + $ArgumentList
        Environment    = $Environment
        TimeoutSeconds = $TimeoutSeconds
    }
    return Invoke-ChildProcess @splat
}

function Get-ModuleVersion {
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $root "$moduleName.psd1")
    return [string] $manifest.ModuleVersion
}

function Get-ReleaseNote {
    # The CHANGELOG.md section of one version (Keep a Changelog: "## [0.1.0] - 2026-12-03"), without its
    # heading; $null when there is no such section.
    param([string] $Version)

    $path = Join-Path $root 'CHANGELOG.md'
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        return $null
    }
    $heading = '^##\s+\[?' + [regex]::Escape($Version) + '\]?(\s|$)'
    $section = $null
    foreach ($line in (Get-Content -LiteralPath $path -Encoding utf8)) {
        if ($null -ne $section) {
            if ($line -match '^##\s') {
                break
            }
            $section.Add($line.TrimEnd())
        }
        elseif ($line -match $heading) {
            $section = [System.Collections.Generic.List[string]]::new()
        }
    }
    if ($null -eq $section) {
        return $null
    }
    $text = ($section -join "`n").Trim()
    if ($text) {
        return $text
    }
    return $null
}

function Set-ManifestReleaseNote {
    # Writes the version's CHANGELOG.md section into the BUILT manifest's PSData.ReleaseNotes (what the
    # PowerShell Gallery shows); the source manifest keeps 'See CHANGELOG.md' and stays valid as it is.
    param(
        [Parameter(Mandatory)]
        [string] $ManifestPath,

        [Parameter(Mandatory)]
        [string] $Version
    )

    $notes = Get-ReleaseNote -Version $Version
    if (-not $notes) {
        Write-Warning "CHANGELOG.md has no section for $Version; the built manifest keeps ReleaseNotes = 'See CHANGELOG.md'."
        return
    }
    $text = [System.IO.File]::ReadAllText($ManifestPath)
    $pattern = "ReleaseNotes(\s*)=(\s*)'See CHANGELOG\.md'"
    if ($text -notmatch $pattern) {
        throw "$ManifestPath has no ReleaseNotes = 'See CHANGELOG.md' line to replace."
    }
    $quoted = "'" + ($notes -replace "'", "''") + "'"
    $text = [regex]::Replace($text, $pattern, { param($match) "ReleaseNotes$($match.Groups[1].Value)=$($match.Groups[2].Value)$quoted" })
    [System.IO.File]::WriteAllText($ManifestPath, $text, [System.Text.UTF8Encoding]::new($false))
    $written = (Import-PowerShellDataFile -LiteralPath $ManifestPath).PrivateData.PSData.ReleaseNotes
    if ($written -ne $notes) {
        throw "The release notes written to $ManifestPath do not read back as written."
    }
    Write-Host "Release notes for $Version from CHANGELOG.md written to the built manifest"
}

function Assert-BuiltModule {
    $manifest = Join-Path $moduleDir "$moduleName.psd1"
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "The module is not built ($manifest is missing). Run: ./build.ps1 -Task Build"
    }
}

function Resolve-UserPath {
    # A path given on the command line: relative to where the caller stands, else to the repository root.
    param([string] $Path)

    foreach ($base in $callerLocation, $root) {
        $candidate = [System.IO.Path]::GetFullPath($Path, $base)
        if (Test-Path -LiteralPath $candidate) {
            return $candidate
        }
    }
    throw "Path not found: $Path"
}

function Get-PesterManifestPath {
    # Pester comes from NuGet (tools/Dependencies.csproj), restored here if the cache does not have it.
    $version = Get-PesterRequiredVersion -DependenciesProject (Join-Path $root 'tools/Dependencies.csproj')
    $manifest = Find-PesterManifest -Version $version
    if ($manifest) {
        return $manifest
    }
    Write-Host "Pester $version is not in the NuGet cache; restoring tools/Dependencies.csproj."
    Assert-Dotnet -ArgumentList 'restore', (Join-Path $root 'tools/Dependencies.csproj'), '-v', 'q', '-nologo', '--disable-build-servers'
    $manifest = Find-PesterManifest -Version $version
    if (-not $manifest) {
        throw "Pester $version is still missing after 'dotnet restore tools/Dependencies.csproj' (looked in $(Get-NuGetPackagesRoot))."
    }
    return $manifest
}

function Set-SuiteResult {
    param(
        [Parameter(Mandatory)]
        [string] $Name,

        [int] $Passed,

        [int] $Failed,

        [int] $Skipped,

        [string[]] $Note = @()
    )

    $script:suites[$Name] = [pscustomobject]@{
        Name    = $Name
        Passed  = $Passed
        Failed  = $Failed
        Skipped = $Skipped
        Note    = @($Note | Where-Object { $_ })
    }
}

#endregion

#region Tasks

function Invoke-BuildTask {
    $version = Get-ModuleVersion
    Write-Step "Build $moduleName $version ($Configuration)"

    # Remove the old module first: a failed build must never leave a stale module for the tests.
    Remove-Item -LiteralPath $moduleDir, $publishDir -Recurse -Force -ErrorAction Ignore
    $publishArguments = @(
        'publish', (Join-Path $root "src/$moduleName/$moduleName.csproj")
        '-c', $Configuration
        '-o', $publishDir
        "-p:Version=$version"
        '-v', 'q', '-nologo', '--disable-build-servers'
    )
    Assert-Dotnet -ArgumentList $publishArguments

    # The module is laid out from an explicit allow-list (PSResourceGet/SecretManagement style), so nothing
    # that publish happens to drop (PowerShellStandard's reference SMA, .pdb files) is ever shipped.
    $layout = [ordered]@{
        "$moduleName.psd1"                 = Join-Path $root "$moduleName.psd1"
        "$moduleName.dll"                  = Join-Path $publishDir "$moduleName.dll"
        "$moduleName.Core.dll"             = Join-Path $publishDir "$moduleName.Core.dll"
        "$moduleName.Format.ps1xml"        = Join-Path $root "src/$moduleName/$moduleName.Format.ps1xml"
        'LICENSE'                          = Join-Path $root 'LICENSE'
        'Dependencies/Newtonsoft.Json.dll' = Join-Path $publishDir 'Newtonsoft.Json.dll'
    }
    $missing = @($layout.Values | Where-Object { -not (Test-Path -LiteralPath $_ -PathType Leaf) })
    if ($missing.Count) {
        throw "Cannot lay out $moduleDir; missing: $($missing -join ', ')"
    }
    foreach ($target in $layout.Keys) {
        $destination = Join-Path $moduleDir $target
        New-Item -ItemType Directory -Path (Split-Path -Parent $destination) -Force | Out-Null
        Copy-Item -LiteralPath $layout[$target] -Destination $destination
    }
    Set-ManifestReleaseNote -ManifestPath (Join-Path $moduleDir "$moduleName.psd1") -Version $version
    Write-Host "Module laid out in $moduleDir"

    # The emulator and the docs are built even if one of them fails, and the failure is reported after.
    $errors = [System.Collections.Generic.List[string]]::new()
    $emulatorProject = Join-Path $root 'tests/OneLogin.Emulator/OneLogin.Emulator.csproj'
    if (Test-Path -LiteralPath $emulatorProject -PathType Leaf) {
        Write-Step 'Build the emulator'
        $emulatorArguments = @(
            'build', $emulatorProject
            '-c', 'Release'
            '-o', $emulatorDir
            '-v', 'q', '-nologo', '--disable-build-servers'
        )
        $exitCode = Invoke-Dotnet -ArgumentList $emulatorArguments
        if ($exitCode -ne 0) {
            $errors.Add("emulator build failed (exit code $exitCode)")
        }
    }
    else {
        Write-Warning "No emulator project at $emulatorProject; skipping it."
    }

    try {
        Invoke-DocsTask
    }
    catch {
        $errors.Add("docs: $($_.Exception.Message)")
    }
    if ($errors.Count) {
        throw ($errors -join '; ')
    }
}

function Invoke-DocsTask {
    Write-Step 'Docs (markdown -> MAML)'
    Assert-BuiltModule
    $docsPath = Join-Path $root 'docs/en-US'
    $helpDir = Join-Path $moduleDir 'en-US'
    Remove-Item -LiteralPath $helpDir -Recurse -Force -ErrorAction Ignore
    if (-not (Test-Path -LiteralPath $docsPath -PathType Container)) {
        Write-Warning "No docs at $docsPath; the module has no help."
        return
    }
    # In a child pwsh: Build-Help imports the built module, which must never load into this process.
    $arguments = @(
        '-File', (Join-Path $root 'tools/Build-Help.ps1')
        '-ModulePath', $moduleDir
        '-DocsPath', $docsPath
        '-OutputPath', $helpDir
    )
    $exitCode = Invoke-Pwsh -ArgumentList $arguments
    if ($exitCode -ne 0) {
        throw "tools/Build-Help.ps1 failed (exit code $exitCode)."
    }
}

function Invoke-UnitTestTask {
    Write-Step "Unit tests (xunit, $Configuration)"
    $name = 'Unit tests (xunit)'
    Remove-Item -LiteralPath $trxPath -Force -ErrorAction Ignore
    $testArguments = @(
        'test', (Join-Path $root 'tests/OneLoginMfa.Core.Tests')
        '-c', $Configuration
        '--logger', 'trx;LogFileName=core.trx'
        '--logger', 'console;verbosity=minimal'
        '--results-directory', $resultsDir
        "-p:Version=$(Get-ModuleVersion)"
        '-v', 'q', '-nologo', '--disable-build-servers'
    )
    # Not a throw on failure: the counts in the TRX are what matter.
    $exitCode = Invoke-Dotnet -ArgumentList $testArguments -TimeoutSeconds $unitTestTimeoutSeconds

    if (-not (Test-Path -LiteralPath $trxPath -PathType Leaf)) {
        $splat = @{
            Name   = $name
            Failed = 1
            Note   = if ($exitCode -eq -1) { "timed out after $unitTestTimeoutSeconds s; no results" } else { "no results: dotnet test exited with $exitCode and wrote no $trxPath" }
        }
        Set-SuiteResult @splat
        return
    }
    [xml] $trx = Get-Content -LiteralPath $trxPath -Raw
    $summary = $trx.TestRun.ResultSummary
    $results = @($trx.TestRun.Results.ChildNodes | Where-Object { $_.LocalName -eq 'UnitTestResult' })
    if ($results.Count) {
        # Per-result outcomes: the Counters' notExecuted stays 0 for xunit's skipped tests.
        $passed = @($results | Where-Object { $_.outcome -eq 'Passed' }).Count
        $failed = @($results | Where-Object { $_.outcome -in 'Failed', 'Error', 'Timeout', 'Aborted' }).Count
        $skipped = $results.Count - $passed - $failed
    }
    else {
        $counters = $summary.Counters
        $passed = [int] $counters.passed
        $failed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        $skipped = [int] $counters.notExecuted
    }
    $notes = @()
    if ($passed + $failed + $skipped -eq 0) {
        $failed++
        $notes += 'ran no test'
    }
    elseif ($failed -eq 0 -and ($exitCode -ne 0 -or $summary.outcome -notin 'Completed', 'Passed', 'Warning')) {
        # e.g. a crashed test host after the last result was written
        $failed++
        $notes += "dotnet test exited with $exitCode (outcome: $($summary.outcome)) without a failed test"
    }
    $splat = @{
        Name    = $name
        Passed  = $passed
        Failed  = $failed
        Skipped = $skipped
        Note    = $notes
    }
    Set-SuiteResult @splat
}

function Invoke-PesterTestTask {
    Write-Step 'Pester tests (child pwsh, built module)'
    $name = 'Pester tests'
    Remove-Item -LiteralPath $pesterResultPath -Force -ErrorAction Ignore
    try {
        Assert-BuiltModule
        [void] (Get-PesterManifestPath)
        $arguments = @(
            '-File', (Join-Path $root 'tools/Invoke-PesterTests.ps1')
            '-ModulePath', $moduleDir
            '-ResultPath', $pesterResultPath
        )
        if ($PesterPath) {
            $arguments += '-Path'
            $arguments += ($PesterPath | ForEach-Object { Resolve-UserPath $_ }) -join ','
        }
        if ($PesterTag) {
            $arguments += '-Tag'
            $arguments += $PesterTag -join ','
        }
        if ($PesterExcludeTag) {
            $arguments += '-ExcludeTag'
            $arguments += $PesterExcludeTag -join ','
        }
        $exitCode = Invoke-Pwsh -ArgumentList $arguments -TimeoutSeconds $pesterTimeoutSeconds
    }
    catch {
        Write-Host "Pester tests did not run: $($_.Exception.Message)" -ForegroundColor Red
        $splat = @{
            Name   = $name
            Failed = 1
            Note   = 'did not run'
        }
        Set-SuiteResult @splat
        return
    }

    if (-not (Test-Path -LiteralPath $pesterResultPath -PathType Leaf)) {
        $splat = @{
            Name   = $name
            Failed = 1
            Note   = if ($exitCode -eq -1) { "timed out after $pesterTimeoutSeconds s (a hung test?); no results" } else { "no results: Invoke-PesterTests.ps1 exited with $exitCode and wrote no $pesterResultPath" }
        }
        Set-SuiteResult @splat
        return
    }
    $result = Get-Content -LiteralPath $pesterResultPath -Raw | ConvertFrom-Json
    $passed = [int] $result.passed
    $failed = [int] $result.failed
    $skipped = [int] $result.skipped
    $notes = @()
    if ($result.containersFailed) {
        $notes += "$($result.containersFailed) test file(s) failed to run"
    }
    if ($passed + $skipped -eq 0) {
        $notes += 'ran no test'
        if ($failed -eq 0) {
            $failed++
        }
    }
    elseif ($failed -eq 0 -and $exitCode -ne 0) {
        $failed++
        $notes += "Invoke-PesterTests.ps1 exited with $exitCode without a failed test"
    }
    $splat = @{
        Name    = $name
        Passed  = $passed
        Failed  = $failed
        Skipped = $skipped
        Note    = $notes
    }
    Set-SuiteResult @splat
}

function Invoke-TestTask {
    # Build, then both suites; a failed build still lets the unit tests run (they do not need the module),
    # and Pester runs whenever a module was laid out.
    try {
        Invoke-Task 'Build'
    }
    catch {
        Write-Host "Build failed: $($_.Exception.Message)" -ForegroundColor Red
    }
    Invoke-Task 'UnitTest'
    Invoke-Task 'PesterTest'
}

$demoScript = {
    param(
        [Parameter(Mandatory)]
        [string] $ModulePath,

        [Parameter(Mandatory)]
        [uri] $BaseUri
    )

    $ErrorActionPreference = 'Stop'
    if ([System.Console]::IsOutputRedirected) {
        $PSStyle.OutputRendering = 'PlainText'
    }
    Import-Module -Name (Join-Path $ModulePath 'OneLoginMfa.psd1')
    # The emulator's client id and secret arrive in this process's environment only.
    $secret = ConvertTo-SecureString -String $env:ONELOGIN_CLIENT_SECRET -AsPlainText -Force
    $credential = [pscredential]::new($env:ONELOGIN_CLIENT_ID, $secret)

    Write-Host "PS> Connect-OneLogin -BaseUri $BaseUri -Credential `$credential   # the emulator's client id and secret" -ForegroundColor Yellow
    Connect-OneLogin -BaseUri $BaseUri -Credential $credential

    Write-Host 'PS> Get-OneLoginConnection | Format-List' -ForegroundColor Yellow
    Get-OneLoginConnection | Format-List | Out-Host

    Write-Host 'PS> Get-OneLoginRateLimit' -ForegroundColor Yellow
    Get-OneLoginRateLimit | Out-Host

    Write-Host 'PS> Get-OneLoginUser | Get-OneLoginAvailableAuthFactor | Format-Table' -ForegroundColor Yellow
    Write-Host 'Each row is an MFA factor that a user may enrol in. Get-OneLoginUser streams the users page by page;'
    Write-Host 'Get-OneLoginAvailableAuthFactor binds each user''s Id from the pipeline and fetches its factors,'
    Write-Host 'several users at a time, within the shared rate-limit budget.'
    Get-OneLoginUser | Get-OneLoginAvailableAuthFactor | Format-Table | Out-Host
}

function Invoke-DemoTask {
    Invoke-Task 'Build'
    Write-Step 'Demo against the local OneLogin emulator'
    $emulatorModule = Join-Path $root 'tests/pester/Emulator.psm1'
    if (-not (Test-Path -LiteralPath $emulatorModule -PathType Leaf)) {
        throw "The demo needs $emulatorModule (Start-OneLoginEmulator), which does not exist yet."
    }
    Import-Module -Name $emulatorModule -Force
    $emulator = Start-OneLoginEmulator -Users 25
    try {
        Write-Host "Emulator: $($emulator.Url) (25 seeded users; client id $($emulator.Credential.UserName))"
        $scriptPath = Join-Path $outDir 'demo/Invoke-Demo.ps1'
        New-Item -ItemType Directory -Path (Split-Path -Parent $scriptPath) -Force | Out-Null
        $content = @{
            LiteralPath = $scriptPath
            Value       = $demoScript.ToString()
            Encoding    = 'utf8NoBOM'
        }
        Set-Content @content
        $splat = @{
            ArgumentList   = '-File', $scriptPath, '-ModulePath', $moduleDir, '-BaseUri', ([string] $emulator.Url)
            Environment    = @{
                ONELOGIN_CLIENT_ID     = $emulator.Credential.UserName
                ONELOGIN_CLIENT_SECRET = $emulator.Credential.GetNetworkCredential().Password
            }
            TimeoutSeconds = 300
        }
        $exitCode = Invoke-Pwsh @splat
        if ($exitCode -ne 0) {
            throw "The demo failed (exit code $exitCode)."
        }
    }
    finally {
        Stop-OneLoginEmulator -Emulator $emulator
    }
}

function Invoke-BenchTask {
    Invoke-Task 'Build'
    Write-Step 'Benchmarks'
    $search = @{
        LiteralPath = Join-Path $root 'tests/Benchmarks'
        Filter      = '*.ps1'
        File        = $true
        ErrorAction = 'Ignore'
    }
    $scripts = @(Get-ChildItem @search | Sort-Object -Property Name)
    if ($scripts.Count -eq 0) {
        Write-Host 'No benchmark scripts in tests/Benchmarks yet; nothing to run.'
        return
    }
    $failed = @()
    foreach ($benchmark in $scripts) {
        Write-Step "Benchmark $($benchmark.Name)"
        $exitCode = Invoke-Pwsh -ArgumentList '-File', $benchmark.FullName, '-ModulePath', $moduleDir -TimeoutSeconds 3600
        if ($exitCode -ne 0) {
            Write-Host "$($benchmark.Name) failed (exit code $exitCode)" -ForegroundColor Red
            $failed += $benchmark.Name
        }
    }
    if ($failed.Count) {
        throw "Benchmark(s) failed: $($failed -join ', ')"
    }
}

function Invoke-PackageTask {
    Invoke-Task 'Build'
    $version = Get-ModuleVersion
    Write-Step "Package $moduleName $version"
    $repoDir = Join-Path $outDir 'repo'
    Remove-Item -LiteralPath $repoDir -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path $repoDir -Force | Out-Null

    Import-Module -Name Microsoft.PowerShell.PSResourceGet
    $repositoryName = "$moduleName-build-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $repositoryName -Uri $repoDir -Trusted
    try {
        $splat = @{
            Path                  = $moduleDir
            Repository            = $repositoryName
            SkipDependenciesCheck = $true
        }
        Publish-PSResource @splat
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    $package = Join-Path $repoDir "$moduleName.$version.nupkg"
    if (-not (Test-Path -LiteralPath $package -PathType Leaf)) {
        throw "Publish-PSResource did not produce $package."
    }
    Write-Host "Package: $package"
}

function Invoke-CleanTask {
    Write-Step 'Clean'
    Remove-Item -LiteralPath $outDir -Recurse -Force -ErrorAction Ignore
    $projects = @(Join-Path $root "$moduleName.sln")
    $emulatorProject = Join-Path $root 'tests/OneLogin.Emulator/OneLogin.Emulator.csproj'
    if ((Test-Path -LiteralPath $emulatorProject) -and -not (Select-String -LiteralPath $projects[0] -Pattern 'OneLogin.Emulator' -SimpleMatch -Quiet)) {
        $projects += $emulatorProject
    }
    foreach ($project in $projects) {
        foreach ($cleanConfiguration in 'Debug', 'Release') {
            Assert-Dotnet -ArgumentList 'clean', $project, '-c', $cleanConfiguration, '-v', 'q', '-nologo', '--disable-build-servers'
        }
    }
}

function Invoke-Task {
    # Runs a task once per call of build.ps1; a prerequisite that already failed fails its dependants.
    param([string] $Name)

    switch ($script:taskState[$Name]) {
        'Done' { return }
        'Failed' { throw "$Name failed earlier in this run." }
    }
    try {
        switch ($Name) {
            'Build' { Invoke-BuildTask }
            'Docs' { Invoke-DocsTask }
            'UnitTest' { Invoke-UnitTestTask }
            'PesterTest' { Invoke-PesterTestTask }
            'Test' { Invoke-TestTask }
            'Demo' { Invoke-DemoTask }
            'Bench' { Invoke-BenchTask }
            'Package' { Invoke-PackageTask }
            'Clean' { Invoke-CleanTask }
        }
        $script:taskState[$Name] = 'Done'
    }
    catch {
        $script:taskState[$Name] = 'Failed'
        if ($Name -notin 'UnitTest', 'PesterTest', 'Test') {
            $script:failures.Add("${Name}: $($_.Exception.Message)")
        }
        throw
    }
}

#endregion

#region Main

$expectedSuites = @()
if ($Task -contains 'Test' -or $Task -contains 'UnitTest') {
    $expectedSuites += 'Unit tests (xunit)'
}
if ($Task -contains 'Test' -or $Task -contains 'PesterTest') {
    $expectedSuites += 'Pester tests'
}

$exitCode = 0
Push-Location -LiteralPath $root
try {
    foreach ($name in $Task) {
        try {
            Invoke-Task $name
        }
        catch {
            Write-Host "$name failed: $($_.Exception.Message)" -ForegroundColor Red
            if ($_.ScriptStackTrace -and $VerbosePreference -ne 'SilentlyContinue') {
                Write-Host $_.ScriptStackTrace
            }
            $exitCode = 1
            break
        }
    }
}
catch {
    # Ctrl+C or anything outside a task: still report below.
    $script:failures.Add("build.ps1: $($_.Exception.Message)")
    $exitCode = 1
}
finally {
    Pop-Location
}

if ($expectedSuites.Count -eq 0) {
    exit $exitCode
}

# The closing summary: per-suite lines, then the totals as the very last line of output.
$passed = 0
$failed = 0
$skipped = 0
Write-Host ''
Write-Host 'Summary'
foreach ($suiteName in $expectedSuites) {
    $suite = $script:suites[$suiteName]
    if (-not $suite) {
        $suite = [pscustomobject]@{ Name = $suiteName; Passed = 0; Failed = 1; Skipped = 0; Note = @('did not run') }
    }
    $passed += $suite.Passed
    $failed += $suite.Failed
    $skipped += $suite.Skipped
    $line = '  {0,-20} passed {1,5}   failed {2,5}   skipped {3,5}' -f $suite.Name, $suite.Passed, $suite.Failed, $suite.Skipped
    if ($suite.Note.Count) {
        $line += "   ($($suite.Note -join '; '))"
    }
    Write-Host $line
}
foreach ($failure in $script:failures) {
    Write-Host "  failed: $failure"
    $failed++
}
if ($failed -gt 0) {
    $exitCode = 1
}
Write-Host "$passed passed, $failed failed, $skipped skipped"
exit $exitCode

#endregion
