# Help that never drifts: what Get-Help shows for every command (built from docs/en-US by tools/Build-Help.ps1)
# is complete, the documented parameters are the real ones, the docs hold no placeholder text, the about_
# topics load, and every ErrorId the code can emit is documented in about_OneLoginMfa_Errors.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $script:commandCases = @(Get-Command -Module OneLoginMfa | Sort-Object -Property Name | ForEach-Object { @{ Name = $_.Name } })
    $script:docCases = @(Get-ChildItem -LiteralPath "$RepoRoot/docs/en-US" -Filter '*.md' -File | Sort-Object -Property Name |
            ForEach-Object { @{ File = $_.Name; Path = $_.FullName } })

    # Every ErrorId the cmdlet layer can emit, read from the sources so that a new one cannot go undocumented:
    #   - the ids in Errors/ErrorRecordFactory.cs (its ("Id", ErrorCategory.X, …) mapping and its *Id constants);
    #   - every ErrorRecordFactory.ParameterInvalid("Id", …) call, and for ParameterInvalid(variable, …) the
    #     PascalCase string literals assigned to a variable of that name in the same file.
    function Get-EmittedErrorId {
        param([string] $SourceRoot)

        $factory = Get-Content -LiteralPath (Join-Path $SourceRoot 'Errors/ErrorRecordFactory.cs') -Raw
        [regex]::Matches($factory, '\(\s*"(\w+)"\s*,\s*ErrorCategory\.') | ForEach-Object { $_.Groups[1].Value }
        [regex]::Matches($factory, 'const\s+string\s+\w+Id\s*=\s*"(\w+)"') | ForEach-Object { $_.Groups[1].Value }
        foreach ($file in Get-ChildItem -LiteralPath $SourceRoot -Filter '*.cs' -File -Recurse) {
            $text = Get-Content -LiteralPath $file.FullName -Raw
            [regex]::Matches($text, 'ParameterInvalid\(\s*"(\w+)"') | ForEach-Object { $_.Groups[1].Value }
            foreach ($variable in [regex]::Matches($text, 'ParameterInvalid\(\s*([A-Za-z_]\w*)\s*,') | ForEach-Object { $_.Groups[1].Value } | Select-Object -Unique) {
                foreach ($assignment in [regex]::Matches($text, "\b$variable\s*=\s*([^;]+);")) {
                    [regex]::Matches($assignment.Groups[1].Value, '"([A-Z][a-z]+(?:[A-Z][a-z0-9]*)+)"') | ForEach-Object { $_.Groups[1].Value }
                }
            }
        }
    }
    $emittedIds = @(Get-EmittedErrorId -SourceRoot "$RepoRoot/src/OneLoginMfa" | Sort-Object -Unique)
    $script:errorIdCases = @($emittedIds | ForEach-Object { @{ ErrorId = $_ } })
    $script:aboutCases = @(@{ EmittedIds = $emittedIds })
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:docsPath = Join-Path -Path $RepoRoot -ChildPath 'docs/en-US'
    # The parameters every cmdlet has; -WhatIf and -Confirm are documented on each page, as platyPS does.
    $script:commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters

    # The parameters a platyPS page documents: its "### -Name" headings under "## PARAMETERS".
    function Get-DocumentedParameter {
        param([string] $Path)
        $inParameters = $false
        $inFence = $false
        foreach ($line in Get-Content -LiteralPath $Path) {
            if ($line -match '^\s*```') {
                $inFence = -not $inFence
                continue
            }
            if ($inFence) {
                continue
            }
            if ($line -match '^##\s+(.+?)\s*$') {
                $inParameters = $Matches[1] -eq 'PARAMETERS'
                continue
            }
            if ($inParameters -and $line -match '^###\s+-(\S+)\s*$') {
                $Matches[1]
            }
        }
    }

    function Get-HelpText {
        param($Value)
        (@($Value) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n"
    }
}

Describe 'Get-Help <Name> -Full' -ForEach $commandCases {
    BeforeAll {
        $script:help = Get-Help -Name $Name -Full
        $script:command = Get-Command -Name $Name
        $script:realParameters = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | Sort-Object)
        $script:page = Join-Path -Path $docsPath -ChildPath "$Name.md"
    }

    It 'comes from the compiled help file (MAML), not from the command metadata' {
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo'
        Split-Path -Leaf $command.HelpFile | Should -Be 'OneLoginMfa.dll-Help.xml'
        Test-Path -LiteralPath (Join-Path -Path $ModulePath -ChildPath 'en-US/OneLoginMfa.dll-Help.xml') -PathType Leaf | Should -BeTrue
    }

    It 'has a synopsis' {
        $synopsis = [string] $help.Synopsis
        $synopsis.Trim() | Should -Not -BeNullOrEmpty
        # Without help, Get-Help shows the syntax as the synopsis.
        $synopsis | Should -Not -Match ([regex]::Escape("$Name ["))
        $synopsis.Length | Should -BeGreaterThan 20
    }

    It 'has a description' {
        (Get-HelpText $help.Description).Trim().Length | Should -BeGreaterThan 40
    }

    It 'has at least one example, each with code and an explanation' {
        $examples = @($help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 1
        foreach ($example in $examples) {
            ([string] $example.Code).Trim() | Should -Not -BeNullOrEmpty -Because "$($example.Title) shows code"
            (Get-HelpText $example.Remarks).Trim() | Should -Not -BeNullOrEmpty -Because "$($example.Title) explains its code"
        }
    }

    It 'describes every parameter' {
        foreach ($parameterName in $realParameters) {
            $parameterHelp = @($help.Parameters.Parameter) | Where-Object { $_.Name -eq $parameterName }
            $parameterHelp | Should -Not -BeNullOrEmpty -Because "-$parameterName is shown by Get-Help"
            (Get-HelpText $parameterHelp.Description).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameterName has a description"
        }
    }

    It 'Get-Help -Parameter shows each parameter' {
        foreach ($parameterName in $realParameters) {
            $parameterHelp = Get-Help -Name $Name -Parameter $parameterName
            (Get-HelpText $parameterHelp.Description).Trim() | Should -Not -BeNullOrEmpty -Because "Get-Help $Name -Parameter $parameterName"
        }
    }

    It 'documents exactly the command''s parameters in docs/en-US/<Name>.md' {
        Test-Path -LiteralPath $page -PathType Leaf | Should -BeTrue
        $documented = @(Get-DocumentedParameter -Path $page | Sort-Object)
        $missing = @($realParameters | Where-Object { $_ -notin $documented })
        $stale = @($documented | Where-Object { $_ -notin $realParameters })
        $missing | Should -BeNullOrEmpty -Because 'every parameter of the command is documented'
        $stale | Should -BeNullOrEmpty -Because 'the page documents no parameter the command does not have'
    }
}

Describe 'docs/en-US/<File>' -ForEach $docCases {
    It 'has no placeholder text' {
        $text = Get-Content -LiteralPath $Path -Raw
        # {{otp_code}} and {{expiration}} are OneLogin's own SMS template variables, which
        # Send-OneLoginAuthFactorChallenge -SmsMessage takes verbatim; any other {{...}} is a platyPS placeholder.
        $placeholders = [regex]::Matches($text, '\{\{.*?\}\}|\{\{|\}\}') | ForEach-Object { $_.Value } |
            Where-Object { $_ -notin '{{otp_code}}', '{{expiration}}' }
        $placeholders | Should -BeNullOrEmpty
        $text | Should -Not -Match '\bFill in\b'
        $text | Should -Not -Match '\bFill \w+ Description\b'
    }
}

Describe 'about topics' -ForEach $aboutCases {
    It 'Get-Help <Topic> shows the topic' -ForEach @(
        @{ Topic = 'about_OneLoginMfa'; Expected = 'CONNECTIONS ARE OBJECTS' }
        @{ Topic = 'about_OneLoginMfa_Errors'; Expected = 'ERRORS FROM THE ONELOGIN API' }
    ) {
        $text = Get-Help -Name $Topic | Out-String
        $text | Should -Match "TOPIC\s+$Topic"
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match ([regex]::Escape($Expected))
    }

    It 'about_OneLoginMfa_Errors documents <ErrorId>, which the code can emit' -ForEach $errorIdCases {
        $errors = Get-Content -LiteralPath (Join-Path -Path $docsPath -ChildPath 'about_OneLoginMfa_Errors.md')
        $errors | Should -Contain "### $ErrorId"
        (Get-Help -Name about_OneLoginMfa_Errors | Out-String) | Should -Match "\b$ErrorId\b"
    }

    It 'about_OneLoginMfa_Errors documents no ErrorId the code cannot emit' {
        $emitted = @($EmittedIds)
        $emitted.Count | Should -BeGreaterThan 10
        $lines = Get-Content -LiteralPath (Join-Path -Path $docsPath -ChildPath 'about_OneLoginMfa_Errors.md')
        $section = $null
        $documented = foreach ($line in $lines) {
            if ($line -match '^##\s+(.+)$') {
                $section = $Matches[1]
            }
            elseif ($section -like 'ERRORS*' -and $line -match '^###\s+(\w+)\s*$') {
                $Matches[1]
            }
        }
        @($documented | Where-Object { $_ -notin $emitted }) | Should -BeNullOrEmpty
    }
}
