# The module as a whole: manifest, exported commands, verbs, the parameter-surface snapshot, format views for
# every output type, the Newtonsoft.Json identity rules (style guide 6.9) and import into a fresh pwsh.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $script:commandCases = @(Get-Command -Module OneLoginMfa | Sort-Object -Property Name | ForEach-Object { @{ Name = $_.Name } })
    $snapshot = Get-Content -LiteralPath "$PSScriptRoot/ParameterSurface.json" -Raw | ConvertFrom-Json
    $script:snapshotCases = @($snapshot.PSObject.Properties.Name | Sort-Object | ForEach-Object { @{ Name = $_ } })
    $script:outputTypeCases = @(
        Get-Command -Module OneLoginMfa | ForEach-Object { $_.OutputType } | Where-Object { $_.Type -and $_.Type -ne [void] } |
            ForEach-Object { $_.Type.FullName } | Sort-Object -Unique | ForEach-Object { @{ TypeName = $_ } }
    )
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/FreshPwsh.ps1"
    $script:manifestPath = Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1'
    $script:module = Get-Module -Name OneLoginMfa
    $script:snapshot = Get-Content -LiteralPath "$PSScriptRoot/ParameterSurface.json" -Raw | ConvertFrom-Json

    # The Newtonsoft.Json floor (style guide 6.9): we compile against and ship 13.0.1, the lowest 13.x, which
    # every supported host meets or exceeds (pwsh 7.2 shipped 13.0.1, PowerShell-Docs#9095; 7.4, the oldest
    # supported pwsh, ships 13.0.3; 7.6.10 ships 13.0.4; Windows PowerShell 5.1 ships none and loads ours).
    # Raising it is a decision, not a package update: change this constant and Directory.Packages.props together.
    $script:NewtonsoftFloor = [version] '13.0.1'

    # One line per fact of a surface (ConvertFrom-Json objects), so that a failure names exactly what changed.
    function ConvertTo-SurfaceLine {
        param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] $Command)
        "$Name DefaultParameterSet=$($Command.DefaultParameterSet)"
        "$Name OutputType=$(@($Command.OutputType) -join ',')"
        foreach ($parameter in $Command.Parameters.PSObject.Properties) {
            $p = $parameter.Value
            "$Name -$($parameter.Name) Type=$($p.Type) Aliases=$(@($p.Aliases) -join ',')"
            foreach ($set in $p.ParameterSets.PSObject.Properties) {
                $s = $set.Value
                "$Name -$($parameter.Name) [$($set.Name)] Mandatory=$($s.Mandatory) Position=$($s.Position) ByValue=$($s.ValueFromPipeline) ByPropertyName=$($s.ValueFromPipelineByPropertyName) Remaining=$($s.ValueFromRemainingArguments)"
            }
        }
    }

    $liveJson = & "$RepoRoot/tools/Update-ParameterSurface.ps1" -ModulePath $ModulePath -PassThru
    $script:live = $liveJson | ConvertFrom-Json
}

Describe 'OneLoginMfa module' {
    Context 'manifest' {
        It 'passes Test-ModuleManifest' {
            $info = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
            $info.Name | Should -Be 'OneLoginMfa'
            $info.Version | Should -Be (Import-PowerShellDataFile -LiteralPath "$RepoRoot/OneLoginMfa.psd1").ModuleVersion
        }

        It 'is a binary module for Windows PowerShell 5.1 and PowerShell 7 (RootModule, editions, versions)' {
            $data = Import-PowerShellDataFile -LiteralPath $manifestPath
            $data.RootModule | Should -BeExactly 'OneLoginMfa.dll'
            $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
            $data.PowerShellVersion | Should -Be '5.1'
            $data.DotNetFrameworkVersion | Should -Be '4.7.2'
            $data.FormatsToProcess | Should -Be @('OneLoginMfa.Format.ps1xml')
            $data.FunctionsToExport | Should -HaveCount 0
            $data.AliasesToExport | Should -HaveCount 0
            $data.VariablesToExport | Should -HaveCount 0
            $module.ModuleType | Should -Be 'Binary'
        }

        It 'the source manifest is plain data as it stands (no build tokens) and keeps its ReleaseNotes pointer' {
            # Test-ModuleManifest on the source file would fail only because the format file lives in src/.
            $text = Get-Content -LiteralPath "$RepoRoot/OneLoginMfa.psd1" -Raw
            $text | Should -Not -Match '\{\{'
            $data = Import-PowerShellDataFile -LiteralPath "$RepoRoot/OneLoginMfa.psd1"
            $data.PrivateData.PSData.ReleaseNotes | Should -BeExactly 'See CHANGELOG.md'
        }

        It 'ships exactly the allow-listed files' {
            $files = Get-ChildItem -LiteralPath $ModulePath -Recurse -File |
                ForEach-Object { [System.IO.Path]::GetRelativePath($ModulePath, $_.FullName) -replace '\\', '/' } | Sort-Object
            $expected = @(
                'Dependencies/Newtonsoft.Json.dll'
                'en-US/about_OneLoginMfa.help.txt'
                'en-US/about_OneLoginMfa_Errors.help.txt'
                'en-US/OneLoginMfa.dll-Help.xml'
                'LICENSE'
                'OneLoginMfa.Core.dll'
                'OneLoginMfa.dll'
                'OneLoginMfa.Format.ps1xml'
                'OneLoginMfa.psd1'
            ) | Sort-Object
            $files | Should -Be $expected
        }
    }

    Context 'exported commands' {
        It 'exports exactly the [Cmdlet] classes of OneLoginMfa.dll, and the manifest lists the same' {
            $assembly = [OneLoginMfa.Commands.ConnectOneLoginCommand].Assembly
            $assembly.Location | Should -Be (Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.dll')
            $classes = foreach ($type in $assembly.GetTypes()) {
                foreach ($attribute in $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)) {
                    "$($attribute.VerbName)-$($attribute.NounName)"
                }
            }
            $exported = @($module.ExportedCmdlets.Keys)
            ($exported | Sort-Object) | Should -Be ($classes | Sort-Object)
            ((Import-PowerShellDataFile -LiteralPath $manifestPath).CmdletsToExport | Sort-Object) | Should -Be ($classes | Sort-Object)
            $module.ExportedFunctions.Count + $module.ExportedAliases.Count | Should -Be 0
        }

        It 'uses only approved verbs and the OneLogin noun prefix: <Name>' -ForEach $commandCases {
            $command = Get-Command -Name $Name
            $command.Verb | Should -BeIn (Get-Verb).Verb
            $command.Noun | Should -BeLike 'OneLogin*'
        }
    }

    Context 'parameter surface (tests/pester/ParameterSurface.json)' {
        It 'the snapshot covers exactly the exported commands' {
            @($snapshot.PSObject.Properties.Name | Sort-Object) | Should -Be @($module.ExportedCommands.Keys | Sort-Object)
        }

        It '<Name> matches the snapshot (regenerate with tools/Update-ParameterSurface.ps1 only on purpose)' -ForEach $snapshotCases {
            $expected = @(ConvertTo-SurfaceLine -Name $Name -Command $snapshot.$Name)
            $actual = if ($live.$Name) { @(ConvertTo-SurfaceLine -Name $Name -Command $live.$Name) } else { @() }
            $difference = Compare-Object -ReferenceObject $expected -DifferenceObject $actual |
                ForEach-Object { '{0} {1}' -f $(if ($_.SideIndicator -eq '<=') { 'snapshot:' } else { 'built:   ' }), $_.InputObject }
            $difference | Should -BeNullOrEmpty -Because 'a parameter rename, type, position or binding change is a breaking change'
        }
    }

    Context 'format views' {
        It 'every [OutputType] has a table view of 3 to 6 columns and a list view: <TypeName>' -ForEach $outputTypeCases {
            $views = @((Get-FormatData -TypeName $TypeName).FormatViewDefinition)
            $table = @($views | Where-Object { $_.Control -is [System.Management.Automation.TableControl] })
            $list = @($views | Where-Object { $_.Control -is [System.Management.Automation.ListControl] })
            $table | Should -HaveCount 1
            $list | Should -HaveCount 1
            $table[0].Control.Headers.Count | Should -BeGreaterOrEqual 3
            $table[0].Control.Headers.Count | Should -BeLessOrEqual 6
            # The table comes first, so it is the default view.
            $views[0].Control | Should -BeOfType ([System.Management.Automation.TableControl])
        }

        It 'every table view with fixed widths fits a 120-column console' {
            [xml] $format = Get-Content -LiteralPath (Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.Format.ps1xml') -Raw
            foreach ($view in @($format.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl })) {
                $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
                # A column without a width takes what is left; count at least 10 characters for it.
                $width = ($headers | ForEach-Object { if ($_.Width) { [int] $_.Width } else { 10 } } | Measure-Object -Sum).Sum + $headers.Count - 1
                $width | Should -BeLessOrEqual 120 -Because "the table view $($view.Name) should fit a 120-column console"
            }
        }

        It 'every view in OneLoginMfa.Format.ps1xml selects a type that exists' {
            [xml] $format = Get-Content -LiteralPath (Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.Format.ps1xml') -Raw
            foreach ($name in $format.Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName) {
                $name -as [type] | Should -Not -BeNullOrEmpty -Because "the view for $name must select a real type"
            }
        }
    }
}

Describe 'Output as a console shows it' {
    BeforeAll {
        $script:emu = Start-OneLoginEmulator -Users 12
        $script:connection = Connect-TestEmulator -Emulator $emu
        $first = $emu.FirstUserId
        # One real object of every output type, from the emulator (user $first has all four factors enrolled,
        # device 1000000 is its SMS device; user $first + 2 has one to three devices).
        $challenge = Send-OneLoginAuthFactorChallenge -UserId $first -DeviceId 1000000 -Confirm:$false
        $otp = Get-OneLoginEmulatorOtp -Emulator $emu -UserId $first -DeviceId 1000000
        $script:samples = [ordered]@{
            'OneLoginMfa.OneLoginConnection'     = $connection
            'OneLoginMfa.OneLoginRateLimit'      = Get-OneLoginRateLimit
            'OneLoginMfa.OneLoginUser'           = Get-OneLoginUser -UserId ($first + 2)
            'OneLoginMfa.AuthFactor'             = Get-OneLoginAvailableAuthFactor -UserId ($first + 1) | Select-Object -First 1
            'OneLoginMfa.EnrolledAuthFactor'     = Get-OneLoginEnrolledAuthFactor -UserId $first | Select-Object -First 1
            'OneLoginMfa.AuthFactorChallenge'    = $challenge
            'OneLoginMfa.AuthFactorVerification' = $challenge | Confirm-OneLoginAuthFactor -OtpToken $otp -Confirm:$false
            'OneLoginMfa.MfaToken'               = New-OneLoginMfaToken -UserId ($first + 3) -Confirm:$false
            'OneLoginMfa.RemovedAuthFactor'      = Get-OneLoginEnrolledAuthFactor -UserId ($first + 2) | Select-Object -First 1 |
                Remove-OneLoginAuthFactor -Confirm:$false -PassThru
        }
    }

    AfterAll {
        Disconnect-OneLogin
        Stop-OneLoginEmulator -Emulator $emu
    }

    It 'has a sample of every output type' {
        $types = Get-Command -Module OneLoginMfa | ForEach-Object { $_.OutputType } | Where-Object { $_.Type -and $_.Type -ne [void] } |
            ForEach-Object { $_.Type.FullName } | Sort-Object -Unique
        @($samples.Keys | Sort-Object) | Should -Be @($types)
        foreach ($name in $samples.Keys) {
            $samples[$name].GetType().FullName | Should -Be $name
        }
    }

    It 'renders every output type as a table and as a list, with no formatting errors' {
        foreach ($name in $samples.Keys) {
            $Error.Clear()
            $table = $samples[$name] | Format-Table | Out-String -Width 160
            $list = $samples[$name] | Format-List | Out-String -Width 160
            $table.Trim() | Should -Not -BeNullOrEmpty -Because "$name has a table view"
            $list.Trim() | Should -Not -BeNullOrEmpty -Because "$name has a list view"
            $table | Should -Not -Match '#ERR|Exception' -Because "$name's table view must not fail"
            $list | Should -Not -Match '#ERR|Exception' -Because "$name's list view must not fail"
            $Error | Should -BeNullOrEmpty -Because "formatting $name writes no error"
        }
    }

    It 'prints enums as names (user Status and State, connection CredentialSource)' {
        $user = $samples['OneLoginMfa.OneLoginUser']
        $user.Status | Should -Not -BeNullOrEmpty
        ($user | Format-Table | Out-String -Width 200) | Should -Match ([regex]::Escape([string] $user.Status))
        ($user | Format-List | Out-String) | Should -Match "Status\s+: $([regex]::Escape([string] $user.Status))"
        if ($null -ne $user.State) {
            ($user | Format-List | Out-String) | Should -Match "State\s+: $([regex]::Escape([string] $user.State))"
        }
        ($connection | Format-List | Out-String) | Should -Match 'CredentialSource\s+: Credential'
    }

    It 'shows a connection readably: tenant, client, account, token expiry and rate budget' {
        $null = Get-OneLoginRateLimit
        $table = $connection | Format-Table | Out-String -Width 160
        $table | Should -Match ([regex]::Escape($connection.BaseUri.AbsoluteUri))
        $table | Should -Match '\d+/\d+'
        $list = $connection | Format-List | Out-String -Width 160
        $list | Should -Match 'RateLimit\s+: \d+/\d+ calls left, resets in \d\d:\d\d:\d\d'
        $list | Should -Match 'TokenExpiresAt\s+: \S'
        "$connection" | Should -BeExactly "OneLogin $($connection.BaseUri.GetLeftPart([UriPartial]::Authority)) (client $($connection.ClientId))"
    }

    It 'shows a rate limit readably: limit, remaining, reset time and time left' {
        $limit = $samples['OneLoginMfa.OneLoginRateLimit']
        $table = $limit | Format-Table | Out-String
        $table | Should -Match 'Limit\s+Remaining\s+ResetAt\s+ResetIn'
        $table | Should -Match "$($limit.Limit)\s+$($limit.Remaining)\s+\S+\s+\d\d:\d\d:\d\d"
        ($limit | Format-List | Out-String) | Should -Match 'ResetIn\s+: \d\d:\d\d:\d\d'
    }
}

Describe 'Newtonsoft.Json (style guide 6.9)' {
    BeforeAll {
        $script:emu = Start-OneLoginEmulator -Users 5
        $script:childEnvironment = @{
            OLM_MANIFEST = $manifestPath
            OLM_URL      = $emu.Url.AbsoluteUri
            OLM_ID       = $emu.ClientId
            OLM_SECRET   = $emu.ClientSecret
        }
    }

    AfterAll {
        Stop-OneLoginEmulator -Emulator $emu
    }

    It 'exactly one Newtonsoft.Json is loaded after a command that parses JSON' {
        $connection = Connect-TestEmulator -Emulator $emu
        try {
            Get-OneLoginUser -First 2 | Get-OneLoginAvailableAuthFactor | Should -Not -BeNullOrEmpty
        }
        finally {
            Disconnect-OneLogin -Connection $connection
        }
        $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Newtonsoft.Json' })
        $loaded | Should -HaveCount 1
    }

    It 'ships Dependencies/Newtonsoft.Json.dll at or below the floor (no bump past the oldest supported pwsh)' {
        $path = Join-Path -Path $ModulePath -ChildPath 'Dependencies/Newtonsoft.Json.dll'
        $info = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($path)
        $shipped = [version]::new($info.FileMajorPart, $info.FileMinorPart, $info.FileBuildPart)
        $shipped | Should -BeLessOrEqual $NewtonsoftFloor
        $shipped.Major | Should -Be 13
        [System.Reflection.AssemblyName]::GetAssemblyName($path).Version | Should -Be ([version] '13.0.0.0')
    }

    It 'never exposes a Newtonsoft type in a public signature of OneLoginMfa.dll or its output types' {
        $assemblies = [OneLoginMfa.Commands.ConnectOneLoginCommand].Assembly, [OneLoginMfa.OneLoginConnection].Assembly
        $leaks = foreach ($type in $assemblies.GetExportedTypes()) {
            $members = $type.GetMembers([System.Reflection.BindingFlags] 'Public, Instance, Static, DeclaredOnly')
            foreach ($member in $members) {
                $types = switch ($member.MemberType) {
                    'Property' { $member.PropertyType }
                    'Field' { $member.FieldType }
                    'Method' { @($member.ReturnType) + @($member.GetParameters().ParameterType) }
                    'Constructor' { @($member.GetParameters().ParameterType) }
                }
                foreach ($t in @($types | Where-Object { $_ })) {
                    if ($t.Assembly.GetName().Name -eq 'Newtonsoft.Json') { "$($type.FullName).$($member.Name)" }
                }
            }
            if ($type.BaseType -and $type.BaseType.Assembly.GetName().Name -eq 'Newtonsoft.Json') { $type.FullName }
            foreach ($attribute in $type.CustomAttributes) {
                if ($attribute.AttributeType.Assembly.GetName().Name -eq 'Newtonsoft.Json') { "$($type.FullName) [$($attribute.AttributeType.Name)]" }
            }
        }
        $leaks | Should -BeNullOrEmpty
    }

    It 'imports and works in a fresh pwsh in which [Newtonsoft.Json.JsonConvert] was used first' {
        $script = {
            $ErrorActionPreference = 'Stop'
            $before = [Newtonsoft.Json.JsonConvert]::SerializeObject(@{ touched = $true })
            Import-Module -Name $env:OLM_MANIFEST
            $secret = ConvertTo-SecureString -String $env:OLM_SECRET -AsPlainText -Force
            Connect-OneLogin -BaseUri $env:OLM_URL -Credential ([pscredential]::new($env:OLM_ID, $secret))
            $user = Get-OneLoginUser -First 1
            $factors = @(Get-OneLoginAvailableAuthFactor -UserId $user.Id)
            [pscustomobject]@{
                Before     = $before
                UserId     = $user.Id
                Factors    = $factors.Count
                Newtonsoft = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Newtonsoft.Json' }).Count
            } | ConvertTo-Json -Compress
        }
        $result = Invoke-FreshPwsh -Script $script.ToString() -Environment $childEnvironment
        $result.Error | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $data = ConvertFrom-FreshPwshResult $result
        $data.Before | Should -Be '{"touched":true}'
        $data.UserId | Should -Be $emu.FirstUserId
        $data.Newtonsoft | Should -Be 1
    }
}

Describe 'Import-Module in a fresh pwsh -NoProfile' {
    It 'imports without errors or warnings and exports every command, with help' {
        $script = {
            $ErrorActionPreference = 'Stop'
            $module = Import-Module -Name $env:OLM_MANIFEST -PassThru -WarningVariable warnings
            [pscustomobject]@{
                Name     = $module.Name
                Version  = $module.Version.ToString()
                Commands = @(Get-Command -Module OneLoginMfa).Count
                Warnings = @($warnings).Count
                Synopsis = (Get-Help -Name Get-OneLoginUser).Synopsis
            } | ConvertTo-Json -Compress
        }
        $result = Invoke-FreshPwsh -Script $script.ToString() -Environment @{ OLM_MANIFEST = $manifestPath }
        $result.Error | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $data = ConvertFrom-FreshPwshResult $result
        $data.Name | Should -Be 'OneLoginMfa'
        $data.Commands | Should -Be $module.ExportedCommands.Count
        $data.Warnings | Should -Be 0
        $data.Synopsis | Should -Match 'OneLogin users'
    }
}
