<#
.SYNOPSIS
    Compiles the markdown help in docs/help into MAML (ParityNet.Commands.dll-Help.xml).
.DESCRIPTION
    platyPS is not available here, so this reads our own small markdown form, one file per cmdlet:
      # <Cmdlet>
      ## SYNOPSIS / ## DESCRIPTION            paragraphs
      ## EXAMPLES   ### <title>, a ```powershell block, then remarks
      ## PARAMETERS ### -<Name>, paragraphs, an optional last line "Default value: <v>"
      ## INPUTS / ## OUTPUTS   ### <type name>, then a description
      ## NOTES                                paragraphs
      ## RELATED LINKS                        "- <name>" lines
    Parameter types, positions, pipeline input, aliases and parameter sets come from the built
    cmdlets themselves, so the help cannot drift from the code. It throws (and the build fails)
    when a cmdlet has no file, a file names no cmdlet, a parameter is undocumented or documented
    but absent, or a cmdlet has no synopsis, no description or fewer than two examples.
    Run it in a fresh pwsh: it imports the built module, which cannot be unloaded.
#>
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$module = Import-Module $ManifestPath -PassThru
$common = [System.Management.Automation.PSCmdlet]::CommonParameters
$problems = [System.Collections.Generic.List[string]]::new()

# Splits markdown into { Level, Title, Lines } sections.
function Split-Sections([string[]] $Lines) {
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $inCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inCode = -not $inCode }
        if (-not $inCode -and $line -match '^(#{1,3}) (.+)$') {
            $current = [pscustomobject]@{ Level = $Matches[1].Length; Title = $Matches[2].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            $sections.Add($current)
        }
        elseif ($current) { $current.Lines.Add($line) }
    }
    return $sections
}

# Paragraphs: runs of non-blank lines joined by spaces.
function Get-Paragraphs([string[]] $Lines) {
    $text = ($Lines -join "`n").Trim()
    if (-not $text) { return @() }
    return @($text -split "\n\s*\n" | ForEach-Object { ($_ -split "\n" | ForEach-Object Trim) -join ' ' })
}

function Write-Paras([System.Xml.XmlWriter] $w, [string[]] $Paragraphs) {
    if (-not $Paragraphs) { $w.WriteElementString('maml', 'para', 'http://schemas.microsoft.com/maml/2004/10', ''); return }
    foreach ($p in $Paragraphs) { $w.WriteElementString('maml', 'para', 'http://schemas.microsoft.com/maml/2004/10', $p) }
}

function Get-TypeName([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { $Type = $Type.GetGenericArguments()[0] }
    return $Type.Name
}

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$files = @(Get-ChildItem $SourcePath -Filter '*.md')
foreach ($file in $files) {
    if ($file.BaseName -notin $cmdlets.Name) { $problems.Add("$($file.Name) documents no cmdlet of the module.") }
}

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
New-Item -ItemType Directory -Force (Split-Path $OutputPath) | Out-Null
$w = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($cmd in $cmdlets) {
        $mdPath = Join-Path $SourcePath "$($cmd.Name).md"
        if (-not (Test-Path $mdPath)) { $problems.Add("$($cmd.Name) has no help file $mdPath."); continue }
        $sections = Split-Sections (Get-Content $mdPath)
        $byTitle = @{}
        $level2 = $null
        foreach ($s in $sections) {
            if ($s.Level -eq 2) { $level2 = $s.Title; $byTitle[$level2] = [pscustomobject]@{ Section = $s; Children = [System.Collections.Generic.List[object]]::new() } }
            elseif ($s.Level -eq 3 -and $level2) { $byTitle[$level2].Children.Add($s) }
        }
        $synopsis = if ($byTitle['SYNOPSIS']) { Get-Paragraphs $byTitle['SYNOPSIS'].Section.Lines } else { @() }
        $description = if ($byTitle['DESCRIPTION']) { Get-Paragraphs $byTitle['DESCRIPTION'].Section.Lines } else { @() }
        if (-not $synopsis) { $problems.Add("$($cmd.Name): no SYNOPSIS.") }
        if (-not $description) { $problems.Add("$($cmd.Name): no DESCRIPTION.") }

        # Parameters documented in markdown.
        $docs = @{}
        if ($byTitle['PARAMETERS']) {
            foreach ($p in $byTitle['PARAMETERS'].Children) {
                $name = $p.Title.TrimStart('-')
                $lines = @($p.Lines)
                $default = $null
                $last = @($lines | Where-Object { $_.Trim() }) | Select-Object -Last 1
                if ($last -match '^Default value:\s*(.+)$') { $default = $Matches[1].Trim(); $lines = @($lines | Where-Object { $_ -ne $last }) }
                $docs[$name] = [pscustomobject]@{ Paragraphs = @(Get-Paragraphs $lines); Default = $default }
            }
        }
        $parameters = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $common })
        foreach ($p in $parameters) {
            if (-not $docs.ContainsKey($p.Name) -or -not $docs[$p.Name].Paragraphs) { $problems.Add("$($cmd.Name): parameter -$($p.Name) is not documented.") }
        }
        foreach ($name in $docs.Keys) {
            if ($name -notin $parameters.Name) { $problems.Add("$($cmd.Name): documents -$name, which it does not have.") }
        }
        $examples = if ($byTitle['EXAMPLES']) { @($byTitle['EXAMPLES'].Children) } else { @() }
        if ($examples.Count -lt 2) { $problems.Add("$($cmd.Name): $($examples.Count) examples; give at least two.") }

        $w.WriteStartElement('command', 'command', $ns.command)
        $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
        $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
        $w.WriteStartElement('command', 'details', $ns.command)
        $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
        $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
        $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
        $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w $synopsis; $w.WriteEndElement()
        $w.WriteEndElement() # details
        $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w $description; $w.WriteEndElement()

        # One parameter element, as used in syntax and parameters alike.
        $writeParameter = {
            param([System.Management.Automation.ParameterMetadata] $Meta, $Attr, [bool] $InSyntax)
            $isSwitch = $Meta.SwitchParameter
            $pipeline = @()
            if ($Attr.ValueFromPipeline) { $pipeline += 'ByValue' }
            if ($Attr.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
            $w.WriteStartElement('command', 'parameter', $ns.command)
            $mandatory = if ($Attr.PSObject.Properties['IsMandatory']) { $Attr.IsMandatory } else { $Attr.Mandatory }
            $w.WriteAttributeString('required', ([bool]$mandatory).ToString().ToLowerInvariant())
            $w.WriteAttributeString('variableLength', $Meta.ParameterType.IsArray.ToString().ToLowerInvariant())
            $w.WriteAttributeString('globbing', 'false')
            $w.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
            $w.WriteAttributeString('position', $(if ($Attr.Position -ge 0) { [string]$Attr.Position } else { 'named' }))
            $w.WriteAttributeString('aliases', $(if ($Meta.Aliases.Count) { $Meta.Aliases -join ', ' } else { 'none' }))
            $w.WriteElementString('maml', 'name', $ns.maml, $Meta.Name)
            $doc = $docs[$Meta.Name]
            $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w $(if ($doc) { $doc.Paragraphs } else { @() }); $w.WriteEndElement()
            if (-not ($isSwitch -and $InSyntax)) {
                $w.WriteStartElement('command', 'parameterValue', $ns.command)
                $w.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
                $w.WriteAttributeString('variableLength', $Meta.ParameterType.IsArray.ToString().ToLowerInvariant())
                $w.WriteString((Get-TypeName $Meta.ParameterType))
                $w.WriteEndElement()
            }
            $w.WriteStartElement('dev', 'type', $ns.dev)
            $w.WriteElementString('maml', 'name', $ns.maml, (Get-TypeName $Meta.ParameterType))
            $w.WriteElementString('maml', 'uri', $ns.maml, '')
            $w.WriteEndElement()
            $w.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($doc -and $doc.Default) { $doc.Default } else { 'None' }))
            $w.WriteEndElement()
        }

        $w.WriteStartElement('command', 'syntax', $ns.command)
        foreach ($set in $cmd.ParameterSets) {
            $w.WriteStartElement('command', 'syntaxItem', $ns.command)
            $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
            foreach ($sp in ($set.Parameters | Where-Object { $_.Name -notin $common } | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { 1000 } })) {
                & $writeParameter $cmd.Parameters[$sp.Name] $sp $true
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement() # syntax

        $w.WriteStartElement('command', 'parameters', $ns.command)
        foreach ($p in $parameters) {
            $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
            & $writeParameter $p $attr $false
        }
        $w.WriteEndElement()

        foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
            $w.WriteStartElement('command', $kind[1], $ns.command)
            if ($byTitle[$kind[0]]) {
                foreach ($t in $byTitle[$kind[0]].Children) {
                    $w.WriteStartElement('command', $kind[2], $ns.command)
                    $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $t.Title); $w.WriteEndElement()
                    $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w (Get-Paragraphs $t.Lines); $w.WriteEndElement()
                    $w.WriteEndElement()
                }
            }
            $w.WriteEndElement()
        }
        if ($byTitle['NOTES']) {
            $w.WriteStartElement('maml', 'alertSet', $ns.maml)
            $w.WriteStartElement('maml', 'alert', $ns.maml); Write-Paras $w (Get-Paragraphs $byTitle['NOTES'].Section.Lines); $w.WriteEndElement()
            $w.WriteEndElement()
        }

        $w.WriteStartElement('command', 'examples', $ns.command)
        $i = 0
        foreach ($e in $examples) {
            $i++
            $lines = @($e.Lines)
            $start = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^```' })
            $end = if ($start -ge 0) { [array]::FindIndex([string[]]$lines, $start + 1, [Predicate[string]] { param($l) $l -match '^```' }) } else { -1 }
            if ($start -lt 0 -or $end -lt 0) { $problems.Add("$($cmd.Name): example '$($e.Title)' has no code block."); continue }
            $code = ($lines[($start + 1)..($end - 1)] -join "`n")
            $remarks = if ($end + 1 -lt $lines.Count) { Get-Paragraphs $lines[($end + 1)..($lines.Count - 1)] } else { @() }
            $title = $e.Title -replace '^Example \d+:\s*', ''
            $w.WriteStartElement('command', 'example', $ns.command)
            $w.WriteElementString('maml', 'title', $ns.maml, "--------- Example ${i}: $title ---------")
            $w.WriteElementString('dev', 'code', $ns.dev, $code)
            $w.WriteStartElement('dev', 'remarks', $ns.dev); Write-Paras $w $remarks; $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement() # examples

        $w.WriteStartElement('command', 'relatedLinks', $ns.command)
        if ($byTitle['RELATED LINKS']) {
            foreach ($line in $byTitle['RELATED LINKS'].Section.Lines) {
                if ($line -match '^-\s+(.+)$') {
                    $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
                    $w.WriteElementString('maml', 'linkText', $ns.maml, $Matches[1].Trim())
                    $w.WriteElementString('maml', 'uri', $ns.maml, '')
                    $w.WriteEndElement()
                }
            }
        }
        $w.WriteEndElement()
        $w.WriteEndElement() # command
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
}
finally {
    $w.Dispose()
}
if ($problems.Count) {
    Remove-Item $OutputPath -Force
    throw "Help is incomplete:`n  " + ($problems -join "`n  ")
}
Write-Host "Wrote help for $($cmdlets.Count) cmdlets to $OutputPath"
