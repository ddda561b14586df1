# Shared helpers of the tests/Benchmarks/*.ps1 scripts (design section 7). A .psm1, so build.ps1 -Task Bench,
# which runs every *.ps1 in this folder, does not run it as a benchmark.
#
# Each benchmark script is both the orchestrator (started by build.ps1 with -ModulePath) and, started again by
# itself with -Contender, the child pwsh that runs one contender and writes its figures to a JSON file. All of
# it is one process tree: the orchestrator, its emulator(s) and its children.

$script:RepoRoot = (Resolve-Path -Path (Join-Path -Path $PSScriptRoot -ChildPath '../..')).Path
. (Join-Path -Path $script:RepoRoot -ChildPath 'tools/common.ps1')
Import-Module -Name (Join-Path -Path $script:RepoRoot -ChildPath 'tests/pester/Emulator.psm1') -Force -Global

function Invoke-BenchmarkChild {
    <#
    .SYNOPSIS
    Runs a benchmark script again in a fresh child pwsh (same version as this one) and returns the object it
    wrote to its -ResultPath. The emulator's client id and secret go through the environment only, as
    ONELOGIN_CLIENT_ID / ONELOGIN_CLIENT_SECRET (what Connect-OneLogin reads when given no credential).
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [hashtable] $Parameter,
        [int] $TimeoutSeconds = 1800
    )
    $resultPath = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('onelogin-bench-{0}.json' -f [guid]::NewGuid().ToString('N'))
    $pwsh = Get-PwshCommand
    $arguments = @($pwsh.PrefixArguments) + @('-NoProfile', '-NonInteractive', '-File', $Script)
    foreach ($name in $Parameter.Keys) {
        $arguments += "-$name"
        $arguments += [string] $Parameter[$name]
    }
    $arguments += '-ResultPath', $resultPath
    $environment = @{
        ONELOGIN_CLIENT_ID     = $Emulator.ClientId
        ONELOGIN_CLIENT_SECRET = $Emulator.ClientSecret
    }
    try {
        $exitCode = Invoke-ChildProcess -FilePath $pwsh.FilePath -ArgumentList $arguments -Environment $environment -TimeoutSeconds $TimeoutSeconds
        if ($exitCode -ne 0 -or -not (Test-Path -LiteralPath $resultPath)) {
            throw "The benchmark child ($(Split-Path -Leaf $Script) $($Parameter.Contender)) failed with exit code $exitCode."
        }
        Get-Content -LiteralPath $resultPath -Raw | ConvertFrom-Json
    }
    finally {
        Remove-Item -LiteralPath $resultPath -Force -ErrorAction SilentlyContinue
    }
}

function Write-BenchmarkResult {
    # In a child: the figures for the orchestrator.
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] $Result
    )
    ConvertTo-Json -InputObject $Result -Depth 5 | Set-Content -LiteralPath $Path -Encoding utf8
}

function Get-Median {
    param([Parameter(Mandatory)] [double[]] $Value)
    $sorted = @($Value | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Get-PeakWorkingSetMB {
    # The peak working set of this process so far (VmHWM on Linux), in MB.
    [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB
}

function Write-BenchmarkTable {
    param(
        [Parameter(Mandatory)] [string] $Title,
        [Parameter(Mandatory)] [object[]] $Row
    )
    Write-Host ''
    Write-Host $Title
    Write-Host (($Row | Format-Table -Property * -AutoSize | Out-String -Width 240).TrimEnd())
}

function Write-BenchmarkTarget {
    # One line per design section 7 target: what was measured, the target, and whether it was met.
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Measured,
        [Parameter(Mandatory)] [string] $Target,
        [Parameter(Mandatory)] [bool] $Met
    )
    $verdict = if ($Met) { 'MET ' } else { 'MISSED' }
    Write-Host ("TARGET {0,-6} {1}: {2} (target {3})" -f $verdict, $Name, $Measured, $Target)
}

Export-ModuleMember -Function Invoke-BenchmarkChild, Write-BenchmarkResult, Get-Median, Get-PeakWorkingSetMB, Write-BenchmarkTable, Write-BenchmarkTarget, Get-PwshCommand, Invoke-ChildProcess
