# Dot-sourced by every tests/pester/*.Tests.ps1 in BeforeAll. Imports the BUILT module (never src/) and
# the emulator helpers. tools/Invoke-PesterTests.ps1 sets $env:ONELOGINMFA_MODULE_PATH; a developer running
# Invoke-Pester by hand gets out/OneLoginMfa.
$ErrorActionPreference = 'Stop'
$script:RepoRoot = (Resolve-Path -Path (Join-Path -Path $PSScriptRoot -ChildPath '../..')).Path
$script:ModulePath = if ($env:ONELOGINMFA_MODULE_PATH) { $env:ONELOGINMFA_MODULE_PATH } else { Join-Path -Path $script:RepoRoot -ChildPath 'out/OneLoginMfa' }
if (-not (Get-Module -Name OneLoginMfa)) {
    Import-Module -Name (Join-Path -Path $script:ModulePath -ChildPath 'OneLoginMfa.psd1')
}
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'Emulator.psm1') -Force

# Connects the current runspace to an emulator with its full-scope credential and returns the connection.
function Connect-TestEmulator {
    param(
        [Parameter(Mandatory)] $Emulator,
        [ValidateSet('Full', 'ReadOnly', 'AuthOnly')] [string] $Scope = 'Full'
    )
    $credential = switch ($Scope) {
        'Full' { $Emulator.Credential }
        'ReadOnly' { $Emulator.ReadOnlyCredential }
        'AuthOnly' { $Emulator.AuthOnlyCredential }
    }
    Connect-OneLogin -BaseUri $Emulator.Url -Credential $credential -PassThru
}
