<#
.SYNOPSIS
Design section 7, start-up: Import-Module adds less than 150 ms to a bare `pwsh -NoProfile` start.

.DESCRIPTION
Starts a child pwsh of the running version (under `dotnet pwsh` that is `dotnet <PSHOME>/pwsh.dll`)
-Runs times each way, in turn, after one unmeasured start of each:
  bare                pwsh -NoProfile -NonInteractive -Command exit
  import              ... -Command "Import-Module <ModulePath>/OneLoginMfa.psd1; exit"
  in-box              ... -Command "Import-Module Microsoft.PowerShell.Security; exit"
  in-box then import  ... both, in that order
and compares the medians of the wall times (process start to exit). The target is import minus bare; the
in-box rows show how much of it is PowerShell's own first Import-Module of any binary module, and how much
this module adds once that is paid.

.EXAMPLE
dotnet pwsh -File tests/Benchmarks/ImportTime.ps1 -ModulePath ./out/OneLoginMfa -Runs 15
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [int] $Runs = 9
)

$ErrorActionPreference = 'Stop'
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'Benchmark.psm1') -Force

$manifest = Join-Path -Path (Resolve-Path -LiteralPath $ModulePath).Path -ChildPath 'OneLoginMfa.psd1'
$pwsh = Get-PwshCommand
$importOurs = "Import-Module -Name '$($manifest.Replace("'", "''"))'"
$commands = [ordered]@{
    bare                = 'exit'
    import              = "$importOurs; exit"
    # For scale: PowerShell's own first Import-Module of a binary module (JIT of its module machinery, which
    # the dotnet-tool PowerShell package ships without ReadyToRun code), and this module on top of that.
    'in-box'            = 'Import-Module -Name Microsoft.PowerShell.Security; exit'
    'in-box then import' = "Import-Module -Name Microsoft.PowerShell.Security; $importOurs; exit"
}

function Measure-Start {
    param([string] $Command)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $exitCode = Invoke-ChildProcess -FilePath $pwsh.FilePath -ArgumentList (@($pwsh.PrefixArguments) + @('-NoProfile', '-NonInteractive', '-Command', $Command)) -TimeoutSeconds 120
    $clock.Stop()
    if ($exitCode -ne 0) {
        throw "pwsh -Command '$Command' exited with $exitCode."
    }
    $clock.Elapsed.TotalMilliseconds
}

Write-Host "Import time: $Runs starts each way, in turn, after one unmeasured start of each; $($pwsh.FilePath) $($pwsh.PrefixArguments -join ' ')"
foreach ($command in $commands.Values) {
    $null = Measure-Start -Command $command
}
$times = @{}
foreach ($name in $commands.Keys) {
    $times[$name] = [System.Collections.Generic.List[double]]::new()
}
for ($i = 0; $i -lt $Runs; $i++) {
    foreach ($name in $commands.Keys) {
        $times[$name].Add((Measure-Start -Command $commands[$name]))
    }
}

$median = @{}
foreach ($name in $commands.Keys) {
    $median[$name] = Get-Median -Value $times[$name].ToArray()
}
$bare = $median['bare']
$rows = foreach ($name in $commands.Keys) {
    [pscustomobject]@{
        Start        = $name
        'Median ms'  = '{0:n0}' -f $median[$name]
        'Added ms'   = '{0:n0}' -f ($median[$name] - $bare)
        'Min ms'     = '{0:n0}' -f ($times[$name] | Measure-Object -Minimum).Minimum
        'Max ms'     = '{0:n0}' -f ($times[$name] | Measure-Object -Maximum).Maximum
    }
}
Write-BenchmarkTable -Title 'pwsh -NoProfile start, bare and with Import-Module' -Row $rows
$added = $median['import'] - $bare
Write-BenchmarkTarget -Name 'Import-Module cost' -Measured ('{0:n0} ms added to a {1:n0} ms start (medians)' -f $added, $bare) -Target '< 150 ms' -Met ($added -lt 150)
Write-Host ('  for scale: Microsoft.PowerShell.Security adds {0:n0} ms; OneLoginMfa after it adds {1:n0} ms' -f ($median['in-box'] - $bare), ($median['in-box then import'] - $median['in-box']))
