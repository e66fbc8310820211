# Issue 27: the README and docs/ say only what runs. Every relative link resolves (file, and heading for
# #anchors), and every ```powershell block of README.md and docs/*.md runs against the built module.
#
# A page's blocks run in order in one fresh child pwsh, as a reader types them down the page (a later block
# may use an earlier one's $net), in a temporary working folder, under a wall clock. Markers, HTML comments on
# the lines just above a block (invisible on the rendered page):
#   <!-- needs: REASON -->                 not run here; reported skipped with REASON
#   <!-- errors: ParityNet.A ParityNet.B -->  the block must write exactly these errors, in this order
#   <!-- test-replace: 'old' 'new' -->     the test runs the block with old replaced by new (a shorter run)
#   <!-- test-files: repo/path as name -->  copied into the working folder before the page runs
# Every other block must write no error at all.

BeforeDiscovery {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path

    # Blocks of one page: language, first line, code, and the markers above the fence.
    function Get-DocBlocks([string] $Path) {
        $lines = Get-Content -LiteralPath $Path
        $blocks = [System.Collections.Generic.List[object]]::new()
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^```(\S*)\s*$') { continue }
            $language = $Matches[1]; $start = $i
            $markers = [System.Collections.Generic.List[string]]::new()
            for ($j = $i - 1; $j -ge 0 -and ($lines[$j] -match '^\s*$' -or $lines[$j] -match '^<!--.*-->\s*$'); $j--) {
                if ($lines[$j] -match '^<!--\s*(.*?)\s*-->') { $markers.Insert(0, $Matches[1]) }
            }
            $code = [System.Collections.Generic.List[string]]::new()
            for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^```\s*$'; $i++) { $code.Add($lines[$i]) }
            $blocks.Add([pscustomobject]@{ Language = $language; Line = $start + 1; Code = $code -join "`n"; Markers = @($markers) })
        }
        $blocks
    }

    $pageFiles = @(Get-Item (Join-Path $repo 'README.md')) + @(Get-ChildItem (Join-Path $repo 'docs') -Filter *.md)
    # A fence without a language could hide a PowerShell block from the run below.
    $fences = foreach ($file in $pageFiles) {
        @{ Page = [IO.Path]::GetRelativePath($repo, $file.FullName) -replace '\\', '/'; Untagged = @(Get-DocBlocks $file.FullName | Where-Object Language -eq '' | ForEach-Object Line) }
    }
    $pages = foreach ($file in $pageFiles) {
        $relative = [IO.Path]::GetRelativePath($repo, $file.FullName) -replace '\\', '/'
        $index = 0
        $blocks = foreach ($block in Get-DocBlocks $file.FullName | Where-Object Language -eq 'powershell') {
            $needs = $block.Markers | Where-Object { $_ -like 'needs:*' } | ForEach-Object { $_.Substring(6).Trim() }
            $errors = @($block.Markers | Where-Object { $_ -like 'errors:*' } | ForEach-Object { -split $_.Substring(7) })
            $replace = @($block.Markers | Where-Object { $_ -like 'test-replace:*' } | ForEach-Object {
                    foreach ($m in [regex]::Matches($_, "'((?:[^']|'')*)'\s+'((?:[^']|'')*)'")) {
                        , @(($m.Groups[1].Value -replace "''", "'"), ($m.Groups[2].Value -replace "''", "'"))
                    }
                })
            $files = @($block.Markers | Where-Object { $_ -like 'test-files:*' } | ForEach-Object {
                    if ($_.Substring(11).Trim() -notmatch '^(\S+)\s+as\s+(\S+)$') { throw "$relative line $($block.Line): test-files takes 'path as name'" }
                    @{ From = Join-Path $repo $Matches[1]; To = $Matches[2] }
                })
            $code = $block.Code
            foreach ($pair in $replace) {
                if (-not $code.Contains($pair[0])) { throw "$relative line $($block.Line): test-replace '$($pair[0])' is not in the block" }
                $code = $code.Replace($pair[0], $pair[1])
            }
            @{
                Page = $relative; Index = $index++; Line = $block.Line; Code = $code; Needs = ($needs -join '; ')
                Errors = $errors; Files = $files
            }
        }
        if ($blocks) { @{ Page = $relative; Path = $file.FullName; Blocks = @($blocks) } }
    }

    # Every markdown file under README.md and docs/, its links (outside code) with their line.
    $linkFiles = @(Get-Item (Join-Path $repo 'README.md')) + @(Get-ChildItem (Join-Path $repo 'docs') -Filter *.md -Recurse)
    $links = foreach ($file in $linkFiles) {
        $relative = [IO.Path]::GetRelativePath($repo, $file.FullName) -replace '\\', '/'
        $fenced = $false; $number = 0
        foreach ($line in Get-Content -LiteralPath $file.FullName) {
            $number++
            if ($line -match '^```') { $fenced = -not $fenced; continue }
            if ($fenced) { continue }
            $text = $line -replace '`[^`]*`', ''
            foreach ($m in [regex]::Matches($text, '!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')) {
                $target = $m.Groups[1].Value
                if ($target -match '^[a-z][a-z0-9+.-]*:') { continue }   # http:, https:, mailto:: not checked offline
                @{ Page = $relative; PagePath = $file.FullName; Line = $number; Target = $target }
            }
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/helpers/Bounded.ps1"   # Get-PwshCommandLine
    $script:repo = (Resolve-Path "$PSScriptRoot/../..").Path

    # GitHub's anchors: lower case, punctuation dropped (letters, marks, digits, connectors, spaces and - kept), spaces as -,
    # a repeated heading numbered -1, -2, ...
    function Get-Anchors([string] $Path) {
        $seen = @{}; $fenced = $false
        foreach ($line in Get-Content -LiteralPath $Path) {
            if ($line -match '^```') { $fenced = -not $fenced; continue }
            if ($fenced -or $line -notmatch '^#{1,6}\s+(.*?)\s*#*\s*$') { continue }
            $slug = ($Matches[1].ToLowerInvariant() -replace '[^\p{L}\p{M}\p{N}\p{Pc}\s-]', '') -replace ' ', '-'
            if ($seen.ContainsKey($slug)) { $seen[$slug]++; "$slug-$($seen[$slug])" } else { $seen[$slug] = 0; $slug }
        }
    }

    # The child: imports the module, then dot-sources each block in turn (so a page's variables carry on),
    # writing one JSON line per block as it finishes, so that a hang still tells which block hung.
    $script:runner = @'
param($ManifestPath, $BlocksPath, $ResultPath)
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ManifestPath
foreach ($__docsBlock in (Get-Content -LiteralPath $BlocksPath -Raw | ConvertFrom-Json)) {
    $Error.Clear()
    $__docsClock = [Diagnostics.Stopwatch]::StartNew()
    "===== line $($__docsBlock.Line)"
    try { . ([scriptblock]::Create($__docsBlock.Code)) | Out-Host } catch { Write-Host "TERMINATING: $_" }
    $__docsErrors = @($Error); [array]::Reverse($__docsErrors)
    [pscustomobject]@{
        Index    = $__docsBlock.Index
        Seconds  = $__docsClock.Elapsed.TotalSeconds
        Errors   = @($__docsErrors | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { ($_.FullyQualifiedErrorId -split ',')[0] } else { $_.GetType().Name } })
        Messages = @($__docsErrors | ForEach-Object { "$_" })
    } | ConvertTo-Json -Compress -Depth 3 | Add-Content -LiteralPath $ResultPath
}
'@

    # Runs a page's runnable blocks in one child pwsh; returns the per-block results by index and the output.
    function Invoke-DocPage($Page, [int] $TimeoutSeconds) {
        $work = Join-Path $TestDrive ($Page.Page -replace '[/.]', '_')
        $null = New-Item -ItemType Directory -Path $work
        $runnable = @($Page.Blocks | Where-Object { -not $_.Needs })
        foreach ($file in $runnable | ForEach-Object { $_.Files }) { Copy-Item -LiteralPath $file.From -Destination (Join-Path $work $file.To) }
        $blocksPath = Join-Path $TestDrive "$(Split-Path $work -Leaf).blocks.json"
        $resultPath = Join-Path $TestDrive "$(Split-Path $work -Leaf).results.jsonl"
        $runnerPath = Join-Path $TestDrive 'runner.ps1'
        Set-Content -LiteralPath $runnerPath -Value $script:runner
        # A block written for the repository root imports ./ParityNet.psd1: here the built module's manifest.
        $runnable | ForEach-Object {
            @{ Index = $_.Index; Line = $_.Line; Code = ($_.Code -replace 'Import-Module \./ParityNet\.psd1', "Import-Module '$($env:PARITYNET_MANIFEST)'") }
        } | ConvertTo-Json -Depth 3 -AsArray | Set-Content -LiteralPath $blocksPath
        $pwsh = @(Get-PwshCommandLine)
        $arguments = @('--kill-after=5', "$TimeoutSeconds") + $pwsh + @('-NoProfile', '-NonInteractive', '-OutputFormat', 'Text',
            '-File', $runnerPath, $env:PARITYNET_MANIFEST, $blocksPath, $resultPath)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Push-Location $work
        try { $output = & timeout @arguments 2>&1 | Out-String } finally { Pop-Location }
        $results = @{}
        if (Test-Path $resultPath) { Get-Content $resultPath | ForEach-Object { $r = $_ | ConvertFrom-Json; $results[[int]$r.Index] = $r } }
        @{ Results = $results; Output = $output; ExitCode = $LASTEXITCODE; Seconds = $clock.Elapsed.TotalSeconds }
    }
}

Describe 'Links in README.md and docs/ resolve' {
    It '<Page> line <Line>: <Target>' -ForEach $links {
        $file, $anchor = $Target -split '#', 2
        $resolved = if ($file) { [IO.Path]::GetFullPath((Join-Path (Split-Path $PagePath) ([uri]::UnescapeDataString($file)))) } else { $PagePath }
        Test-Path -LiteralPath $resolved | Should -BeTrue -Because "$Target must name a file or folder in the repository"
        if ($anchor) {
            $resolved | Should -Match '\.md$' -Because 'an #anchor must point into a markdown page'
            Get-Anchors $resolved | Should -Contain $anchor -Because "$Target must name a heading of $(Split-Path $resolved -Leaf)"
        }
    }
}

Describe 'Every code block names its language' {
    It '<Page>' -ForEach $fences {
        $Untagged | Should -BeNullOrEmpty -Because 'a block is ```powershell (run by these tests), or says what else it is (```text for output, ```sh, ```python)'
    }
}

Describe 'The PowerShell blocks of <Page> run against the built module' -ForEach $pages {
    BeforeAll {
        # Generous for two busy cores (a load of about 6), yet a hang still ends the page.
        $script:run = if (@($Blocks | Where-Object { -not $_.Needs }).Count) { Invoke-DocPage ([pscustomobject]@{ Page = $Page; Blocks = $Blocks }) -TimeoutSeconds 600 }
        if ($run) { Write-Host ("{0}: its blocks ran in {1:0.0} s in one child pwsh" -f $Page, $run.Seconds) }
    }

    It 'block at line <Line>' -ForEach $Blocks {
        if ($Needs) { Set-ItResult -Skipped -Because "it needs $Needs"; return }
        $result = $run.Results[$Index]
        $result | Should -Not -BeNullOrEmpty -Because "the block must finish (the child ended with exit $($run.ExitCode) after $([int]$run.Seconds) s). Output:`n$($run.Output)"
        $because = "the block's errors were: $($result.Messages -join ' | ')"
        if ($Errors.Count) { @($result.Errors) -join ' ' | Should -Be ($Errors -join ' ') -Because $because }
        else { @($result.Errors).Count | Should -Be 0 -Because $because }
    }
}
