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
$timingFile = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath "onelogin-import-$PID.txt"

# An Import-Module statement that also writes its own duration, measured inside the child, to $timingFile.
function Get-TimedImport {
    param([string] $Name)
    '$clock = [System.Diagnostics.Stopwatch]::StartNew(); Import-Module -Name ''{0}''; [System.IO.File]::WriteAllText(''{1}'', [string] $clock.Elapsed.TotalMilliseconds)' -f $Name.Replace("'", "''"), $timingFile.Replace("'", "''")
}

$commands = [ordered]@{
    bare                 = 'exit'
    import               = (Get-TimedImport -Name $manifest) + '; exit'
    # For scale: PowerShell's own first Import-Module of a binary module (JIT of its module machinery, which
    # the dotnet-tool PowerShell package ships without ReadyToRun code), and this module once that is paid.
    'in-box'             = (Get-TimedImport -Name 'Microsoft.PowerShell.Security') + '; exit'
    'in-box then import' = 'Import-Module -Name Microsoft.PowerShell.Security; ' + (Get-TimedImport -Name $manifest) + '; exit'
}

function Measure-Start {
    # The wall time of one child pwsh, and the in-process time of its timed Import-Module (NaN if none).
    param([string] $Command)
    Remove-Item -LiteralPath $timingFile -Force -ErrorAction SilentlyContinue
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $exitCode = Invoke-ChildProcess -FilePath $pwsh.FilePath -ArgumentList (@($pwsh.PrefixArguments) + @('-NoProfile', '-NonInteractive', '-Command', $Command)) -TimeoutSeconds 120
    $clock.Stop()
    if ($exitCode -ne 0) {
        throw "pwsh -Command '$Command' exited with $exitCode."
    }
    $inProcess = if (Test-Path -LiteralPath $timingFile) { [double] (Get-Content -LiteralPath $timingFile -Raw) } else { [double]::NaN }
    [pscustomobject]@{ Wall = $clock.Elapsed.TotalMilliseconds; Import = $inProcess }
}

Write-Host "Import time: $Runs starts each way, in turn, after one unmeasured start of each; $($pwsh.FilePath) $($pwsh.PrefixArguments -join ' ')"
foreach ($command in $commands.Values) {
    $null = Measure-Start -Command $command
}
$times = @{}
foreach ($name in $commands.Keys) {
    $times[$name] = [System.Collections.Generic.List[object]]::new()
}
for ($i = 0; $i -lt $Runs; $i++) {
    foreach ($name in $commands.Keys) {
        $times[$name].Add((Measure-Start -Command $commands[$name]))
    }
}
Remove-Item -LiteralPath $timingFile -Force -ErrorAction SilentlyContinue

$wall = @{}
$import = @{}
foreach ($name in $commands.Keys) {
    $wall[$name] = Get-Median -Value @($times[$name].Wall)
    $import[$name] = if ($name -eq 'bare') { [double]::NaN } else { Get-Median -Value @($times[$name].Import) }
}
$bare = $wall['bare']
$rows = foreach ($name in $commands.Keys) {
    [pscustomobject]@{
        Start                      = $name
        'Wall ms'                  = '{0:n0}' -f $wall[$name]
        'Added ms'                 = '{0:n0}' -f ($wall[$name] - $bare)
        'Import-Module ms (inside)' = if ([double]::IsNaN($import[$name])) { '-' } else { '{0:n0}' -f $import[$name] }
        'Wall min ms'              = '{0:n0}' -f ($times[$name].Wall | Measure-Object -Minimum).Minimum
        'Wall max ms'              = '{0:n0}' -f ($times[$name].Wall | Measure-Object -Maximum).Maximum
    }
}
Write-BenchmarkTable -Title 'pwsh -NoProfile start, bare and with Import-Module (medians)' -Row $rows
$added = $wall['import'] - $bare
Write-BenchmarkTarget -Name 'Import-Module cost' -Measured ('{0:n0} ms added to a {1:n0} ms start; the Import-Module itself {2:n0} ms' -f $added, $bare, $import['import']) -Target '< 150 ms' -Met ($added -lt 150)
Write-Host ('  for scale: Import-Module Microsoft.PowerShell.Security (in-box) takes {0:n0} ms in a fresh pwsh; OneLoginMfa after it takes {1:n0} ms' -f $import['in-box'], $import['in-box then import'])
