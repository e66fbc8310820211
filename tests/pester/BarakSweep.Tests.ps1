# tools/BarakSweep.ps1: Barak et al.'s sparse-parity sweep (docs/sparse-parity.md) on a slice small enough for the suite:
# its report's numbers checked against the raw result file, its charts written, and a rerun that trains nothing.
BeforeAll {
    $script:manifest = $env:PARITYNET_MANIFEST
    $script:root = Split-Path $manifest
    $script:invariant = [cultureinfo]::InvariantCulture
    $script:arguments = @{
        Bits = 20, 30; Relevant = 2, 3; Seeds = 3; MinSeedsAt50x3 = 3; Cell = @('20,4'); FineRelevant = 2; FineCheckEvery = 10
        WidthBits = 20; WidthRelevant = 2; Widths = 100, 10; Steps = 20000; ThrottleLimit = 1; ManifestPath = $manifest
        ResultPath = Join-Path $TestDrive 'slice.jsonl'; ReportPath = Join-Path $TestDrive 'slice.md'
        ChartPath = Join-Path $TestDrive 'n.png'; WidthChartPath = Join-Path $TestDrive 'width.png'
    }
    # ScottPlot's static default font, which the module's own pictures use: the script must leave it as it found it.
    Import-Module $manifest
    Add-Type -Path (Join-Path (Get-Module ParityNet).ModuleBase 'module/bin/ScottPlot.dll')
    $script:fontBefore = [ScottPlot.Fonts]::Default, [ScottPlot.Fonts]::DefaultFontStyle
    $null = & (Join-Path $root 'tools/BarakSweep.ps1') @arguments 6>$null
    $script:fontAfter = [ScottPlot.Fonts]::Default, [ScottPlot.Fonts]::DefaultFontStyle
    $script:report = Get-Content $arguments.ReportPath
    $script:runs = @(Get-Content $arguments.ResultPath | ConvertFrom-Json)

    # Hyndman & Fan type 7, written again here: h = (N - 1) p, linear between the order statistics around it.
    function Get-Type7([double[]] $sorted, [double] $p) {
        $h = ($sorted.Count - 1) * $p; $lo = [math]::Floor($h); $hi = [math]::Ceiling($h)
        $sorted[$lo] + ($h - $lo) * ($sorted[$hi] - $sorted[$lo])
    }
    function Get-Steps($n, $k, $width, $checkEvery) {
        [double[]]@($runs | Where-Object { $_.settings.Bits -eq "$n" -and $_.settings.Relevant -eq "$k" -and $_.settings.HiddenSize -eq "$width" -and
                $_.settings.CheckEvery -eq "$checkEvery" -and $_.solved } | ForEach-Object { $_.epochsRun * $checkEvery } | Sort-Object)
    }
}

Describe 'tools/BarakSweep.ps1' {
    It 'trains every point once: the n sweep, the finely checked k = 2 cells and the width sweep' {
        # (20|30) x (2|3) and (20,4) at width 1000: 15; k = 2 checked every 10 steps: 6; (20,2) at widths 100 and 10: 6.
        $runs | Should -HaveCount 27
        @($runs.key | Sort-Object -Unique) | Should -HaveCount 27
        $runs | Where-Object { $_.settings.CheckEvery -eq '10' } | Should -HaveCount 6
    }

    It 'reports each cell''s runs, solved count, median and IQR of the solved runs'' steps, type 7' {
        foreach ($cell in @(20, 2, 1000), @(20, 3, 1000), @(30, 3, 1000), @(20, 4, 1000), @(20, 2, 10)) {
            $steps = Get-Steps $cell[0] $cell[1] $cell[2] 100
            $steps.Count | Should -BeGreaterThan 0 -Because "($($cell -join ', ')) solves within 20,000 steps"
            $line = "| $($cell[0]) | $($cell[1]) | $($cell[2].ToString('N0', $invariant)) | 3 | $($steps.Count)/3 ($(($steps.Count / 3).ToString('P0', $invariant))) | " +
                "$((Get-Type7 $steps 0.5).ToString('N0', $invariant)) | $((Get-Type7 $steps 0.25).ToString('N0', $invariant))–$((Get-Type7 $steps 0.75).ToString('N0', $invariant)) | " +
                "$($steps[0].ToString('N0', $invariant))–$($steps[-1].ToString('N0', $invariant)) |*"
            @($report | Where-Object { $_ -like $line }) | Should -HaveCount 1 -Because "the row of ($($cell -join ', ')) is $line"
        }
    }

    It 'fits the exponent of n per k from the medians, and the finely checked k = 2 apart' {
        foreach ($fit in @(3, 100, '| 3 | 20, 30 | '), @(2, 10, '- k = 2, checked every 10 steps: slope ')) {
            $m20 = Get-Type7 (Get-Steps 20 $fit[0] 1000 $fit[1]) 0.5; $m30 = Get-Type7 (Get-Steps 30 $fit[0] 1000 $fit[1]) 0.5
            $slope = [math]::Log($m30 / $m20) / [math]::Log(30 / 20)   # two points: the least-squares line is the line through them
            @($report | Where-Object { $_.StartsWith($fit[2] + $slope.ToString('0.00', $invariant)) }) | Should -HaveCount 1
        }
        $report | Should -Contain 'Not fitted (one n only): (20, 4).'
    }

    It 'draws both charts as PNG at their sizes' {
        foreach ($chart in @($arguments.ChartPath, 1000, 720), @($arguments.WidthChartPath, 900, 620)) {
            $bytes = [IO.File]::ReadAllBytes($chart[0])
            [Text.Encoding]::ASCII.GetString($bytes, 1, 3) | Should -Be 'PNG'
            # IHDR: width and height, big-endian, at bytes 16 and 20.
            [Net.IPAddress]::NetworkToHostOrder([BitConverter]::ToInt32($bytes, 16)) | Should -Be $chart[1]
            [Net.IPAddress]::NetworkToHostOrder([BitConverter]::ToInt32($bytes, 20)) | Should -Be $chart[2]
        }
    }

    It 'leaves ScottPlot''s static default font as it found it, for the pictures drawn after it in the same process' {
        $fontAfter[0] | Should -Be $fontBefore[0]
        [object]::ReferenceEquals($fontAfter[1], $fontBefore[1]) | Should -BeTrue -Because 'FontStyler.Set replaces Fonts.DefaultFontStyle too'
    }

    It 'resumes from its result file: a rerun trains nothing and writes the same tables' {
        $before = Get-Content $arguments.ResultPath
        $null = & (Join-Path $root 'tools/BarakSweep.ps1') @arguments 6>$null
        Get-Content $arguments.ResultPath | Should -Be $before
        $again = Get-Content $arguments.ReportPath
        $again | Where-Object { $_ -like '- Date: *' } | Should -BeLike '*27 runs, 27 of them read back from the result file*0 trained by this one.'
        @($again | Where-Object { $_.StartsWith('|') }) | Should -Be @($report | Where-Object { $_.StartsWith('|') })
    }
}
