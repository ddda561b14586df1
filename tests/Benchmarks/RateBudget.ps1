<#
.SYNOPSIS
Design section 7, rate budget: under a budget of B calls per window, N = 2B users finish with zero errors in at
most 1.1x the window-bound minimum.

.DESCRIPTION
The emulator meters /api/1 (the factor calls) at B calls per W-second window; listing users (/api/2) is not
metered, as on OneLogin. Get-OneLoginUser | Get-OneLoginAvailableAuthFactor runs at default settings over
N = 2B users, with 20 ms latency.

The window-bound minimum: window 1 serves at most B factor calls, so the other B cannot start before window 2
opens. So no client can finish sooner than (time from the sweep's start to the end of window 1) + T(B), where
T(B) is how long this module takes for B factor calls with no budget at all (the fastest of three runs just
before, same process, same latency). The ratio is the sweep's wall time over that minimum.

.EXAMPLE
dotnet pwsh -File tests/Benchmarks/RateBudget.ps1 -ModulePath ./out/OneLoginMfa -Budget 500 -WindowSeconds 10
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    # B: metered calls per window.
    [int] $Budget = 500,

    [int] $WindowSeconds = 10,

    [int] $LatencyMs = 20
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'Benchmark.psm1') -Force
Import-Module -Name (Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1')

$users = 2 * $Budget
$emulator = Start-OneLoginEmulator -Users $users -Setting @{ latencyMs = $LatencyMs }
try {
    Write-Host "Rate budget: B = $Budget calls per $WindowSeconds s window, N = 2B = $users users, $LatencyMs ms latency, module defaults."
    $connection = Connect-OneLogin -BaseUri $emulator.Url -Credential $emulator.Credential -PassThru
    $ids = [long[]] @($emulator.FirstUserId..($emulator.FirstUserId + $Budget - 1))

    # Warm-up, then T(B): B factor calls with no budget to respect, the fastest of three.
    $null = $ids[0..99] | Get-OneLoginAvailableAuthFactor -Connection $connection
    $unlimited = [timespan]::MaxValue
    foreach ($attempt in 1..3) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $null = $ids | Get-OneLoginAvailableAuthFactor -Connection $connection
        $clock.Stop()
        if ($clock.Elapsed -lt $unlimited) {
            $unlimited = $clock.Elapsed
        }
    }

    # The budget; its first window starts now.
    Set-OneLoginEmulatorConfig -Emulator $emulator -Setting @{ rateLimit = $Budget; rateWindowSeconds = $WindowSeconds }
    $windowEnds = [datetimeoffset] (Get-OneLoginEmulatorStat -Emulator $emulator).windowResetsAt
    Clear-OneLoginEmulatorRequest -Emulator $emulator

    $errors = $null
    $warnings = $null
    $started = [datetimeoffset]::UtcNow
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $factors = @(Get-OneLoginUser -Connection $connection | Get-OneLoginAvailableAuthFactor -Connection $connection -ErrorVariable errors -WarningVariable warnings -WarningAction SilentlyContinue)
    $clock.Stop()
    $wall = $clock.Elapsed

    $log = @(Get-OneLoginEmulatorRequest -Emulator $emulator)
    $metered = @($log | Where-Object path -Like '/api/1/*')
    $refused = @($metered | Where-Object rateLimited)
    $askedUsers = @($metered.path | Select-Object -Unique).Count
    $minimum = ($windowEnds - $started) + $unlimited
    $ratio = $wall.TotalSeconds / $minimum.TotalSeconds

    $row = [pscustomobject]@{
        'B / window'       = "$Budget / $WindowSeconds s"
        'Users'            = $users
        'T(B) unlimited s' = '{0:n2}' -f $unlimited.TotalSeconds
        'To window 2 s'    = '{0:n2}' -f ($windowEnds - $started).TotalSeconds
        'Minimum s'        = '{0:n2}' -f $minimum.TotalSeconds
        'Wall s'           = '{0:n2}' -f $wall.TotalSeconds
        'Ratio'            = '{0:n3}' -f $ratio
        'Errors'           = @($errors).Count
        'Refused calls'    = $refused.Count
        'Factor calls'     = $metered.Count
        'Warnings'         = @($warnings).Count
    }
    Write-BenchmarkTable -Title 'Get-OneLoginUser | Get-OneLoginAvailableAuthFactor under a rate budget' -Row $row

    if ($askedUsers -ne $users -or $factors.Count -eq 0) {
        throw "Only $askedUsers of $users users were asked for their factors."
    }
    Write-BenchmarkTarget -Name "rate budget, N = 2B" -Measured ('{0:n3}x the window-bound minimum, {1} errors' -f $ratio, @($errors).Count) -Target '<= 1.1x, zero errors' -Met ($ratio -le 1.1 -and @($errors).Count -eq 0)
}
finally {
    Disconnect-OneLogin -ErrorAction SilentlyContinue
    Stop-OneLoginEmulator -Emulator $emulator
}
