<#
.SYNOPSIS
Writes (or returns) the parameter-surface snapshot of the built module: tests/pester/ParameterSurface.json.

.DESCRIPTION
For every exported command: its default parameter set, its [OutputType]s, and for every parameter except the
common ones (-WhatIf and -Confirm are kept: they are part of a command's contract) its type, aliases and, per
parameter set, Mandatory, Position and the pipeline flags. tests/pester/Module.Tests.ps1 compares the built
module with the committed snapshot on every run, so renaming a parameter, an alias or a set, changing a type,
a position or pipeline binding fails the build until the snapshot is regenerated on purpose:

    dotnet pwsh -NoProfile -File tools/Update-ParameterSurface.ps1 -ModulePath out/OneLoginMfa

Run it in a child pwsh (as above), never in a build process: it imports the built module.
Review the diff of ParameterSurface.json before you commit it; every change in it is a change users see.

.EXAMPLE
dotnet pwsh -NoProfile -File tools/Update-ParameterSurface.ps1 -ModulePath out/OneLoginMfa
#>
[CmdletBinding()]
param(
    # The built module folder (the one that holds OneLoginMfa.psd1).
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [string] $OutputPath = (Join-Path $PSScriptRoot '../tests/pester/ParameterSurface.json'),

    # Return the JSON text instead of writing the file (what the test does).
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'

function Get-SurfaceTypeName {
    # A stable, readable type name: no assembly versions (Nullable<T> becomes T?, arrays T[]).
    param([type] $Type)

    if ($Type.IsArray) {
        return (Get-SurfaceTypeName $Type.GetElementType()) + '[]'
    }
    $inner = [System.Nullable]::GetUnderlyingType($Type)
    if ($inner) {
        return (Get-SurfaceTypeName $inner) + '?'
    }
    if ($Type.IsGenericType) {
        $name = $Type.GetGenericTypeDefinition().FullName -replace '`\d+$', ''
        return '{0}[{1}]' -f $name, (($Type.GetGenericArguments() | ForEach-Object { Get-SurfaceTypeName $_ }) -join ',')
    }
    return $Type.FullName
}

$manifest = Get-ChildItem -LiteralPath $ModulePath -Filter '*.psd1' -File | Select-Object -First 1
if (-not $manifest) {
    throw "No module manifest in $ModulePath."
}
$module = Get-Module -Name $manifest.BaseName | Where-Object { $_.ModuleBase -eq $manifest.DirectoryName } | Select-Object -First 1
if (-not $module) {
    $module = Import-Module -Name $manifest.FullName -PassThru -DisableNameChecking
}

$common = [System.Management.Automation.PSCmdlet]::CommonParameters
$surface = [ordered]@{}
foreach ($command in @($module.ExportedCommands.Values | Sort-Object -Property Name)) {
    $parameters = [ordered]@{}
    foreach ($name in @($command.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)) {
        $parameter = $command.Parameters[$name]
        $sets = [ordered]@{}
        foreach ($setName in @($parameter.ParameterSets.Keys | Sort-Object)) {
            $set = $parameter.ParameterSets[$setName]
            $sets[$setName] = [ordered]@{
                Mandatory                       = $set.IsMandatory
                Position                        = if ($set.Position -eq [int]::MinValue) { 'Named' } else { $set.Position }
                ValueFromPipeline               = $set.ValueFromPipeline
                ValueFromPipelineByPropertyName = $set.ValueFromPipelineByPropertyName
                ValueFromRemainingArguments     = $set.ValueFromRemainingArguments
            }
        }
        $parameters[$name] = [ordered]@{
            Type          = Get-SurfaceTypeName $parameter.ParameterType
            Aliases       = @($parameter.Aliases | Sort-Object)
            ParameterSets = $sets
        }
    }
    $surface[$command.Name] = [ordered]@{
        DefaultParameterSet = if ($command.DefaultParameterSet) { $command.DefaultParameterSet } else { '__AllParameterSets' }
        OutputType          = @($command.OutputType | ForEach-Object { $_.Name } | Sort-Object -Unique)
        Parameters          = $parameters
    }
}

$json = ($surface | ConvertTo-Json -Depth 10) -replace "`r`n", "`n"
if ($PassThru) {
    return $json
}
$OutputPath = [System.IO.Path]::GetFullPath($OutputPath, (Get-Location -PSProvider FileSystem).ProviderPath)
[System.IO.File]::WriteAllText($OutputPath, $json + "`n", [System.Text.UTF8Encoding]::new($false))
Write-Host "Wrote the parameter surface of $($surface.Count) commands to $OutputPath"
