<#
.SYNOPSIS
Design section 7, throughput: Get-OneLoginUser | Get-OneLoginAvailableAuthFactor over 1,000 users with 20 ms
emulator latency, against the sequential Invoke-RestMethod loop script modules use and a raw HttpClient loop
at the same concurrency.

.DESCRIPTION
Every contender does the same job against one emulator: get a token, list the users page by page
(GET /api/2/users, limit=50 then After-Cursor) and GET /api/1/users/{id}/auth_factors for each of them.
  Module (default)     Get-OneLoginUser | Get-OneLoginAvailableAuthFactor (ThrottleLimit 4)
  Module (throttle 1)  the same with -ThrottleLimit 1
  Invoke-RestMethod    one call after the other, objects built from the JSON (what script modules do)
  HttpClient x4        C#: one HttpClient, the pages on one task feeding 4 workers that read each body as
                       a string; no objects, no JSON parsing of the factors: the floor for 4 in flight
Each contender runs in a fresh child pwsh: a warm-up job of 100 users, then -Repeat timed jobs; the table
gives the median. Peak WS is the child process's peak working set (pwsh itself included).

Targets: Module (default) at least 3.5x faster than Invoke-RestMethod; at most 1.25x the HttpClient time.

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Bench
.EXAMPLE
dotnet pwsh -File tests/Benchmarks/Throughput.ps1 -ModulePath ./out/OneLoginMfa -Repeat 5
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [int] $Users = 1000,

    [int] $LatencyMs = 20,

    [int] $Repeat = 3,

    # Internal: run one contender in this process and write its figures to -ResultPath.
    [ValidateSet('', 'Module', 'ModuleThrottle1', 'InvokeRestMethod', 'HttpClient')]
    [string] $Contender = '',

    [string] $BaseUri,

    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'Benchmark.psm1') -Force

$warmUpUsers = 100

if ($Contender) {
    # ---- child: one contender -------------------------------------------------------------------------
    $base = $BaseUri.TrimEnd('/')
    switch -Wildcard ($Contender) {
        'Module*' {
            Import-Module -Name (Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1')
            Connect-OneLogin -BaseUri $BaseUri
            $throttle = if ($Contender -eq 'ModuleThrottle1') { @{ ThrottleLimit = 1 } } else { @{} }
            $job = {
                param([int] $First)
                $paging = if ($First) { @{ First = $First } } else { @{} }
                @(Get-OneLoginUser @paging | Get-OneLoginAvailableAuthFactor @throttle)
            }
        }
        'InvokeRestMethod' {
            $pair = '{0}:{1}' -f $env:ONELOGIN_CLIENT_ID, $env:ONELOGIN_CLIENT_SECRET
            $basic = [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($pair))
            $tokenResponse = Invoke-RestMethod -Method Post -Uri "$base/auth/oauth2/v2/token" -Headers @{ Authorization = "Basic $basic" } -ContentType 'application/json' -Body '{"grant_type":"client_credentials"}'
            # The documented "bearer:<token>" form; PowerShell 7 needs -SkipHeaderValidation to send it.
            $headers = @{ Authorization = "bearer:$($tokenResponse.access_token)" }
            $job = {
                param([int] $First)
                $results = [System.Collections.Generic.List[object]]::new()
                $uri = "$base/api/2/users?limit=50"
                $listed = 0
                :pages while ($uri) {
                    $page = Invoke-RestMethod -Uri $uri -Headers $headers -SkipHeaderValidation -ResponseHeadersVariable pageHeaders
                    foreach ($user in $page) {
                        if ($First -and $listed -ge $First) {
                            break pages
                        }
                        $listed++
                        $response = Invoke-RestMethod -Uri "$base/api/1/users/$($user.id)/auth_factors" -Headers $headers -SkipHeaderValidation
                        foreach ($factor in $response.data.auth_factors) {
                            $results.Add([pscustomobject]@{ UserId = $user.id; FactorId = $factor.factor_id; Name = $factor.name })
                        }
                    }
                    $uri = if ($pageHeaders['After-Cursor']) { "$base/api/2/users?cursor=" + [uri]::EscapeDataString($pageHeaders['After-Cursor'][0]) } else { $null }
                }
                $results.ToArray()
            }
        }
        'HttpClient' {
            Add-Type -TypeDefinition @'
using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

public static class RawHttpClientLoop
{
    private static readonly HttpClient Http = new HttpClient();

    public static string Token(string baseUri, string clientId, string clientSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUri + "/auth/oauth2/v2/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + clientSecret)));
        request.Content = new StringContent("{\"grant_type\":\"client_credentials\"}");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = Http.Send(request);
        response.EnsureSuccessStatusCode();
        using JsonDocument doc = JsonDocument.Parse(response.Content.ReadAsStream());
        return doc.RootElement.GetProperty("access_token").GetString();
    }

    /// <summary>Lists users page by page while `concurrency` workers GET each one's auth_factors. Returns the calls made.</summary>
    public static int Run(string baseUri, string token, int concurrency, int first) => RunAsync(baseUri, token, concurrency, first).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string baseUri, string token, int concurrency, int first)
    {
        var ids = Channel.CreateBounded<long>(256);
        int calls = 0;
        Task producer = Task.Run(async () =>
        {
            try
            {
                string path = "/api/2/users?limit=50";
                int listed = 0;
                while (path != null)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, baseUri + path);
                    request.Headers.TryAddWithoutValidation("Authorization", "bearer:" + token);
                    using HttpResponseMessage response = await Http.SendAsync(request);
                    response.EnsureSuccessStatusCode();
                    Interlocked.Increment(ref calls);
                    using JsonDocument page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    foreach (JsonElement user in page.RootElement.EnumerateArray())
                    {
                        if (first > 0 && listed >= first)
                        {
                            break;
                        }

                        listed++;
                        await ids.Writer.WriteAsync(user.GetProperty("id").GetInt64());
                    }

                    path = first > 0 && listed >= first ? null
                        : response.Headers.TryGetValues("After-Cursor", out var cursor) ? "/api/2/users?cursor=" + Uri.EscapeDataString(cursor.First()) : null;
                }
            }
            finally
            {
                ids.Writer.Complete();
            }
        });
        Task[] workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (long id in ids.Reader.ReadAllAsync())
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, baseUri + "/api/1/users/" + id + "/auth_factors");
                request.Headers.TryAddWithoutValidation("Authorization", "bearer:" + token);
                using HttpResponseMessage response = await Http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                string body = await response.Content.ReadAsStringAsync();
                Interlocked.Increment(ref calls);
            }
        })).ToArray();
        await producer;
        await Task.WhenAll(workers);
        return calls;
    }
}
'@
            $token = [RawHttpClientLoop]::Token($base, $env:ONELOGIN_CLIENT_ID, $env:ONELOGIN_CLIENT_SECRET)
            $job = {
                param([int] $First)
                # No objects: the number of calls made stands in for the output.
                , [RawHttpClientLoop]::Run($base, $token, 4, $First)
            }
        }
    }

    $null = & $job $warmUpUsers
    $seconds = [System.Collections.Generic.List[double]]::new()
    $outputs = 0
    for ($i = 0; $i -lt $Repeat; $i++) {
        [System.GC]::Collect()
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $output = & $job 0
        $clock.Stop()
        $seconds.Add($clock.Elapsed.TotalSeconds)
        $outputs = if ($Contender -eq 'HttpClient') { $output[0] } else { @($output).Count }
    }
    Write-BenchmarkResult -Path $ResultPath -Result @{
        Contender       = $Contender
        Seconds         = $seconds.ToArray()
        Outputs         = $outputs
        PeakWorkingSetMB = Get-PeakWorkingSetMB
    }
    return
}

# ---- orchestrator ---------------------------------------------------------------------------------------
$contenders = [ordered]@{
    Module           = 'Module (default, throttle 4)'
    ModuleThrottle1  = 'Module (throttle 1)'
    InvokeRestMethod = 'Invoke-RestMethod loop'
    HttpClient       = 'HttpClient x4 (floor)'
}
# No rate budget to speak of: every contender makes about 3,100 metered calls (OneLogin's default is 5,000 an hour).
$emulator = Start-OneLoginEmulator -Users $Users -Setting @{ latencyMs = $LatencyMs; rateLimit = 100000000 }
try {
    Write-Host "Throughput: $Users users, $LatencyMs ms emulator latency, median of $Repeat timed runs per contender (after a $warmUpUsers-user warm-up), each in a fresh pwsh."
    $requestsPerJob = [math]::Ceiling($Users / 50) + $Users
    $results = [ordered]@{}
    foreach ($name in $contenders.Keys) {
        Clear-OneLoginEmulatorRequest -Emulator $emulator
        $child = Invoke-BenchmarkChild -Script $PSCommandPath -Emulator $emulator -Parameter @{
            ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
            Contender  = $name
            BaseUri    = [string] $emulator.Url
            Repeat     = $Repeat
        }
        $stats = Get-OneLoginEmulatorStat -Emulator $emulator
        $results[$name] = [pscustomobject]@{
            Seconds     = Get-Median -Value $child.Seconds
            Runs        = $child.Seconds
            Outputs     = $child.Outputs
            PeakWS      = $child.PeakWorkingSetMB
            PeakInFlight = $stats.peakInFlight
        }
        Write-Host ("  {0}: {1}" -f $contenders[$name], (($child.Seconds | ForEach-Object { '{0:n2} s' -f $_ }) -join ', '))
    }

    if ($results.Module.Outputs -ne $results.ModuleThrottle1.Outputs -or $results.Module.Outputs -ne $results.InvokeRestMethod.Outputs) {
        throw "The contenders disagree on the factors: module $($results.Module.Outputs), throttle 1 $($results.ModuleThrottle1.Outputs), Invoke-RestMethod $($results.InvokeRestMethod.Outputs)."
    }
    if ($results.HttpClient.Outputs -ne $requestsPerJob) {
        throw "The HttpClient loop made $($results.HttpClient.Outputs) calls, expected $requestsPerJob."
    }

    $module = $results.Module.Seconds
    $rows = foreach ($name in $contenders.Keys) {
        $r = $results[$name]
        [pscustomobject]@{
            Contender          = $contenders[$name]
            'Wall s'           = '{0:n2}' -f $r.Seconds
            'Requests/s'       = '{0:n0}' -f ($requestsPerJob / $r.Seconds)
            'Time / module'    = '{0:n2}' -f ($r.Seconds / $module)
            'Peak in flight'   = $r.PeakInFlight
            'Peak WS MB'       = '{0:n0}' -f $r.PeakWS
        }
    }
    Write-BenchmarkTable -Title "Get-OneLoginUser | Get-OneLoginAvailableAuthFactor, $Users users ($requestsPerJob requests per job), $LatencyMs ms latency" -Row $rows

    $vsIrm = $results.InvokeRestMethod.Seconds / $module
    $vsFloor = $module / $results.HttpClient.Seconds
    Write-BenchmarkTarget -Name 'throughput vs Invoke-RestMethod loop' -Measured ('{0:n2}x faster' -f $vsIrm) -Target '>= 3.5x' -Met ($vsIrm -ge 3.5)
    Write-BenchmarkTarget -Name 'throughput vs raw HttpClient x4' -Measured ('{0:n2}x its time' -f $vsFloor) -Target '<= 1.25x' -Met ($vsFloor -le 1.25)
}
finally {
    Stop-OneLoginEmulator -Emulator $emulator
}
