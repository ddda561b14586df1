<#
.SYNOPSIS
Design section 7, streaming: Get-OneLoginUser over 100,000 users writes the first object before it asks for
the second page, and its working set grows by less than 100 MB.

.DESCRIPTION
A fresh child pwsh imports the module, connects to an emulator seeded with -Users users, warms up, collects
garbage and notes its working set. Then Get-OneLoginUser streams every user into a consumer that keeps none of
them: at the first user it asks the emulator how many page requests it has seen so far (the proof that the
first object came before the second page), and every 1,000 users it samples the working set. Afterwards the
emulator's request log gives the arrival time of the second page request, compared with the moment the first
user reached the consumer.

.EXAMPLE
dotnet pwsh -File tests/Benchmarks/Streaming.ps1 -ModulePath ./out/OneLoginMfa
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [int] $Users = 100000,

    # Internal: run the stream in this process and write its figures to -ResultPath.
    [ValidateSet('', 'Stream')]
    [string] $Contender = '',

    [string] $BaseUri,

    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'Benchmark.psm1') -Force

if ($Contender) {
    Import-Module -Name (Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1')
    Connect-OneLogin -BaseUri $BaseUri
    $emulator = [pscustomobject]@{ Url = [uri] $BaseUri }
    $null = Get-OneLoginUser -First 120
    Clear-OneLoginEmulatorRequest -Emulator $emulator
    [System.GC]::Collect()
    [System.GC]::WaitForPendingFinalizers()
    [System.GC]::Collect()
    $before = [System.Environment]::WorkingSet

    $state = @{ Count = 0; PagesAtFirst = -1; FirstAt = $null; Peak = $before }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    Get-OneLoginUser | ForEach-Object -Process {
        $state.Count++
        if ($state.Count -eq 1) {
            $state.FirstAt = [datetimeoffset]::UtcNow
            $state.FirstAfter = $clock.Elapsed
            $state.PagesAtFirst = (Get-OneLoginEmulatorStat -Emulator $emulator).resourceRequests
        }
        elseif ($state.Count % 1000 -eq 0) {
            $workingSet = [System.Environment]::WorkingSet
            if ($workingSet -gt $state.Peak) {
                $state.Peak = $workingSet
            }
        }
    }
    $clock.Stop()
    $after = [System.Environment]::WorkingSet

    $pages = @(Get-OneLoginEmulatorRequest -Emulator $emulator | Where-Object path -EQ '/api/2/users')
    Write-BenchmarkResult -Path $ResultPath -Result @{
        Users            = $state.Count
        Seconds          = $clock.Elapsed.TotalSeconds
        FirstAfterMs     = $state.FirstAfter.TotalMilliseconds
        PagesAtFirst     = $state.PagesAtFirst
        SecondPageAfterFirstMs = if ($pages.Count -ge 2) { ([datetimeoffset] $pages[1].time - $state.FirstAt).TotalMilliseconds } else { $null }
        Pages            = $pages.Count
        BeforeMB         = $before / 1MB
        PeakMB           = $state.Peak / 1MB
        AfterMB          = $after / 1MB
        PeakWorkingSetMB = Get-PeakWorkingSetMB
    }
    return
}

$emulator = Start-OneLoginEmulator -Users $Users
try {
    Write-Host "Streaming: Get-OneLoginUser over $Users users in a fresh pwsh, each user dropped as soon as it arrives."
    $result = Invoke-BenchmarkChild -Script $PSCommandPath -Emulator $emulator -Parameter @{
        ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
        Contender  = 'Stream'
        BaseUri    = [string] $emulator.Url
        Users      = $Users
    }
    if ($result.Users -ne $Users) {
        throw "Get-OneLoginUser wrote $($result.Users) users, expected $Users."
    }
    $growth = $result.PeakMB - $result.BeforeMB
    $row = [pscustomobject]@{
        Users                  = $result.Users
        Pages                  = $result.Pages
        'Wall s'               = '{0:n1}' -f $result.Seconds
        'Users/s'              = '{0:n0}' -f ($result.Users / $result.Seconds)
        'First user ms'        = '{0:n0}' -f $result.FirstAfterMs
        'Pages asked at first' = $result.PagesAtFirst
        '2nd page after it ms' = '{0:n0}' -f $result.SecondPageAfterFirstMs
        'WS before MB'         = '{0:n0}' -f $result.BeforeMB
        'WS peak MB'           = '{0:n0}' -f $result.PeakMB
        'WS after MB'          = '{0:n0}' -f $result.AfterMB
        'Growth MB'            = '{0:n0}' -f $growth
    }
    Write-BenchmarkTable -Title 'Get-OneLoginUser streaming' -Row $row
    Write-BenchmarkTarget -Name 'first object before the second page' -Measured ("{0} page request(s) when the first user arrived; the second came {1:n0} ms later" -f $result.PagesAtFirst, $result.SecondPageAfterFirstMs) -Target '1 page' -Met ($result.PagesAtFirst -eq 1 -and $result.SecondPageAfterFirstMs -gt 0)
    Write-BenchmarkTarget -Name 'working-set growth over the stream' -Measured ('{0:n0} MB' -f $growth) -Target '< 100 MB' -Met ($growth -lt 100)
}
finally {
    Stop-OneLoginEmulator -Emulator $emulator
}
