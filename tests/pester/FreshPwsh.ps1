# Dot-sourced by the tests that need a FRESH pwsh: a child process of the same pwsh version as the test
# host (tools/common.ps1 Get-PwshCommand), started with -NoProfile -NonInteractive, whose stdout and stderr
# are captured. Values go in through environment variables, so nothing needs quoting; results come back as
# the child's stdout (tests print one line of JSON).
. (Join-Path -Path $PSScriptRoot -ChildPath '../../tools/common.ps1')

function Invoke-FreshPwsh {
    param(
        # The script the child runs (written to a temporary .ps1 file and run with -File).
        [Parameter(Mandatory)]
        [string] $Script,

        # Environment variables for the child; a $null value removes the variable.
        [hashtable] $Environment = @{},

        [int] $TimeoutSeconds = 120
    )

    $file = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ("onelogin-fresh-{0}.ps1" -f [guid]::NewGuid().ToString('N'))
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8NoBOM
    $pwsh = Get-PwshCommand
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    foreach ($argument in @($pwsh.PrefixArguments) + @('-NoProfile', '-NonInteractive', '-File', $file)) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath
    $startInfo.Environment['NO_COLOR'] = '1'
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) {
            $null = $startInfo.Environment.Remove($name)
        }
        else {
            $startInfo.Environment[$name] = [string] $Environment[$name]
        }
    }

    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            $null = $process.WaitForExit(10000)
            throw "The child pwsh did not finish within $TimeoutSeconds s. Its error output: $($stderr.Result)"
        }
        $process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = $stdout.Result
            Error    = $stderr.Result
        }
    }
    finally {
        if (-not $process.HasExited) {
            $process.Kill($true)
        }
        $process.Dispose()
        Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
    }
}

# The last line of a child's stdout, parsed as JSON (the tests print their result last).
function ConvertFrom-FreshPwshResult {
    param([Parameter(Mandatory)] $Result)

    $line = @($Result.Output -split "`r?`n" | Where-Object { $_.Trim() }) | Select-Object -Last 1
    if (-not $line) {
        throw "The child pwsh printed nothing (exit code $($Result.ExitCode)). Its error output: $($Result.Error)"
    }
    ConvertFrom-Json -InputObject $line
}
