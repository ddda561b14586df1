<#
.SYNOPSIS
Converts platyPS-schema (2.0.0) markdown into MAML external help and about_*.help.txt files.

.DESCRIPTION
A stand-in for platyPS `New-ExternalHelp`, which cannot be installed here. Like platyPS, it imports the BUILT
module and takes the syntax and parameter metadata (type, required, position, pipeline input, aliases,
parameter sets, accepted values, wildcards) from Get-Command; the prose (synopsis, description, examples,
parameter descriptions, default values, inputs, outputs, notes, links) comes from docs/<culture>/<Cmdlet>.md.
Every docs/<culture>/about_*.md becomes a plain-text about_*.help.txt.

build.ps1 runs this in a child pwsh, so the module's assemblies never load into the build process.
A missing page, or a parameter documented on one side only, is a warning here; the Pester help tests are
what enforce completeness.

.EXAMPLE
dotnet pwsh -NoProfile -File tools/Build-Help.ps1 -ModulePath out/OneLoginMfa -DocsPath docs/en-US
#>
[CmdletBinding()]
param(
    # The built module folder (the one that holds the .psd1).
    [Parameter(Mandatory)]
    [string] $ModulePath,

    # The folder of platyPS markdown for one culture.
    [Parameter(Mandatory)]
    [string] $DocsPath,

    # Where the MAML and about files go; default: <ModulePath>/<culture of DocsPath, else en-US>.
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
if ([System.Console]::IsOutputRedirected) {
    $PSStyle.OutputRendering = 'PlainText'
}

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:MSHelpNs = 'http://msdn.microsoft.com/mshelp'
$script:AboutWidth = 80

#region Markdown reading

function Split-FrontMatter {
    # Returns the YAML front matter (flat "key: value" pairs) and the remaining lines.
    param([string[]] $Lines)

    $meta = [ordered]@{}
    $start = 0
    while ($start -lt $Lines.Count -and $Lines[$start].Trim() -eq '') {
        $start++
    }
    if ($start -lt $Lines.Count -and $Lines[$start].Trim() -eq '---') {
        for ($i = $start + 1; $i -lt $Lines.Count; $i++) {
            if ($Lines[$i].Trim() -eq '---') {
                $body = if ($i + 1 -lt $Lines.Count) { $Lines[($i + 1)..($Lines.Count - 1)] } else { @() }
                return [pscustomobject]@{ Meta = $meta; Body = [string[]] $body }
            }
            if ($Lines[$i] -match '^\s*([^:#]+?)\s*:\s*(.*?)\s*$') {
                $meta[$Matches[1]] = $Matches[2].Trim('"', "'")
            }
        }
    }
    return [pscustomobject]@{ Meta = $meta; Body = [string[]] $Lines }
}

function Test-FenceLine {
    param([string] $Line)
    return $Line -match '^\s{0,3}(```|~~~)'
}

function Read-MarkdownDocument {
    # Splits a platyPS cmdlet page into its title (H1), H2 sections, and H3 subsections.
    param([string] $Path)

    $text = [System.IO.File]::ReadAllText($Path) -replace "`r`n?", "`n"
    $split = Split-FrontMatter -Lines ($text -split "`n")
    $document = [pscustomobject]@{
        Path     = $Path
        Meta     = $split.Meta
        Title    = $null
        Sections = [ordered]@{}
    }
    $section = $null
    $subsection = $null
    $inFence = $false
    foreach ($line in $split.Body) {
        if (Test-FenceLine $line) {
            $inFence = -not $inFence
        }
        elseif (-not $inFence) {
            if ($line -match '^#\s+(.+?)\s*#*\s*$') {
                $document.Title = $Matches[1]
                $section = $null
                $subsection = $null
                continue
            }
            if ($line -match '^##\s+(.+?)\s*#*\s*$') {
                $section = [pscustomobject]@{
                    Name        = $Matches[1]
                    Lines       = [System.Collections.Generic.List[string]]::new()
                    Subsections = [System.Collections.Generic.List[object]]::new()
                }
                $document.Sections[$Matches[1].ToUpperInvariant()] = $section
                $subsection = $null
                continue
            }
            if ($line -match '^###\s+(.+?)\s*#*\s*$' -and $section) {
                $subsection = [pscustomobject]@{
                    Title = $Matches[1]
                    Lines = [System.Collections.Generic.List[string]]::new()
                }
                $section.Subsections.Add($subsection)
                continue
            }
        }
        if ($subsection) {
            $subsection.Lines.Add($line)
        }
        elseif ($section) {
            $section.Lines.Add($line)
        }
    }
    return $document
}

function ConvertTo-Block {
    # Splits markdown lines into paragraphs ('text', with their lines) and fenced code blocks ('code').
    param([string[]] $Lines)

    $blocks = [System.Collections.Generic.List[object]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $fence = $null
    $fenceLanguage = ''
    foreach ($line in $Lines) {
        if ($fence) {
            if ($line -match "^\s{0,3}$([regex]::Escape($fence))\s*$") {
                $blocks.Add([pscustomobject]@{ Kind = 'code'; Language = $fenceLanguage; Lines = [string[]] $current.ToArray() })
                $current.Clear()
                $fence = $null
            }
            else {
                $current.Add($line)
            }
            continue
        }
        if ($line -match '^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)') {
            if ($current.Count) {
                $blocks.Add([pscustomobject]@{ Kind = 'text'; Language = ''; Lines = [string[]] $current.ToArray() })
                $current.Clear()
            }
            $fence = $Matches[1]
            $fenceLanguage = $Matches[2]
            continue
        }
        if ($line.Trim() -eq '') {
            if ($current.Count) {
                $blocks.Add([pscustomobject]@{ Kind = 'text'; Language = ''; Lines = [string[]] $current.ToArray() })
                $current.Clear()
            }
            continue
        }
        $current.Add($line.TrimEnd())
    }
    if ($current.Count) {
        # An unterminated fence still keeps its content.
        $kind = if ($fence) { 'code' } else { 'text' }
        $blocks.Add([pscustomobject]@{ Kind = $kind; Language = $fenceLanguage; Lines = [string[]] $current.ToArray() })
    }
    return , $blocks
}

function ConvertFrom-MarkdownInline {
    # Markdown inline syntax to readable plain text: links, emphasis and backslash escapes. Code spans are
    # kept as they are (with their backticks), as platyPS does.
    param([string] $Text)

    $parts = [regex]::Split($Text, '(`+[^`]*?`+)')
    $builder = [System.Text.StringBuilder]::new()
    foreach ($part in $parts) {
        if ($part.StartsWith('`')) {
            [void] $builder.Append($part)
            continue
        }
        $plain = $part
        # [text](url "title") -> text, or "text (url)" for an absolute URL that differs from the text.
        $plain = [regex]::Replace($plain, '!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)', {
                param($match)
                $label = $match.Groups[1].Value
                $target = $match.Groups[2].Value
                if ($target -match '^[a-z][a-z0-9+.-]*://' -and $target -ne $label) {
                    return "$label ($target)"
                }
                return $label
            })
        $plain = [regex]::Replace($plain, '<((?:https?|mailto):[^>\s]+)>', '$1')
        $plain = [regex]::Replace($plain, '(\*\*|__)(?=\S)(.+?)(?<=\S)\1', '$2')
        $plain = [regex]::Replace($plain, '(?<![\w*\\])\*(?=[^\s*])([^*]+?)(?<=[^\s*\\])\*(?![\w*])', '$1')
        $plain = [regex]::Replace($plain, '(?<![\w\\])_(?=[^\s_])([^_]+?)(?<=[^\s_\\])_(?!\w)', '$1')
        $plain = [regex]::Replace($plain, '\\([\\`*_{}\[\]()#+\-.!<>|~])', '$1')
        [void] $builder.Append($plain)
    }
    return $builder.ToString()
}

function Test-StructuredLine {
    # Lines whose line breaks carry meaning: list items, tables, indented text, block quotes.
    param([string] $Line)
    return $Line -match '^\s*([-*+]|\d+[.)])\s' -or $Line -match '^\s*\|' -or $Line -match '^( {4}|\t)' -or $Line -match '^\s*>'
}

function Format-Paragraph {
    # One paragraph block as text: prose is joined into one line (Get-Help wraps it), structured text
    # (lists, tables) keeps its line breaks.
    param([string[]] $Lines)

    $structured = @($Lines | Where-Object { Test-StructuredLine $_ }).Count -gt 0
    if ($structured) {
        $text = ($Lines | ForEach-Object { $_.TrimEnd() }) -join "`n"
    }
    else {
        $text = ($Lines | ForEach-Object { $_.Trim() }) -join ' '
    }
    return ConvertFrom-MarkdownInline $text
}

function Get-ParagraphText {
    # Markdown lines to a list of paragraph strings (code blocks kept verbatim as paragraphs).
    param([string[]] $Lines)

    $paragraphs = [System.Collections.Generic.List[string]]::new()
    foreach ($block in (ConvertTo-Block $Lines)) {
        if ($block.Kind -eq 'code') {
            $paragraphs.Add(($block.Lines -join "`n"))
        }
        else {
            $paragraphs.Add((Format-Paragraph $block.Lines))
        }
    }
    return , $paragraphs
}

function ConvertFrom-YamlBlock {
    # The flat "Key: value" lines of a platyPS parameter yaml block.
    param([string[]] $Lines)

    $values = @{}
    foreach ($line in $Lines) {
        if ($line -match '^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$') {
            $values[$Matches[1]] = $Matches[2]
        }
    }
    return $values
}

function Get-CommandDoc {
    # The parts of a cmdlet page that feed the MAML, as plain objects.
    param($Document)

    $get = {
        param($name)
        if ($Document.Sections.Contains($name)) { $Document.Sections[$name] } else { $null }
    }

    $doc = [pscustomobject]@{
        Synopsis     = ''
        Description  = [System.Collections.Generic.List[string]]::new()
        Examples     = [System.Collections.Generic.List[object]]::new()
        Parameters   = [ordered]@{}
        Inputs       = [System.Collections.Generic.List[object]]::new()
        Outputs      = [System.Collections.Generic.List[object]]::new()
        Notes        = [System.Collections.Generic.List[string]]::new()
        Links        = [System.Collections.Generic.List[object]]::new()
        OnlineUri    = [string] $Document.Meta['online version']
        HelpFileName = [string] $Document.Meta['external help file']
    }

    $section = & $get 'SYNOPSIS'
    if ($section) {
        $doc.Synopsis = (Get-ParagraphText $section.Lines) -join "`n"
    }

    $section = & $get 'DESCRIPTION'
    if ($section) {
        $doc.Description.AddRange((Get-ParagraphText $section.Lines))
        # H3 headings inside DESCRIPTION are content, not structure.
        foreach ($sub in $section.Subsections) {
            $doc.Description.Add((ConvertFrom-MarkdownInline $sub.Title).ToUpperInvariant())
            $doc.Description.AddRange((Get-ParagraphText $sub.Lines))
        }
    }

    $section = & $get 'EXAMPLES'
    if ($section) {
        foreach ($sub in $section.Subsections) {
            $code = [System.Collections.Generic.List[string]]::new()
            $remarks = [System.Collections.Generic.List[string]]::new()
            foreach ($block in (ConvertTo-Block $sub.Lines)) {
                if ($block.Kind -eq 'code') {
                    $code.Add(($block.Lines -join "`n"))
                }
                else {
                    # Text before the code (platyPS's "introduction") is shown with the remarks: Get-Help
                    # would glue an introduction onto the first line of code.
                    $remarks.Add((Format-Paragraph $block.Lines))
                }
            }
            $doc.Examples.Add([pscustomobject]@{
                    Title   = ConvertFrom-MarkdownInline $sub.Title
                    Code    = $code -join "`n`n"
                    Remarks = $remarks
                })
        }
    }

    $section = & $get 'PARAMETERS'
    if ($section) {
        foreach ($sub in $section.Subsections) {
            if ($sub.Title -notmatch '^-(\S+)') {
                continue  # CommonParameters, or anything else that is not a parameter
            }
            $name = $Matches[1]
            $description = [System.Collections.Generic.List[string]]::new()
            $yaml = $null
            foreach ($block in (ConvertTo-Block $sub.Lines)) {
                if ($block.Kind -eq 'code' -and $block.Language -eq 'yaml') {
                    if (-not $yaml) {
                        $yaml = ConvertFrom-YamlBlock $block.Lines
                    }
                }
                elseif ($block.Kind -eq 'code') {
                    $description.Add(($block.Lines -join "`n"))
                }
                else {
                    $description.Add((Format-Paragraph $block.Lines))
                }
            }
            $doc.Parameters[$name] = [pscustomobject]@{
                Name        = $name
                Description = $description
                Yaml        = if ($yaml) { $yaml } else { @{} }
            }
        }
    }

    foreach ($pair in @(@('INPUTS', $doc.Inputs), @('OUTPUTS', $doc.Outputs))) {
        $section = & $get $pair[0]
        if (-not $section) {
            continue
        }
        foreach ($sub in $section.Subsections) {
            $pair[1].Add([pscustomobject]@{
                    TypeName    = ConvertFrom-MarkdownInline $sub.Title
                    Description = Get-ParagraphText $sub.Lines
                })
        }
        if ($section.Subsections.Count -eq 0) {
            # Not the platyPS shape (### TypeName), but do not lose it: first paragraph is the type.
            $paragraphs = Get-ParagraphText $section.Lines
            if ($paragraphs.Count) {
                $pair[1].Add([pscustomobject]@{
                        TypeName    = $paragraphs[0]
                        Description = [System.Collections.Generic.List[string]] @($paragraphs | Select-Object -Skip 1)
                    })
            }
        }
    }

    $section = & $get 'NOTES'
    if ($section) {
        $doc.Notes.AddRange((Get-ParagraphText $section.Lines))
        foreach ($sub in $section.Subsections) {
            $doc.Notes.Add((ConvertFrom-MarkdownInline $sub.Title))
            $doc.Notes.AddRange((Get-ParagraphText $sub.Lines))
        }
    }

    $section = & $get 'RELATED LINKS'
    if ($section) {
        foreach ($line in $section.Lines) {
            $trimmed = $line.Trim() -replace '^[-*+]\s+', ''
            if (-not $trimmed) {
                continue
            }
            if ($trimmed -match '^\[([^\]]+)\]\(\s*<?([^)\s>]*)>?\s*\)') {
                $label = ConvertFrom-MarkdownInline $Matches[1]
                $uri = $Matches[2]
                # Relative links (other pages of these docs) are shown by name only, as Get-Help expects.
                if ($uri -notmatch '^[a-z][a-z0-9+.-]*://') {
                    $uri = ''
                }
                $doc.Links.Add([pscustomobject]@{ Text = $label; Uri = $uri })
            }
            elseif ($trimmed -match '^<?((?:https?)://[^>\s]+)>?$') {
                $doc.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[1] })
            }
            else {
                $doc.Links.Add([pscustomobject]@{ Text = ConvertFrom-MarkdownInline $trimmed; Uri = '' })
            }
        }
    }

    return $doc
}

#endregion

#region Command metadata (Get-Command)

function Get-TypeDisplayName {
    # Short type names as platyPS writes them: String, Int64[], SwitchParameter, TimeSpan (for TimeSpan?).
    param([type] $Type)

    if ($Type.IsArray) {
        return (Get-TypeDisplayName $Type.GetElementType()) + '[]'
    }
    $underlying = [System.Nullable]::GetUnderlyingType($Type)
    if ($underlying) {
        return Get-TypeDisplayName $underlying
    }
    if ($Type.IsGenericType) {
        $arguments = ($Type.GetGenericArguments() | ForEach-Object { Get-TypeDisplayName $_ }) -join ', '
        return ($Type.Name -replace '`\d+$', '') + "[$arguments]"
    }
    return $Type.Name
}

function Get-AcceptedValue {
    # ValidateSet values, else the names of an enum type (also through [] and Nullable), else the markdown's.
    param($Parameter, [hashtable] $Yaml)

    $validateSet = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($validateSet) {
        return [string[]] $validateSet.ValidValues
    }
    $type = $Parameter.ParameterType
    if ($type.IsArray) {
        $type = $type.GetElementType()
    }
    $underlying = [System.Nullable]::GetUnderlyingType($type)
    if ($underlying) {
        $type = $underlying
    }
    if ($type.IsEnum) {
        return [string[]] [System.Enum]::GetNames($type)
    }
    if ($Yaml -and $Yaml['Accepted values']) {
        return [string[]] ($Yaml['Accepted values'] -split '\s*,\s*' | Where-Object { $_ })
    }
    return @()
}

function Format-PipelineInput {
    param([bool] $ByValue, [bool] $ByPropertyName)

    $kinds = @()
    if ($ByPropertyName) {
        $kinds += 'ByPropertyName'
    }
    if ($ByValue) {
        $kinds += 'ByValue'
    }
    if ($kinds.Count -eq 0) {
        return 'False'
    }
    return "True ($($kinds -join ', '))"
}

function Format-Position {
    param([int] $Position)
    if ($Position -lt 0) {
        return 'named'
    }
    return [string] $Position
}

function Get-CommandModel {
    # Everything Get-Command knows about one command's documented parameters and parameter sets.
    param([System.Management.Automation.CommandInfo] $Command)

    $excluded = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
    foreach ($name in [System.Management.Automation.Cmdlet]::CommonParameters) {
        [void] $excluded.Add($name)
    }
    [void] $excluded.Add('UseTransaction')

    $parameters = [ordered]@{}
    foreach ($parameter in $Command.Parameters.Values) {
        if ($excluded.Contains($parameter.Name)) {
            continue
        }
        $sets = @($parameter.ParameterSets.Values)
        $first = $sets | Select-Object -First 1
        $positions = @($sets | ForEach-Object { $_.Position } | Select-Object -Unique)
        $parameters[$parameter.Name] = [pscustomobject]@{
            Name           = $parameter.Name
            Metadata       = $parameter
            TypeName       = Get-TypeDisplayName $parameter.ParameterType
            IsSwitch       = $parameter.SwitchParameter
            Required       = @($sets | Where-Object { -not $_.IsMandatory }).Count -eq 0
            Position       = if ($positions.Count -eq 1) { [int] $positions[0] } elseif ($first) { [int] $first.Position } else { [int]::MinValue }
            ByValue        = @($sets | Where-Object { $_.ValueFromPipeline }).Count -gt 0
            ByPropertyName = @($sets | Where-Object { $_.ValueFromPipelineByPropertyName }).Count -gt 0
            Wildcards      = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
            Aliases        = [string[]] @($parameter.Aliases)
        }
    }

    $syntax = [System.Collections.Generic.List[object]]::new()
    $sets = @($Command.ParameterSets | Where-Object { $_.IsDefault }) + @($Command.ParameterSets | Where-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $members = @($set.Parameters | Where-Object { -not $excluded.Contains($_.Name) })
        # PowerShell's own display order: positional by position, then mandatory, then optional named.
        $ordered = @($members | Where-Object { $_.Position -ge 0 } | Sort-Object -Property Position) +
            @($members | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
            @($members | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
        $syntax.Add([pscustomobject]@{ Name = $set.Name; Parameters = $ordered })
    }

    return [pscustomobject]@{ Parameters = $parameters; Syntax = $syntax }
}

#endregion

#region MAML writing

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)

    $written = 0
    foreach ($paragraph in $Paragraphs) {
        $Writer.WriteElementString('maml', 'para', $script:MamlNs, $paragraph)
        $written++
    }
    if ($written -eq 0) {
        $Writer.WriteStartElement('maml', 'para', $script:MamlNs)
        $Writer.WriteEndElement()
    }
}

function Write-Description {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)

    $Writer.WriteStartElement('maml', 'description', $script:MamlNs)
    Write-Para $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Write-DevType {
    param([System.Xml.XmlWriter] $Writer, [string] $TypeName)

    $Writer.WriteStartElement('dev', 'type', $script:DevNs)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $TypeName)
    $Writer.WriteStartElement('maml', 'uri', $script:MamlNs)
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

function Write-Parameter {
    # One <command:parameter>, for a syntax item (InSyntax: that set's binding) or for the parameter list.
    param(
        [System.Xml.XmlWriter] $Writer,
        $Model,
        $Doc,
        [bool] $Required,
        [int] $Position,
        [bool] $ByValue,
        [bool] $ByPropertyName,
        [switch] $InSyntax
    )

    $yaml = if ($Doc) { $Doc.Yaml } else { @{} }
    $globbing = $Model.Wildcards -or ($yaml['Accept wildcard characters'] -eq 'True')
    $aliases = if ($Model.Aliases.Count) { $Model.Aliases -join ', ' } else { 'none' }
    $default = [string] $yaml['Default value']
    if (-not $default) {
        $default = if ($Model.IsSwitch) { 'False' } else { 'None' }
    }

    $Writer.WriteStartElement('command', 'parameter', $script:CommandNs)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Format-PipelineInput -ByValue $ByValue -ByPropertyName $ByPropertyName))
    $Writer.WriteAttributeString('position', (Format-Position $Position))
    $Writer.WriteAttributeString('aliases', $aliases)

    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Model.Name)
    Write-Description $Writer $(if ($Doc) { $Doc.Description } else { @() })

    $accepted = Get-AcceptedValue -Parameter $Model.Metadata -Yaml $yaml
    if ($accepted.Count -and -not $Model.IsSwitch) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $script:CommandNs)
        foreach ($value in $accepted) {
            $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('command', 'variableLength', $script:CommandNs, 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    # A switch has no value in a syntax line ("[-PassThru]"); everywhere else the value names the type.
    if (-not ($InSyntax -and $Model.IsSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
        $Writer.WriteAttributeString('required', $(if ($Model.IsSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Model.TypeName)
        $Writer.WriteEndElement()
    }
    Write-DevType $Writer $Model.TypeName
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNs, $default)
    $Writer.WriteEndElement()
}

function Write-CommandHelp {
    param(
        [System.Xml.XmlWriter] $Writer,
        [System.Management.Automation.CommandInfo] $Command,
        $Doc
    )

    $model = Get-CommandModel $Command
    $verb, $noun = $Command.Name -split '-', 2

    $Writer.WriteStartElement('command', 'command', $script:CommandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNs)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $script:CommandNs)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNs)
    $Writer.WriteAttributeString('xmlns', 'MSHelp', $null, $script:MSHelpNs)

    $Writer.WriteStartElement('command', 'details', $script:CommandNs)
    $Writer.WriteElementString('command', 'name', $script:CommandNs, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $script:CommandNs, $verb)
    $Writer.WriteElementString('command', 'noun', $script:CommandNs, [string] $noun)
    Write-Description $Writer @($Doc.Synopsis)
    $Writer.WriteEndElement()

    Write-Description $Writer $Doc.Description

    $Writer.WriteStartElement('command', 'syntax', $script:CommandNs)
    foreach ($set in $model.Syntax) {
        $Writer.WriteStartElement('command', 'syntaxItem', $script:CommandNs)
        $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Command.Name)
        foreach ($parameter in $set.Parameters) {
            $splat = @{
                Writer         = $Writer
                Model          = $model.Parameters[$parameter.Name]
                Doc            = $Doc.Parameters[$parameter.Name]
                Required       = $parameter.IsMandatory
                Position       = $parameter.Position
                ByValue        = $parameter.ValueFromPipeline
                ByPropertyName = $parameter.ValueFromPipelineByPropertyName
                InSyntax       = $true
            }
            Write-Parameter @splat
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    # Parameter list: in the markdown's order, then anything the markdown forgot.
    $names = @($Doc.Parameters.Keys | Where-Object { $model.Parameters.Contains($_) }) +
        @($model.Parameters.Keys | Where-Object { -not $Doc.Parameters.Contains($_) })
    $Writer.WriteStartElement('command', 'parameters', $script:CommandNs)
    foreach ($name in $names) {
        $parameterModel = $model.Parameters[$name]
        $splat = @{
            Writer         = $Writer
            Model          = $parameterModel
            Doc            = $Doc.Parameters[$name]
            Required       = $parameterModel.Required
            Position       = $parameterModel.Position
            ByValue        = $parameterModel.ByValue
            ByPropertyName = $parameterModel.ByPropertyName
        }
        Write-Parameter @splat
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'inputTypes', $script:CommandNs)
    foreach ($item in $Doc.Inputs) {
        $Writer.WriteStartElement('command', 'inputType', $script:CommandNs)
        Write-DevType $Writer $item.TypeName
        Write-Description $Writer $item.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $outputs = @($Doc.Outputs)
    if ($outputs.Count -eq 0) {
        $outputs = @($Command.OutputType | ForEach-Object { [pscustomobject]@{ TypeName = $_.Name; Description = @() } })
    }
    $Writer.WriteStartElement('command', 'returnValues', $script:CommandNs)
    foreach ($item in $outputs) {
        $Writer.WriteStartElement('command', 'returnValue', $script:CommandNs)
        Write-DevType $Writer $item.TypeName
        Write-Description $Writer $item.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    if (@($Doc.Notes).Count) {
        # Without notes there is no alertSet at all: Get-Help would print an empty NOTES heading.
        $Writer.WriteStartElement('maml', 'alertSet', $script:MamlNs)
        $Writer.WriteStartElement('maml', 'alert', $script:MamlNs)
        Write-Para $Writer $Doc.Notes
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $script:CommandNs)
    foreach ($example in $Doc.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:CommandNs)
        $Writer.WriteElementString('maml', 'title', $script:MamlNs, "-------------------------- $($example.Title) --------------------------")
        $Writer.WriteElementString('dev', 'code', $script:DevNs, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $script:DevNs)
        Write-Para $Writer $example.Remarks
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $script:CommandNs)
    $links = @($Doc.Links)
    if ($Doc.OnlineUri) {
        $links = @([pscustomobject]@{ Text = 'Online Version:'; Uri = $Doc.OnlineUri }) + $links
    }
    foreach ($link in $links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $script:MamlNs)
        $Writer.WriteElementString('maml', 'linkText', $script:MamlNs, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $script:MamlNs, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

function New-EmptyDoc {
    return [pscustomobject]@{
        Synopsis     = ''
        Description  = @()
        Examples     = @()
        Parameters   = [ordered]@{}
        Inputs       = @()
        Outputs      = @()
        Notes        = @()
        Links        = @()
        OnlineUri    = ''
        HelpFileName = ''
    }
}

function Write-MamlFile {
    param([string] $Path, [object[]] $Entries)

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.NewLineChars = "`n"
    $settings.NewLineHandling = [System.Xml.NewLineHandling]::Replace
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)

    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($entry in $Entries) {
            $splat = @{
                Writer  = $writer
                Command = $entry.Command
                Doc     = $entry.Doc
            }
            Write-CommandHelp @splat
        }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Dispose()
    }
}

#endregion

#region about_ topics

function Format-Wrapped {
    # Word-wraps one paragraph at $script:AboutWidth with the given first-line and hanging indents.
    param([string] $Text, [int] $Indent, [int] $HangingIndent = $Indent)

    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ' ' * $Indent
    $lineHasWord = $false
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($lineHasWord -and $line.Length + 1 + $word.Length -gt $script:AboutWidth) {
            $lines.Add($line)
            $line = ' ' * $HangingIndent
            $lineHasWord = $false
        }
        $line = if ($lineHasWord) { "$line $word" } else { "$line$word" }
        $lineHasWord = $true
    }
    if ($lineHasWord) {
        $lines.Add($line)
    }
    return , $lines
}

function ConvertTo-AboutText {
    # A platyPS about_ markdown page to the plain text Get-Help shows: TOPIC / SHORT DESCRIPTION / ...
    # headings in capitals at the margin, body text indented by four and wrapped at 80 columns.
    param([string] $Path)

    $text = [System.IO.File]::ReadAllText($Path) -replace "`r`n?", "`n"
    $body = (Split-FrontMatter -Lines ($text -split "`n")).Body
    $output = [System.Collections.Generic.List[string]]::new()
    $addBlank = {
        if ($output.Count -and $output[$output.Count - 1] -ne '') {
            $output.Add('')
        }
    }

    $sawTopic = $false
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($paragraph.Count -eq 0) {
            return
        }
        $structured = @($paragraph | Where-Object { Test-StructuredLine $_ }).Count -gt 0
        if ($structured) {
            # Lists wrap with a hanging indent; tables and indented text keep their lines.
            $item = $null
            $items = [System.Collections.Generic.List[string]]::new()
            foreach ($line in $paragraph) {
                if ($line -match '^\s*([-*+]|\d+[.)])\s' -or $line -match '^\s*\|' -or $line -match '^( {4}|\t)') {
                    if ($null -ne $item) {
                        $items.Add($item)
                    }
                    $item = $line
                }
                else {
                    $item = "$item $($line.Trim())"
                }
            }
            $items.Add($item)
            foreach ($entry in $items) {
                $plain = ConvertFrom-MarkdownInline $entry
                if ($plain -match '^(\s*)([-*+]|\d+[.)])(\s+)(.*)$') {
                    $indent = 4 + $Matches[1].Length
                    $marker = $Matches[2] -replace '^[*+]$', '-'
                    $hanging = $indent + $marker.Length + 1
                    $wrap = @{
                        Text          = $Matches[4]
                        Indent        = $hanging
                        HangingIndent = $hanging
                    }
                    $wrapped = Format-Wrapped @wrap
                    $wrapped[0] = (' ' * $indent) + $marker + ' ' + $wrapped[0].TrimStart()
                    $output.AddRange($wrapped)
                }
                else {
                    $output.Add('    ' + $plain.TrimEnd())
                }
            }
        }
        else {
            $joined = ConvertFrom-MarkdownInline (($paragraph | ForEach-Object { $_.Trim() }) -join ' ')
            $output.AddRange((Format-Wrapped -Text $joined -Indent 4))
        }
        $paragraph.Clear()
    }

    $fence = $null
    foreach ($line in $body) {
        if ($fence) {
            if ($line -match "^\s{0,3}$([regex]::Escape($fence))\s*$") {
                $fence = $null
                & $addBlank
            }
            else {
                $output.Add(('        ' + $line).TrimEnd())
            }
            continue
        }
        if ($line -match '^\s{0,3}(`{3,}|~{3,})') {
            & $flush
            & $addBlank
            $fence = $Matches[1]
            continue
        }
        if ($line -match '^(#{1,6})\s+(.+?)\s*#*\s*$') {
            & $flush
            $level = $Matches[1].Length
            $title = ConvertFrom-MarkdownInline $Matches[2]
            & $addBlank
            if ($level -eq 1) {
                if ($title -match '^about_' -and -not $sawTopic) {
                    $output.Add('TOPIC')
                    $output.Add("    $title")
                    $sawTopic = $true
                }
                elseif ($title -ne 'TOPIC' -or -not $sawTopic) {
                    $output.Add($title.ToUpperInvariant())
                }
            }
            elseif ($level -eq 2) {
                if ($title.ToUpperInvariant() -eq 'TOPIC') {
                    $sawTopic = $true
                }
                $output.Add($title.ToUpperInvariant())
            }
            else {
                $output.Add("    $title")
            }
            continue
        }
        if ($line.Trim() -eq '') {
            & $flush
            & $addBlank
            continue
        }
        $paragraph.Add($line.TrimEnd())
    }
    & $flush
    while ($output.Count -and $output[$output.Count - 1] -eq '') {
        $output.RemoveAt($output.Count - 1)
    }
    while ($output.Count -and $output[0] -eq '') {
        $output.RemoveAt(0)
    }
    return ($output -join "`n") + "`n"
}

#endregion

#region Main

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
if (-not $OutputPath) {
    # docs/<culture> -> <module>/<culture>; a docs folder not named after a culture means en-US.
    $culture = Split-Path -Leaf $DocsPath
    if ($culture -notmatch '^[a-z]{2,3}(-[A-Za-z]{2,4})?$') {
        $culture = 'en-US'
    }
    $OutputPath = Join-Path $ModulePath $culture
}
$OutputPath = [System.IO.Path]::GetFullPath($OutputPath, (Get-Location -PSProvider FileSystem).ProviderPath)

$manifest = @(Get-ChildItem -LiteralPath $ModulePath -Filter '*.psd1' -File) | Select-Object -First 1
if (-not $manifest) {
    throw "No module manifest (*.psd1) in $ModulePath."
}
$module = Import-Module -Name $manifest.FullName -Force -PassThru -DisableNameChecking
$module = @($module)[0]

$commands = @($module.ExportedCmdlets.Values) + @($module.ExportedFunctions.Values) | Sort-Object -Property Name
$files = [ordered]@{}
$warnings = 0
foreach ($command in $commands) {
    $page = Join-Path $DocsPath "$($command.Name).md"
    if (-not (Test-Path -LiteralPath $page -PathType Leaf)) {
        Write-Warning "No help page for $($command.Name): expected $page."
        $warnings++
        continue
    }
    $document = Read-MarkdownDocument $page
    if ($document.Title -and $document.Title -ne $command.Name) {
        Write-Warning "$page has title '$($document.Title)', expected '$($command.Name)'."
        $warnings++
    }
    $doc = Get-CommandDoc $document
    $model = Get-CommandModel $command
    foreach ($name in $doc.Parameters.Keys) {
        if (-not $model.Parameters.Contains($name)) {
            Write-Warning "$($command.Name): $page documents -$name, which the command does not have."
            $warnings++
        }
    }
    foreach ($name in $model.Parameters.Keys) {
        if (-not $doc.Parameters.Contains($name)) {
            Write-Warning "$($command.Name): -$name is not documented in $page."
            $warnings++
        }
    }

    # PowerShell looks for <assembly file>-Help.xml for a cmdlet, whatever the markdown says.
    $helpFile = if ($command.HelpFile) { Split-Path -Leaf $command.HelpFile } elseif ($doc.HelpFileName) { $doc.HelpFileName } else { "$($module.Name)-help.xml" }
    if ($doc.HelpFileName -and $doc.HelpFileName -ne $helpFile) {
        Write-Warning "$page says 'external help file: $($doc.HelpFileName)'; PowerShell will look for $helpFile."
        $warnings++
    }
    if (-not $files.Contains($helpFile)) {
        $files[$helpFile] = [System.Collections.Generic.List[object]]::new()
    }
    $files[$helpFile].Add([pscustomobject]@{ Command = $command; Doc = $doc })
}

$abouts = @(Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md' -File)
if ($files.Count -or $abouts.Count) {
    New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
}
foreach ($helpFile in $files.Keys) {
    $path = Join-Path $OutputPath $helpFile
    Write-MamlFile -Path $path -Entries $files[$helpFile]
    Write-Host "Wrote $path ($($files[$helpFile].Count) commands)"
}

foreach ($about in $abouts) {
    $target = Join-Path $OutputPath ($about.BaseName + '.help.txt')
    $content = ConvertTo-AboutText $about.FullName
    [System.IO.File]::WriteAllText($target, $content, [System.Text.UTF8Encoding]::new($false))
}
if ($abouts.Count) {
    Write-Host "Wrote $($abouts.Count) about topic(s) to $OutputPath"
}
if ($commands.Count -eq 0) {
    Write-Warning "$($module.Name) exports no commands; no MAML written."
}
if ($warnings) {
    Write-Host "$warnings help warning(s)."
}

#endregion
