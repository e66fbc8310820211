<#
.SYNOPSIS
    Barak et al.'s (n, k)-sparse parity picture, made with the module's own sweep: steps to learn against n for
    k = 2, 3, 4 (and more), and the same seeds at several network widths.
.DESCRIPTION
    Trains (n, k)-sparse parity in the regime of "Hidden Progress in Deep Learning: SGD Learns Parities Near the
    Computational Limit" (Barak, Edelman, Goel, Kakade, Malach, Zhang, NeurIPS 2022, arXiv 2207.08799): one hidden
    layer of ReLU units, PyTorch's default initialization, inputs as ±1, hinge loss, plain SGD with step size 0.1 on a
    fresh batch of 32 random integers every step, a check every 100 steps on 8,192 held-out integers, and a run
    counts as converged ("solved") at the first check that gets every held-out answer right. StepsRun is that
    check's step; a run that never gets there stops at -Steps and counts as unsolved.

    Two sweeps, one result file:
      n sweep      n in -Bits × k in -Relevant, plus the -Cell extras (n,k), width -HiddenSize, seeds 1 … -Seeds
                   (at least -MinSeedsAt50x3 seeds at (50, 3); -SeedsAt sets other counts per n or per (n, k))
      width sweep  (-WidthBits, -WidthRelevant) at each of -Widths, the same seeds
    Every point is one Invoke-ParitySweep point, so -ResultPath makes the whole thing resumable: stop it, run the
    same command again, and it trains only what the file does not hold yet.

    Then, per cell (n, k, width): runs, solved fraction, the median and interquartile range (25th–75th percentile)
    of StepsRun over the solved runs, with quantiles by linear interpolation between order statistics (Hyndman &
    Fan type 7: numpy's and R's default, Excel's PERCENTILE.INC); and per k, the least-squares slope of
    ln(median steps) against ln(n) over the width -HiddenSize cells of the n sweep: steps grow as n^slope. The slope's
    95 % interval is a percentile bootstrap: each cell's solved runs resampled with replacement, 2,000 times, from a
    fixed seed.

    Writes:
      -ResultPath         the raw JSON lines, one per run (default bench/results/barak-sweep-<commit>.jsonl)
      -ReportPath         a markdown report beside it: command, machine, date, settings, tables, slopes, unsolved runs
      -ChartPath          log-log chart of median steps (IQR bars) against n, one series per k, fitted slope in the
                          legend; with the PyTorch reference runs committed in bench/results for k = 3
      -WidthChartPath     steps against width for the width sweep: every seed, and the median with its IQR
    With -DrawOnly it trains nothing and writes no report: it reads every run from -ResultPath (a copy of it, so the
    file is never touched), refuses if one is missing, and draws the two charts; tools/Pictures.ps1 remakes
    docs/sparse-parity/*.png this way from the committed results.
    The commit is the repository's HEAD when the script starts: build the module from that commit first
    (./build.ps1 Build), so that the file's name says what trained it.
.EXAMPLE
    ./tools/BarakSweep.ps1
    The full sweep of issue 28 item 4, n = 20 … 200 (585 runs; about 75 minutes on one core of this 2-core machine at
    105bc5c, 47 of them the 10 seeds of (200, 4)), its report and charts.
.EXAMPLE
    ./tools/BarakSweep.ps1 -SeedsAt '200=10', '200,4=10', '100,4=14' -ResultPath bench/results/barak-sweep-105bc5c3a193.jsonl
    The committed sweep of docs/sparse-parity.md (529 runs, 63.1 minutes of training): with its result file, it trains
    nothing and writes its report and charts again.
.EXAMPLE
    ./tools/BarakSweep.ps1 -Bits 20, 30 -Relevant 3 -Seeds 5 -Cell @() -Widths @() -ResultPath ./small.jsonl -ReportPath ./small.md -ChartPath ./small.png
    A small slice, in a minute.
.EXAMPLE
    ./tools/BarakSweep.ps1 -DrawOnly -ResultPath bench/results/barak-sweep-ab766dcf805a.jsonl -ChartPath ./n.png -WidthChartPath ./width.png
    The committed sweep's two charts again, from its result file, in seconds.
#>
[CmdletBinding()]
param(
    [int[]] $Bits = @(20, 30, 50, 100, 200),
    [int[]] $Relevant = @(2, 3, 4),
    # Extra (n, k) cells of the n sweep, as "n,k".
    [string[]] $Cell = @('30,5'),
    [ValidateRange(1, 100000)] [int] $HiddenSize = 1000,
    # Seeds 1 … Seeds in every cell.
    [ValidateRange(1, 1000)] [int] $Seeds = 25,
    # The brief's minimum at (50, 3); cells get max(Seeds, this) there.
    [ValidateRange(1, 1000)] [int] $MinSeedsAt50x3 = 25,
    # Seed counts other than -Seeds, as "n=count" (every cell at that n, the finely checked ones too) or "n,k=count"
    # (that cell; it wins over "n="). The default: 10 seeds at (200, 4) (the issue's minimum), where one run takes 4 to 7 minutes here.
    [string[]] $SeedsAt = @('200,4=10'),    # The cap: a run that has not converged after this many steps counts as unsolved.
    [ValidateRange(100, 100000000)] [int] $Steps = 200000,
    [int] $WidthBits = 40,
    [int] $WidthRelevant = 3,
    [int[]] $Widths = @(1000, 100, 10),
    # A supplement: the -FineRelevant cells of the n sweep again, checked every -FineCheckEvery steps instead of 100.
    # Checks only measure (the training stream is the same), so this reads the same runs' convergence step finer:
    # at k = 2 they converge within a few hundred steps, where 100-step checks leave two or three possible values.
    [int] $FineCheckEvery = 10,
    [int[]] $FineRelevant = @(2),
    # Local runspaces training at once; 1 leaves the other core to other work.
    [int] $ThrottleLimit = 1,
    [string] $ResultPath,
    # Train nothing, write no report: draw the charts from the runs in -ResultPath (every point must be there).
    [switch] $DrawOnly,
    [string] $ReportPath,
    [string] $ChartPath = (Join-Path $PSScriptRoot '../docs/sparse-parity/steps-vs-n.png'),
    [string] $WidthChartPath = (Join-Path $PSScriptRoot '../docs/sparse-parity/steps-vs-width.png'),
    [string] $ManifestPath = (Join-Path $PSScriptRoot '../ParityNet.psd1'),
    # The PyTorch runs drawn beside ParityNet's k = 3 series (bench/sparse_parity_torch.py output); none to leave them out.
    [string[]] $TorchReference = @(
        'sparse-torch-n20k3-f32-t1-seeds1-5.txt', 'sparse-torch-n50k3-f32-t1-seeds1-5.txt',
        'sparse-torch-n100k3-f32-t1-seeds1-2.txt', 'sparse-torch-n200k3-f32-t1-trace-seed1.txt' |
            ForEach-Object { Join-Path $PSScriptRoot "../bench/results/$_" })
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$invariant = [cultureinfo]::InvariantCulture
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$started = [datetime]::UtcNow
$loadBefore = if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3 } else { $null }

$commit = (& git -C $repo rev-parse --short=12 HEAD).Trim()
$dirty = @(& git -C $repo status --porcelain -- src ParityNet.psd1 Directory.Build.props).Count -gt 0
$srcCommit = (& git -C $repo log -1 --format=%h --abbrev=12 -- src ParityNet.psd1 Directory.Build.props).Trim()
if ($DrawOnly -and -not ($ResultPath -and (Test-Path -LiteralPath $ResultPath -PathType Leaf))) { throw "-DrawOnly draws from the runs in -ResultPath: give an existing result file ('$ResultPath' is not one)." }
if (-not $ResultPath) { $ResultPath = Join-Path $repo "bench/results/barak-sweep-$commit.jsonl" }
if (-not $ReportPath) { $ReportPath = [IO.Path]::ChangeExtension($ResultPath, '.md') }
$ResultPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ResultPath)
$ReportPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ReportPath)
foreach ($path in @(if (-not $DrawOnly) { $ResultPath, $ReportPath }) + $ChartPath, $WidthChartPath) {
    $folder = Split-Path -Parent $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($path)
    if ($folder) { $null = New-Item -ItemType Directory -Force $folder }
}

Import-Module $ManifestPath
$module = Get-Module ParityNet
# The module loads ScottPlot only when a cmdlet draws; the charts below use it directly, from the module's own copy.
Add-Type -Path (Join-Path $module.ModuleBase 'module/bin/ScottPlot.dll')

# ---- The points ---------------------------------------------------------------------------------------------------
$fixed = [ordered]@{
    Task = 'SparseParity'; Activation = 'ReLU'; Initialization = 'PyTorch'; SignedInputs = $true
    Optimizer = 'Sgd'; Alpha = 0.1; Loss = 'Hinge'; BatchSize = 32; CheckEvery = 100; HeldOutSize = 8192
    Steps = $Steps; TargetAccuracy = 1
}
$cells = [Collections.Generic.List[object]]::new()
foreach ($n in $Bits) { foreach ($k in $Relevant) { $cells.Add(@($n, $k)) } }
foreach ($c in $Cell) { $nk = $c -split ','; $cells.Add(@([int]$nk[0], [int]$nk[1])) }
$seedCounts = @{}
foreach ($entry in $SeedsAt) {
    if ($entry -notmatch '^\s*(\d+)(\s*,\s*(\d+))?\s*=\s*(\d+)\s*$' -or [int]$Matches[4] -lt 1) { throw "-SeedsAt '$entry' is not ""n=count"" or ""n,k=count"" with a count of at least 1." }
    $seedCounts[$(if ($Matches[3]) { "$([int]$Matches[1]),$([int]$Matches[3])" } else { "$([int]$Matches[1])" })] = [int]$Matches[4]
}
# Seeds 1 … this in the cell (n, k).
function Get-SeedCount([int] $n, [int] $k) {
    if ($seedCounts.ContainsKey("$n,$k")) { return $seedCounts["$n,$k"] }
    if ($seedCounts.ContainsKey("$n")) { return $seedCounts["$n"] }
    if ($n -eq 50 -and $k -eq 3) { return [math]::Max($Seeds, $MinSeedsAt50x3) }
    $Seeds
}
$points = [Collections.Generic.List[hashtable]]::new()
foreach ($nk in $cells) {
    $count = Get-SeedCount $nk[0] $nk[1]
    foreach ($seed in 1..$count) { $points.Add(@{ Bits = $nk[0]; Relevant = $nk[1]; HiddenSize = $HiddenSize; Seed = $seed }) }
}
foreach ($n in $Bits) {
    foreach ($k in $FineRelevant) {
        foreach ($seed in 1..(Get-SeedCount $n $k)) { $points.Add(@{ Bits = $n; Relevant = $k; HiddenSize = $HiddenSize; Seed = $seed; CheckEvery = $FineCheckEvery }) }
    }
}
foreach ($width in $Widths) {
    # The width-1000 cell of the width sweep is a cell of the n sweep too when n is swept there; never twice.
    foreach ($seed in 1..$Seeds) {
        $point = @{ Bits = $WidthBits; Relevant = $WidthRelevant; HiddenSize = $width; Seed = $seed }
        if (-not ($points | Where-Object { $_.Bits -eq $WidthBits -and $_.Relevant -eq $WidthRelevant -and $_.HiddenSize -eq $width -and $_.Seed -eq $seed -and -not $_.ContainsKey('CheckEvery') })) { $points.Add($point) }
    }
}

$sweepPath = $ResultPath
if ($DrawOnly) {
    # Invoke-ParitySweep's key of a point: its settings and the fixed ones, by name (ordinal), as name=value, values in
    # the invariant culture, booleans in lower case, as the result file holds them. A point not in the file would train.
    $have = [Collections.Generic.HashSet[string]]::new([string[]]@(Get-Content -LiteralPath $ResultPath | Where-Object { $_.Trim() } | ForEach-Object { ($_ | ConvertFrom-Json).key }), [StringComparer]::Ordinal)
    $missing = @(foreach ($point in $points) {
        $merged = [ordered]@{}
        foreach ($e in $fixed.GetEnumerator()) { $merged[$e.Key] = $e.Value }
        foreach ($e in $point.GetEnumerator()) { $merged[$e.Key] = $e.Value }
        $names = [string[]]@($merged.Keys); [Array]::Sort($names, [StringComparer]::Ordinal)
        $key = @(foreach ($name in $names) {
            $v = $merged[$name]; "$name=$(if ($v -is [bool]) { "$v".ToLowerInvariant() } else { [Convert]::ToString($v, $invariant) })" }) -join ';'
        if (-not $have.Contains($key)) { $key }
    })
    if ($missing) { throw "-DrawOnly trains nothing, but $($missing.Count) of the $($points.Count) runs are not in $ResultPath (the first: $($missing[0])). Give the parameters the sweep was run with." }
    $sweepPath = Join-Path ([IO.Path]::GetTempPath()) "barak-sweep-draw-$([guid]::NewGuid().ToString('N')).jsonl"
    Copy-Item -LiteralPath $ResultPath $sweepPath
}
Write-Host "BarakSweep: $($points.Count) runs at commit $commit$(if ($dirty) { ' (uncommitted changes under src)' }), results in $ResultPath$(if ($DrawOnly) { ' (drawing only)' })"
$clock = [Diagnostics.Stopwatch]::StartNew()
$results = @($points | Invoke-ParitySweep -Fixed $fixed -ResultPath $sweepPath -ThrottleLimit $ThrottleLimit | ForEach-Object {
    $s = $_.Settings
    Write-Information ('[n={0} k={1} width={2} check every {9} seed {3}] {4} at step {5}, accuracy {6}, {7} s{8}' -f $s.Bits, $s.Relevant, $s.HiddenSize, $s.Seed,
        $(if ($_.Solved) { 'solved' } else { 'not solved' }), $_.StepsRun, $_.FinalAccuracy.ToString('P2', $invariant),
        $_.WallTime.TotalSeconds.ToString('0.0', $invariant), $(if ($_.FromFile) { ' (from the file)' }), $s.CheckEvery) -Tags Run
    $_
})
$clock.Stop()
if ($DrawOnly) {
    $trained = @($results | Where-Object { -not $_.FromFile }).Count
    Remove-Item -LiteralPath $sweepPath
    if ($trained) { throw "-DrawOnly trained $trained run(s) that the key check let through: a bug in this script." }
}
$loadAfter = if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3 } else { $null }
$failed = @($results | Where-Object IsFailed)
if ($failed) { Write-Warning "$($failed.Count) run(s) failed (lost workers); they are left out of every statistic below." }

# ---- Statistics ---------------------------------------------------------------------------------------------------
# Hyndman & Fan type 7: h = (N - 1) p, then linear interpolation between the order statistics around h.
function Get-Quantile([double[]] $sorted, [double] $p) {
    if ($sorted.Count -eq 0) { return $null }
    $h = ($sorted.Count - 1) * $p
    $lo = [math]::Floor($h); $hi = [math]::Ceiling($h)
    $sorted[$lo] + ($h - $lo) * ($sorted[$hi] - $sorted[$lo])
}
# Least-squares slope of y on x.
function Get-Slope([double[]] $x, [double[]] $y) {
    $mx = ($x | Measure-Object -Average).Average; $my = ($y | Measure-Object -Average).Average
    $sxy = 0.0; $sxx = 0.0
    for ($i = 0; $i -lt $x.Count; $i++) { $sxy += ($x[$i] - $mx) * ($y[$i] - $my); $sxx += ($x[$i] - $mx) * ($x[$i] - $mx) }
    $sxy / $sxx
}

$rows = @(foreach ($group in $results | Where-Object { -not $_.IsFailed } | Group-Object { $_.Settings.Bits }, { $_.Settings.Relevant }, { $_.Settings.HiddenSize }, { $_.Settings.CheckEvery }) {
    $first = $group.Group[0].Settings
    $solved = [double[]]@($group.Group | Where-Object Solved | ForEach-Object { [double]$_.StepsRun } | Sort-Object)
    [pscustomobject]@{
        N = [int]$first.Bits; K = [int]$first.Relevant; Width = [int]$first.HiddenSize; CheckEvery = [int]$first.CheckEvery
        Runs = $group.Count; Solved = $solved.Count; SolvedSteps = $solved
        Median = Get-Quantile $solved 0.5; Q1 = Get-Quantile $solved 0.25; Q3 = Get-Quantile $solved 0.75
        Min = if ($solved.Count) { $solved[0] } else { $null }; Max = if ($solved.Count) { $solved[-1] } else { $null }
        Seeds = @($group.Group | ForEach-Object { [int]$_.Settings.Seed } | Sort-Object)
        Training = [timespan]::FromTicks(($group.Group | Measure-Object { $_.WallTime.Ticks } -Sum).Sum)
        Unsolved = @($group.Group | Where-Object { -not $_.Solved } | Sort-Object { [int]$_.Settings.Seed })
    }
})
$nRows = @($rows | Where-Object { $_.CheckEvery -eq $fixed.CheckEvery -and $_.Width -eq $HiddenSize -and "$($_.N),$($_.K)" -in ($cells | ForEach-Object { "$($_[0]),$($_[1])" }) } | Sort-Object K, N)
$fineRows = @($rows | Where-Object { $_.CheckEvery -eq $FineCheckEvery -and $FineCheckEvery -ne $fixed.CheckEvery } | Sort-Object K, N)
$widthRows = @($rows | Where-Object { $_.CheckEvery -eq $fixed.CheckEvery -and $_.N -eq $WidthBits -and $_.K -eq $WidthRelevant -and $_.Width -in $Widths } | Sort-Object { -$_.Width })

# Per k: the slope over the cells with a median, and its bootstrap interval.
function Get-Fit($cellRows) {
$random = [Random]::new(20220717)
foreach ($k in $cellRows.K | Sort-Object -Unique) {
    $fitted = @($cellRows | Where-Object { $_.K -eq $k -and $null -ne $_.Median })
    if ($fitted.Count -lt 2) { continue }
    $x = [double[]]@($fitted | ForEach-Object { [math]::Log($_.N) })
    $slope = Get-Slope $x ([double[]]@($fitted | ForEach-Object { [math]::Log($_.Median) }))
    $boot = [double[]]::new(2000)
    for ($b = 0; $b -lt $boot.Count; $b++) {
        $y = [double[]]@(foreach ($row in $fitted) {
            $s = $row.SolvedSteps
            $draw = [double[]]@(for ($i = 0; $i -lt $s.Count; $i++) { $s[$random.Next($s.Count)] })
            [Array]::Sort($draw)
            [math]::Log((Get-Quantile $draw 0.5))
        })
        $boot[$b] = Get-Slope $x $y
    }
    [Array]::Sort($boot)
    $intercept = ((@($fitted | ForEach-Object { [math]::Log($_.Median) }) | Measure-Object -Average).Average) - $slope * (($x | Measure-Object -Average).Average)
    [pscustomobject]@{
        K = $k; Slope = $slope; Low = Get-Quantile $boot 0.025; High = Get-Quantile $boot 0.975; Intercept = $intercept
        Ns = @($fitted.N); AllSolved = -not ($fitted | Where-Object { $_.Solved -lt $_.Runs })
    }
}
}
$fits = @(Get-Fit $nRows)
$fineFits = @(if ($fineRows) { Get-Fit $fineRows })

# The PyTorch reference runs (bench/sparse_parity_torch.py, same regime) for k = 3, as committed.
$torch = @(foreach ($file in $TorchReference) {
    if (-not (Test-Path $file)) { Write-Warning "No PyTorch reference file $file; left out."; continue }
    foreach ($line in Get-Content $file) {
        if (-not $line.StartsWith('{')) { continue }
        $record = $line | ConvertFrom-Json
        if ($record.type -eq 'result' -and -not $record.random_labels) {
            [pscustomobject]@{ N = [int]$record.n; K = [int]$record.k; Seed = [int]$record.seed; Converged = [bool]$record.converged; Steps = [double]$record.steps; File = Split-Path -Leaf $file }
        }
    }
})
$torchRows = @(@(foreach ($g in $torch | Group-Object N, K) {
    $s = [double[]]@($g.Group | Where-Object Converged | ForEach-Object Steps | Sort-Object)
    [pscustomobject]@{ N = $g.Group[0].N; K = $g.Group[0].K; Runs = $g.Count; Solved = $s.Count; Median = Get-Quantile $s 0.5; Steps = $s; Files = @($g.Group.File | Sort-Object -Unique) }
}) | Sort-Object N)

# ---- Charts -------------------------------------------------------------------------------------------------------
$log = { param($v) [math]::Log10($v) }
function Format-Steps([double] $v) { $v.ToString('N0', $invariant) }
# Major ticks at 1, 2 and 5 per decade (labelled), minor ticks at the other integers, between low and high.
function Set-LogTicks($axis, [double] $low, [double] $high, [scriptblock] $format, [double[]] $majors = @()) {
    $ticks = [ScottPlot.TickGenerators.NumericManual]::new()
    $labelled = [Collections.Generic.HashSet[double]]::new()
    for ($decade = [math]::Floor([math]::Log10($low)); $decade -le [math]::Ceiling([math]::Log10($high)); $decade++) {
        foreach ($m in 1..9) {
            $v = $m * [math]::Pow(10, $decade)
            if ($v -lt $low * 0.999 -or $v -gt $high * 1.001) { continue }
            if (($majors.Count -eq 0 -and $m -in 1, 2, 5) -or $v -in $majors) { $ticks.AddMajor([math]::Log10($v), (& $format $v)); $null = $labelled.Add($v) }
            else { $ticks.AddMinor([math]::Log10($v)) }
        }
    }
    foreach ($v in $majors) { if (-not $labelled.Contains($v) -and $v -ge $low -and $v -le $high) { $ticks.AddMajor([math]::Log10($v), (& $format $v)) } }
    $axis.TickGenerator = $ticks
}
function New-Chart([string] $title, [string] $xLabel, [string] $yLabel) {
    $plot = [ScottPlot.Plot]::new()
    $null = $plot.Font.Set('DejaVu Sans') # a sans-serif face where the system has it; ScottPlot falls back otherwise
    $plot.Title($title)
    $plot.Axes.Title.Label.FontSize = 17
    $plot.XLabel($xLabel); $plot.YLabel($yLabel)
    $plot.Axes.Bottom.Label.FontSize = 15; $plot.Axes.Left.Label.FontSize = 15
    $plot.Axes.Bottom.TickLabelStyle.FontSize = 13; $plot.Axes.Left.TickLabelStyle.FontSize = 13
    $plot.Grid.MajorLineColor = [ScottPlot.Colors]::Black.WithAlpha(0.12)
    $plot.Grid.MinorLineColor = [ScottPlot.Colors]::Black.WithAlpha(0.05)
    $plot.Grid.MinorLineWidth = 1
    $plot
}
$palette = [ScottPlot.Palettes.Category10]::new()

# FontStyler.Set (in New-Chart) sets ScottPlot's static default font too, which every plot made later in this process
# would inherit (the module's own pictures among them, when this script runs in a session that draws): put it back.
$fontsBefore = @{ Default = [ScottPlot.Fonts]::Default; DefaultFontStyle = [ScottPlot.Fonts]::DefaultFontStyle }
try {
    # Steps against n.
    $plot = New-Chart "(n, k)-sparse parity, $($HiddenSize.ToString('N0', $invariant)) hidden ReLU units: SGD steps until every held-out answer is right" 'n, the input''s width in bits (log scale)' 'SGD steps to converge (batches of 32; log scale)'
    $allY = [Collections.Generic.List[double]]::new()
    $nMax = ($nRows.N + $torchRows.N | Measure-Object -Maximum).Maximum
    $nMin = ($nRows.N | Measure-Object -Minimum).Minimum
    $kIndex = 0
    $ks = @($nRows.K | Sort-Object -Unique)
    foreach ($k in $ks) {
        $color = $palette.GetColor($kIndex)
        # Each k's points nudged sideways (in log10 n) so that equal medians at one n do not hide each other.
        $nudge = 0.012 * ($kIndex++ - ($ks.Count - 1) / 2)
        $series = @($nRows | Where-Object { $_.K -eq $k -and $null -ne $_.Median })
        if (-not $series) { continue }
        $xs = [double[]]@($series | ForEach-Object { [math]::Log10($_.N) + $nudge })
        $ys = [double[]]@($series | ForEach-Object { [math]::Log10($_.Median) })
        $bars = $plot.Add.ErrorBar($xs, $ys, [double[]]::new($xs.Count))
        $bars.YErrorPositive = [double[]]@($series | ForEach-Object { [math]::Log10($_.Q3) - [math]::Log10($_.Median) })
        $bars.YErrorNegative = [double[]]@($series | ForEach-Object { [math]::Log10($_.Median) - [math]::Log10($_.Q1) })
        $bars.Color = $color; $bars.LineWidth = 2; $bars.CapSize = 8
        $marks = $plot.Add.Markers($xs, $ys, [ScottPlot.MarkerShape]::FilledCircle, 10, $color)
        $fit = $fits | Where-Object K -eq $k
        if ($fit) {
            $x0 = [math]::Log10(($fit.Ns | Measure-Object -Minimum).Minimum); $x1 = [math]::Log10(($fit.Ns | Measure-Object -Maximum).Maximum)
            # The fit is in natural logs; ln y = a + b ln n, so log10 y = a / ln 10 + b log10 n.
            $line = $plot.Add.Line($x0, ($fit.Intercept / [math]::Log(10) + $fit.Slope * $x0), $x1, ($fit.Intercept / [math]::Log(10) + $fit.Slope * $x1))
            $line.Color = $color; $line.LineWidth = 1.5; $line.LinePattern = [ScottPlot.LinePattern]::Dashed
            $marks.LegendText = "k = ${k}: median and IQR; fit steps ∝ n^$($fit.Slope.ToString('0.00', $invariant))"
        }
        else { $marks.LegendText = "k = ${k}: median and IQR (n = $($series.N -join ', ') only)" }
        foreach ($row in $series) { $allY.Add($row.Q1); $allY.Add($row.Q3) }
    # A median over fewer runs than the cell's: say so beside the point (to its left at the largest n, inside the axes).
    foreach ($row in @($series | Where-Object { $_.Solved -lt $_.Runs })) {
        $left = $row.N -eq $nMax
        $label = $plot.Add.Text("$($row.Solved) of $($row.Runs) converged", [math]::Log10($row.N) + $nudge + $(if ($left) { -0.015 } else { 0.015 }), [math]::Log10($row.Median))
        $label.LabelFontSize = 12; $label.LabelFontColor = $color
        $label.LabelAlignment = if ($left) { [ScottPlot.Alignment]::MiddleRight } else { [ScottPlot.Alignment]::MiddleLeft }
    }
        $fine = @($fineRows | Where-Object { $_.K -eq $k -and $null -ne $_.Median })
        $fineFit = $fineFits | Where-Object K -eq $k
        if ($fine) {
            $fx = [double[]]@($fine | ForEach-Object { [math]::Log10($_.N) + $nudge }); $fy = [double[]]@($fine | ForEach-Object { [math]::Log10($_.Median) })
            $fineMarks = $plot.Add.Markers($fx, $fy, [ScottPlot.MarkerShape]::OpenCircle, 11, $color)
            $fineMarks.LegendText = "k = ${k}, checked every $FineCheckEvery steps: median$(if ($fineFit) { '; fit steps ∝ n^' + $fineFit.Slope.ToString('0.00', $invariant) })"
            if ($fineFit) {
                $x0 = [math]::Log10(($fineFit.Ns | Measure-Object -Minimum).Minimum); $x1 = [math]::Log10(($fineFit.Ns | Measure-Object -Maximum).Maximum)
                $line = $plot.Add.Line($x0, ($fineFit.Intercept / [math]::Log(10) + $fineFit.Slope * $x0), $x1, ($fineFit.Intercept / [math]::Log(10) + $fineFit.Slope * $x1))
                $line.Color = $color; $line.LineWidth = 1; $line.LinePattern = [ScottPlot.LinePattern]::Dotted
            }
            foreach ($row in $fine) { $allY.Add($row.Median) }
        }
    }
    if ($torchRows) {
        $tx = [double[]]@($torchRows | ForEach-Object { [math]::Log10($_.N) })
        $ty = [double[]]@($torchRows | ForEach-Object { [math]::Log10($_.Median) })
        $ref = $plot.Add.ScatterLine($tx, $ty, [ScottPlot.Colors]::Black)
        $ref.LinePattern = [ScottPlot.LinePattern]::Dotted; $ref.LineWidth = 1
        $refMarks = $plot.Add.Markers($tx, $ty, [ScottPlot.MarkerShape]::OpenSquare, 9, [ScottPlot.Colors]::Black)
        $refMarks.LegendText = "k = 3, PyTorch reference run (median of $(($torchRows.Runs | Measure-Object -Minimum).Minimum)–$(($torchRows.Runs | Measure-Object -Maximum).Maximum) seeds)"
        foreach ($row in $torchRows) { $allY.Add($row.Median) }
    }
    $yLow = [math]::Pow(10, [math]::Floor([math]::Log10(($allY | Measure-Object -Minimum).Minimum * 0.8) * 4) / 4)
    $yHigh = [math]::Pow(10, [math]::Ceiling([math]::Log10(($allY | Measure-Object -Maximum).Maximum * 1.25) * 4) / 4)
    Set-LogTicks $plot.Axes.Left $yLow $yHigh ${function:Format-Steps}
    Set-LogTicks $plot.Axes.Bottom ($nMin * 0.9) ($nMax * 1.1) { param($v) $v.ToString('0', $invariant) } @(20, 30, 40, 50, 100, 200)
    $plot.Axes.SetLimitsX([math]::Log10($nMin * 0.9), [math]::Log10($nMax * 1.15))
    $plot.Axes.SetLimitsY([math]::Log10($yLow), [math]::Log10($yHigh))
    $plot.Legend.FontSize = 13
    $plot.ShowLegend([ScottPlot.Edge]::Bottom) | Out-Null
    $plot.SavePng($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ChartPath), 1000, 720) | Out-Null

    # Steps against width.
    if ($widthRows) {
        $plot = New-Chart "($WidthBits, $WidthRelevant)-sparse parity: steps to converge against network width" 'hidden ReLU units, the network''s width (log scale)' 'SGD steps to converge (batches of 32; log scale)'
        $wY = [Collections.Generic.List[double]]::new()
        $seedMarks = $null; $capMarks = $null
        foreach ($row in $widthRows) {
            # Each seed: a small dot, spread sideways by seed so equal steps stay visible.
            $runs = @($results | Where-Object { -not $_.IsFailed -and [int]$_.Settings.Bits -eq $row.N -and [int]$_.Settings.Relevant -eq $row.K -and [int]$_.Settings.HiddenSize -eq $row.Width })
            $spread = { param($seed) [math]::Log10($row.Width) + 0.12 * (($seed - 1) / [math]::Max(1, $Seeds - 1) - 0.5) }
            $solvedRuns = @($runs | Where-Object Solved)
            if ($solvedRuns) {
                $m = $plot.Add.Markers([double[]]@($solvedRuns | ForEach-Object { & $spread ([int]$_.Settings.Seed) }), [double[]]@($solvedRuns | ForEach-Object { [math]::Log10($_.StepsRun) }),
                    [ScottPlot.MarkerShape]::FilledCircle, 5, [ScottPlot.Colors]::SteelBlue.WithAlpha(0.55))
                if (-not $seedMarks) { $seedMarks = $m; $m.LegendText = "one converged seed ($Seeds seeds a width, spread sideways by seed)" }
                foreach ($r in $solvedRuns) { $wY.Add($r.StepsRun) }
            }
            $capped = @($runs | Where-Object { -not $_.Solved })
            if ($capped) {
                $m = $plot.Add.Markers([double[]]@($capped | ForEach-Object { & $spread ([int]$_.Settings.Seed) }), [double[]]@($capped | ForEach-Object { [math]::Log10($Steps) }),
                    [ScottPlot.MarkerShape]::Eks, 8, [ScottPlot.Colors]::Crimson)
                if (-not $capMarks) { $capMarks = $m; $m.LegendText = "not converged by the cap ($($Steps.ToString('N0', $invariant)) steps)" }
                $wY.Add($Steps)
            }
        }
        $med = @($widthRows | Where-Object { $null -ne $_.Median })
        if ($med) {
            $xs = [double[]]@($med | ForEach-Object { [math]::Log10($_.Width) }); $ys = [double[]]@($med | ForEach-Object { [math]::Log10($_.Median) })
            $bars = $plot.Add.ErrorBar($xs, $ys, [double[]]::new($xs.Count))
            $bars.YErrorPositive = [double[]]@($med | ForEach-Object { [math]::Log10($_.Q3) - [math]::Log10($_.Median) })
            $bars.YErrorNegative = [double[]]@($med | ForEach-Object { [math]::Log10($_.Median) - [math]::Log10($_.Q1) })
            $bars.Color = [ScottPlot.Colors]::Black; $bars.LineWidth = 2; $bars.CapSize = 14
            $m = $plot.Add.Markers($xs, $ys, [ScottPlot.MarkerShape]::FilledDiamond, 13, [ScottPlot.Colors]::Black)
            $m.LegendText = 'median of the converged seeds, with IQR'
        }
        $wLow = [math]::Pow(10, [math]::Floor([math]::Log10(($wY | Measure-Object -Minimum).Minimum * 0.8) * 4) / 4)
        $wHigh = [math]::Pow(10, [math]::Ceiling([math]::Log10(($wY | Measure-Object -Maximum).Maximum * 1.3) * 4) / 4)
        Set-LogTicks $plot.Axes.Left $wLow $wHigh ${function:Format-Steps}
        $wMin = ($Widths | Measure-Object -Minimum).Minimum; $wMax = ($Widths | Measure-Object -Maximum).Maximum
        Set-LogTicks $plot.Axes.Bottom ($wMin * 0.6) ($wMax * 1.6) { param($v) $v.ToString('N0', $invariant) } ([double[]]$Widths)
        $plot.Axes.SetLimitsX([math]::Log10($wMin * 0.6), [math]::Log10($wMax * 1.6))
        $plot.Axes.SetLimitsY([math]::Log10($wLow), [math]::Log10($wHigh))
        $plot.Legend.FontSize = 13
        $plot.ShowLegend([ScottPlot.Edge]::Bottom) | Out-Null
        $plot.SavePng($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($WidthChartPath), 900, 620) | Out-Null
    }
}
finally {
    [ScottPlot.Fonts]::Default = $fontsBefore.Default
    [ScottPlot.Fonts]::DefaultFontStyle = $fontsBefore.DefaultFontStyle
}

if ($DrawOnly) {
    Write-Host "Charts: $ChartPath, $WidthChartPath (from $($results.Count) runs in $ResultPath)"
    return
}

# ---- The report ---------------------------------------------------------------------------------------------------
function Format-Number($v) { if ($null -eq $v) { '—' } else { ([double]$v).ToString('N0', $invariant) } }
function Format-Row($row) {
    $iqr = if ($null -eq $row.Q1) { '—' } else { "$(Format-Number $row.Q1)–$(Format-Number $row.Q3)" }
    $range = if ($null -eq $row.Min) { '—' } else { "$(Format-Number $row.Min)–$(Format-Number $row.Max)" }
    "| $($row.N) | $($row.K) | $($row.Width.ToString('N0', $invariant)) | $($row.Runs) | $($row.Solved)/$($row.Runs) ($(($row.Solved / $row.Runs).ToString('P0', $invariant))) | $(Format-Number $row.Median) | $iqr | $range | $($row.Training.TotalSeconds.ToString('0', $invariant)) s |"
}
$cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^[^:]*:\s*', '') } else { $env:PROCESSOR_IDENTIFIER }
$nproc = try { (& nproc).Trim() } catch { [Environment]::ProcessorCount }
$relative = { param($p) [IO.Path]::GetRelativePath($repo, $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)).Replace('\', '/') }
$fromFile = @($results | Where-Object FromFile).Count
$trainingTotal = [timespan]::FromTicks(($results | Measure-Object { $_.WallTime.Ticks } -Sum).Sum)
$command = './tools/BarakSweep.ps1' + (@(foreach ($p in $PSBoundParameters.GetEnumerator()) {
    $value = if ($p.Value -is [array]) { ($p.Value | ForEach-Object { "'$_'" }) -join ', ' } else { "'$($p.Value)'" }
    " -$($p.Key) $value"
}) -join '')
$settingText = ($fixed.GetEnumerator() | ForEach-Object { "$($_.Key) = $(if ($_.Value -is [bool]) { '$' + "$($_.Value)".ToLowerInvariant() } elseif ($_.Value -is [string]) { "'$($_.Value)'" } else { $_.Value.ToString($invariant) })" }) -join '; '

$report = [Collections.Generic.List[string]]::new()
$report.Add("# (n, k)-sparse parity through ParityNet: Barak et al.'s sweep")
$report.Add('')
$report.Add("Made by ``$command`` (from the repository root, after ``dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 Build``).")
$report.Add('')
$report.Add("- Module: ParityNet $($module.Version), as built in this working tree (``./build.ps1 Build``); HEAD $commit when this report was written$(if ($dirty) { ', **with uncommitted changes under src/**' }); the module's sources (src/, ParityNet.psd1, Directory.Build.props) last changed in commit ${srcCommit}, so every commit since builds the same module. The result file's name carries HEAD at the sweep's first run. PowerShell $($PSVersionTable.PSVersion), .NET $([Environment]::Version), $([Runtime.InteropServices.RuntimeInformation]::OSDescription).")
$report.Add("- Machine: $cpu, ``nproc`` $nproc; sweep on $ThrottleLimit local runspace(s). Load average (1, 5, 15 min) $($loadBefore -join ' ') at the start of this invocation and $($loadAfter -join ' ') at its end: the machine is shared with other work, so the times below are those of a busy machine; the steps do not depend on it.")
$finished = @($results | ForEach-Object { $_.Finished.ToUniversalTime() } | Sort-Object)
$report.Add("- Date: the runs finished between $($finished[0].ToString('yyyy-MM-dd HH:mm', $invariant)) and $($finished[-1].ToString('yyyy-MM-dd HH:mm', $invariant)) UTC; this invocation started at $($started.ToString('yyyy-MM-dd HH:mm', $invariant)) UTC and wrote this report at $([datetime]::UtcNow.ToString('yyyy-MM-dd HH:mm', $invariant)) UTC. $($results.Count) runs, $fromFile of them read back from the result file (trained by an earlier invocation of the same command), $($results.Count - $fromFile) trained by this one.")
$report.Add("- Time: $($trainingTotal.TotalMinutes.ToString('0.0', $invariant)) min of training summed over all $($results.Count) runs (each run's own wall time); this invocation took $($clock.Elapsed.TotalMinutes.ToString('0.0', $invariant)) min.")
$report.Add("- Raw results: ``$(& $relative $ResultPath)``, one JSON line per run (Invoke-ParitySweep's format: settings, epochs run, where an epoch is one check interval of CheckEvery steps, stop reason, final held-out loss and accuracy, wall time).")
$report.Add('')
$report.Add('## Settings')
$report.Add('')
$report.Add("Every run: ``New-ParityNetwork @point @fixed | Invoke-NetworkTraining @point @fixed`` (Invoke-ParitySweep), with")
$report.Add('')
$report.Add("    `$fixed = @{ $settingText }")
$report.Add('')
$report.Add("- n sweep: Bits (n) ∈ {$($Bits -join ', ')} × Relevant (k) ∈ {$($Relevant -join ', ')}$(if ($Cell) { ', plus (n, k) = ' + (($Cell | ForEach-Object { "($_)" }) -join ', ') }); HiddenSize $HiddenSize; Seed 1 … $Seeds$(
    $other = @(foreach ($nk in $cells) { $c = Get-SeedCount $nk[0] $nk[1]; if ($c -ne $Seeds) { "1 … $c at ($($nk[0]), $($nk[1]))" } })
    if ($other) { ' (' + ($other -join '; ') + ')' }); the finely checked cells below have the same seeds as their cells.")
if ($Widths) { $report.Add("- Width sweep: (n, k) = ($WidthBits, $WidthRelevant), HiddenSize ∈ {$($Widths -join ', ')}, Seed 1 … $Seeds (the same seeds, hence the same support bits and the same stream of training integers, at every width; the initial weights differ, since the shapes do).") }
$report.Add("- Seed is New-ParityNetwork's: it draws the initial weights, the k support bits (from a stream of their own), and, as the training seed too, the training batches and the held-out set.")
$report.Add("- A run has converged (""solved"") at the first check, every $($fixed.CheckEvery) steps, at which all $($fixed.HeldOutSize.ToString('N0', $invariant)) held-out integers are classified right; StepsRun is that check's step. A run that has not converged after $($Steps.ToString('N0', $invariant)) steps stops there and counts as unsolved.")
$report.Add('- Median and IQR are over the solved runs only; quantiles by linear interpolation between order statistics (Hyndman & Fan type 7, numpy''s and R''s default): with the N sorted steps x[0] … x[N-1], the p-quantile is x[h] interpolated at h = (N − 1) p.')
$report.Add('')
$report.Add('## Steps against n')
$report.Add('')
$report.Add('| n | k | width | runs | solved | median steps | IQR (25th–75th) | range | training time |')
$report.Add('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
foreach ($row in $nRows) { $report.Add((Format-Row $row)) }
$report.Add('')
$report.Add('Fitted exponent per k: the least-squares slope of ln(median steps) against ln(n), so that median steps ≈ C · n^slope; the interval is a 95 % percentile bootstrap (each cell''s solved runs resampled with replacement, 2,000 times).')
$report.Add('')
$report.Add('| k | n fitted | slope (exponent of n) | 95 % bootstrap interval | every run solved |')
$report.Add('|---:|---|---:|---:|---|')
foreach ($fit in $fits) {
    $report.Add("| $($fit.K) | $($fit.Ns -join ', ') | $($fit.Slope.ToString('0.00', $invariant)) | $($fit.Low.ToString('0.00', $invariant))–$($fit.High.ToString('0.00', $invariant)) | $(if ($fit.AllSolved) { 'yes' } else { 'no: the median is over the solved runs' }) |")
}
if ($fineRows) {
    $report.Add('')
    $report.Add("### Supplement: the k = $($FineRelevant -join ', ') runs checked every $FineCheckEvery steps")
    $report.Add('')
    $report.Add("The same runs (same seeds, same training stream: a check only measures) with a check every $FineCheckEvery steps instead of $($fixed.CheckEvery), so that the convergence step is read to $FineCheckEvery steps rather than $($fixed.CheckEvery). A check every $($fixed.CheckEvery) steps rounds each run's convergence step up to the next multiple of $($fixed.CheckEvery), which at a few hundred steps is most of the difference between one n and the next.")
    $report.Add('')
    $report.Add('| n | k | width | runs | solved | median steps | IQR (25th–75th) | range | training time |')
    $report.Add('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    foreach ($row in $fineRows) { $report.Add((Format-Row $row)) }
    $report.Add('')
    foreach ($fit in $fineFits) {
        $report.Add("- k = $($fit.K), checked every $FineCheckEvery steps: slope $($fit.Slope.ToString('0.00', $invariant)) over n = $($fit.Ns -join ', ') (95 % bootstrap interval $($fit.Low.ToString('0.00', $invariant))–$($fit.High.ToString('0.00', $invariant)))$(if (-not $fit.AllSolved) { '; not every run solved' }).")
    }
}
$single = @($nRows | Where-Object { $k = $_.K; -not ($fits | Where-Object K -eq $k) })
if ($single) { $report.Add(''); $report.Add("Not fitted (one n only): $(($single | ForEach-Object { "($($_.N), $($_.K))" }) -join ', ').") }
if ($torchRows) {
    $report.Add('')
    $report.Add('PyTorch reference runs of the same regime (bench/sparse_parity_torch.py, float32, one thread), as committed in bench/results and drawn in the chart:')
    $report.Add('')
    $report.Add('| n | k | runs | converged | median steps | steps | file |')
    $report.Add('|---:|---:|---:|---:|---:|---|---|')
    foreach ($row in $torchRows) { $report.Add("| $($row.N) | $($row.K) | $($row.Runs) | $($row.Solved) | $(Format-Number $row.Median) | $(($row.Steps | ForEach-Object { Format-Number $_ }) -join ', ') | $($row.Files -join ', ') |") }
}
if ($widthRows) {
    $report.Add('')
    $report.Add("## Steps against width, ($WidthBits, $WidthRelevant)")
    $report.Add('')
    $report.Add('| n | k | width | runs | solved | median steps | IQR (25th–75th) | range | training time |')
    $report.Add('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    foreach ($row in $widthRows) { $report.Add((Format-Row $row)) }
}
$unsolved = @($rows | Where-Object { $_.Unsolved.Count })
$report.Add('')
$report.Add('## Unsolved runs')
$report.Add('')
if (-not $unsolved) { $report.Add("None: every run converged before $($Steps.ToString('N0', $invariant)) steps.") }
foreach ($row in $unsolved) {
    $report.Add("- (n, k, width) = ($($row.N), $($row.K), $($row.Width)): " + (($row.Unsolved | ForEach-Object { "seed $($_.Settings.Seed), $($_.StopReason) at step $($_.StepsRun), held-out accuracy $($_.FinalAccuracy.ToString('P2', $invariant))" }) -join '; '))
}
$report.Add('')
$report.Add('## Pictures')
$report.Add('')
$report.Add("- ``$(& $relative $ChartPath)``: median steps with IQR bars against n, log-log, one series per k, each with its fitted line (dashed) and slope in the legend; the PyTorch reference for k = 3 as open squares.")
if ($widthRows) { $report.Add("- ``$(& $relative $WidthChartPath)``: steps against width at ($WidthBits, $WidthRelevant), every seed and the median with its IQR.") }
[IO.File]::WriteAllLines($ReportPath, $report)
Write-Host "Report: $ReportPath; charts: $ChartPath, $WidthChartPath"
$report | Select-Object -Skip 10 | Write-Host
