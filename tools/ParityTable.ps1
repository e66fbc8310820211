<#
.SYNOPSIS
    The N-bit parity table of docs/parity-table.md, made with the module's own sweep (Invoke-ParitySweep).
.DESCRIPTION
    Trains N-bit parity (Task BitParity) for N = MinBits … MaxBits on seeds FirstSeed … FirstSeed + Seeds − 1
    with the two recipes of the README, and prints the table: solved seeds (100% accuracy on all 2^N inputs),
    and the median and range of the epochs the solved seeds took.
      lesson  N sigmoid hidden units, uniform weights, biases, squared error, full-batch gradient descent with
              alpha 2^N (the lesson's summed update), at most 100 000 epochs; to N = LessonMaxBits
      best    128 ReLU units, He initialization, biases, cross-entropy, full-batch Adam with alpha 0.01, at most
              20 000 epochs
    Every point is one Invoke-ParitySweep point, so the sweep's workers (local runspaces, -Session hosts) run
    them and -ResultPath makes the table resumable: stop it, run it again, and it goes on.

    Beside each row, the ~4^N trend of Tesauro & Janssens (1988), anchored at the recipe's first median; after
    the table, each recipe's measured growth per bit (the least-squares slope of log median epochs over the rows
    where every seed solved, at least three) and the unsolved seeds with their final accuracy and stop reason.
    Each seed's line ("[best N=6 seed 21] solved after 56 epochs, ...") goes to the information stream (6>).
.EXAMPLE
    ./tools/ParityTable.ps1 -MaxBits 16 -FirstSeed 21 -ResultPath ./parity-heldout.jsonl
    The held-out table of the README (about 12 minutes on 2 cores).
.EXAMPLE
    ./tools/ParityTable.ps1 -MaxBits 10 -Session (New-PSSession -HostName alpha, beta)
    The quick table on this machine and two hosts.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 16)] [int] $MinBits = 2,
    [ValidateRange(1, 16)] [int] $MaxBits = 10,
    [ValidateRange(1, 1000)] [int] $Seeds = 20,
    [long] $FirstSeed = 1,
    [ValidateSet('both', 'lesson', 'best')] [string] $Recipe = 'both',
    [int] $LessonMaxBits = 10,
    # The lesson recipe's epoch cap.
    [ValidateRange(1, 10000000)] [int] $LessonEpochs = 100000,
    [int] $ThrottleLimit = [Environment]::ProcessorCount,
    [System.Management.Automation.Runspaces.PSSession[]] $Session,
    [string] $ModulePath = 'ParityNet',
    [string] $ResultPath,
    [string] $ManifestPath = (Join-Path $PSScriptRoot '../ParityNet.psd1'),
    # Also output the sweep's results (one per point), after the table.
    [switch] $PassThru
)
$ErrorActionPreference = 'Stop'
Import-Module $ManifestPath

$lastSeed = $FirstSeed + $Seeds - 1
$points = foreach ($bits in $MinBits..$MaxBits) {
    foreach ($seed in $FirstSeed..$lastSeed) {
        if ($Recipe -in 'both', 'lesson' -and $bits -le $LessonMaxBits) {
            @{ Bits = $bits; Task = 'BitParity'; HiddenSize = $bits; Activation = 'Sigmoid'; Initialization = 'Uniform'; Seed = $seed
               Optimizer = 'GradientDescent'; Loss = 'MeanSquaredError'; Alpha = [double](1 -shl $bits); Epochs = $LessonEpochs; TargetAccuracy = 1 }
        }
        if ($Recipe -in 'both', 'best') {
            @{ Bits = $bits; Task = 'BitParity'; HiddenSize = 128; Activation = 'ReLU'; Initialization = 'He'; Seed = $seed
               Optimizer = 'Adam'; Loss = 'CrossEntropy'; Alpha = 0.01; BatchSize = 1 -shl $bits; Epochs = 20000; TargetAccuracy = 1 }
        }
    }
}
$sweep = @{ ThrottleLimit = $ThrottleLimit; ModulePath = $ModulePath }
if ($Session) { $sweep.Session = $Session }
if ($ResultPath) { $sweep.ResultPath = $ResultPath }
$clock = [Diagnostics.Stopwatch]::StartNew()
$results = @($points | Invoke-ParitySweep @sweep)
$clock.Stop()

$invariant = [cultureinfo]::InvariantCulture
function Get-RecipeName($settings) { if ($settings.Activation -eq 'ReLU') { 'best' } else { 'lesson' } }
foreach ($r in $results | Sort-Object { Get-RecipeName $_.Settings }, Bits, { [long]$_.Settings.Seed }) {
    $line = '[{0} N={1} seed {2}] {3} after {4} epochs, accuracy {5}, {6}, {7} s' -f (Get-RecipeName $r.Settings), $r.Bits, $r.Settings.Seed,
        $(if ($r.Solved) { 'solved' } else { 'not solved' }), $r.EpochsRun, $r.FinalAccuracy.ToString('P1', $invariant), $r.StopReason,
        $r.WallTime.TotalSeconds.ToString('0.0', $invariant)
    Write-Information $line -Tags Seed
}

$rows = @(@(foreach ($group in $results | Measure-ParitySweep) {
    [pscustomobject]@{
        Recipe = Get-RecipeName $group.Settings; N = [int]$group.Settings.Bits; Hidden = $group.Settings.HiddenSize; Solved = $group.Solved; Seeds = $group.Points
        Median = $group.MedianEpochs; Min = $group.MinEpochs; Max = $group.MaxEpochs; Training = $group.WallTime
    }
}) | Sort-Object { $_.Recipe -ne 'lesson' }, N)

# Tesauro & Janssens' ~4^N: the recipe's first row with a median above 0, times 4 for each bit more; '—' before it.
function Get-Trend($row) {
    $anchor = $rows | Where-Object { $_.Recipe -eq $row.Recipe -and $_.N -le $row.N -and $_.Median -gt 0 } | Select-Object -First 1
    if (-not $anchor) { return '—' }
    $epochs = [double]$anchor.Median * [math]::Pow(4, $row.N - $anchor.N)
    if ($epochs -lt 1e6) { $epochs.ToString('N0', $invariant) } else { $epochs.ToString('0.0e+0', $invariant) }
}

# e^slope of the least-squares line through (N, ln median epochs): the median's growth factor per bit.
function Get-GrowthPerBit($fitted) {
    $mx = ($fitted | Measure-Object N -Average).Average
    $my = ($fitted | ForEach-Object { [math]::Log([double]$_.Median) } | Measure-Object -Average).Average
    $sxy = 0.0; $sxx = 0.0
    foreach ($row in $fitted) { $sxy += ($row.N - $mx) * ([math]::Log([double]$row.Median) - $my); $sxx += ($row.N - $mx) * ($row.N - $mx) }
    [math]::Exp($sxy / $sxx)
}

$commit = try { (& git -C $PSScriptRoot rev-parse --short=12 HEAD 2>$null) } catch { $null }
$cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^[^:]*:\s*', '') } else { $env:PROCESSOR_IDENTIFIER }
"N-bit parity (Task BitParity), seeds $FirstSeed–$lastSeed, solved = 100% accuracy on all 2^N inputs, made by Invoke-ParitySweep " +
    "on $ThrottleLimit local runspace(s)$(if ($Session) { " and $($Session.Count) session(s)" }) in $($clock.Elapsed.TotalMinutes.ToString('0.0', $invariant)) min" +
    "$(if ($commit) { " at commit $commit" })$(if ($cpu) { ", $cpu, $([Environment]::ProcessorCount) cores" }), $([datetime]::UtcNow.ToString('yyyy-MM-dd HH:mm', $invariant)) UTC."
''
'| Recipe | N | Hidden | Solved | Success | Median epochs (solved) | Epochs range (solved) | ~4^N trend (Tesauro & Janssens) | Training time |'
'|---|---:|---|---:|---:|---:|---:|---:|---:|'
foreach ($row in $rows) {
    $median = if ($null -eq $row.Median) { '—' } else { ([double]$row.Median).ToString('0.#', $invariant) }
    $range = if ($null -eq $row.Min) { '—' } else { "$($row.Min)–$($row.Max)" }
    "| $($row.Recipe) | $($row.N) | $($row.Hidden) | $($row.Solved)/$($row.Seeds) | $([math]::Round(100 * $row.Solved / $row.Seeds))% | $median | $range | $(Get-Trend $row) | $($row.Training.TotalSeconds.ToString('0.0', $invariant)) s |"
}
''
'Recipes:'
if ($Recipe -in 'both', 'lesson') { "- **lesson**: hidden N Sigmoid, Uniform init, biases, MeanSquaredError, GradientDescent alpha 2^N (full batch), at most $($LessonEpochs.ToString('N0', $invariant)) epochs, to N = $LessonMaxBits." }
if ($Recipe -in 'both', 'best') { '- **best**: hidden 128 ReLU, He init, biases, CrossEntropy, Adam alpha 0.01, full batch (all 2^N rows per step), at most 20,000 epochs.' }
''
'Training time is the time the row''s points trained, summed over its seeds (not the wall time of the sweep, whose workers run points at once). Epochs are weight-update passes over the data; the median is over the solved seeds only.'
''
'The ~4^N column is Tesauro & Janssens'' (1988) scaling of back-propagation''s training time on N-bit parity (N hidden units), ' +
    'anchored at each recipe''s first median: that median times 4 for each bit more. Measured growth per bit, the least-squares slope of ' +
    'log(median epochs) over the rows where every seed solved (at least three):'
foreach ($name in @('lesson', 'best') | Where-Object { $rows.Recipe -contains $_ }) {
    $fitted = @($rows | Where-Object { $_.Recipe -eq $name -and $_.Solved -eq $_.Seeds -and $_.Median -gt 0 }) # a log needs epochs > 0
    if ($fitted.Count -lt 3) { "- ${name}: not fitted, fewer than three rows with every seed solved." }
    else {
        "- ${name}: ×$((Get-GrowthPerBit $fitted).ToString('0.00', $invariant)) per bit over N = $($fitted[0].N) … $($fitted[-1].N) (4^N would be ×4)."
    }
}
$unsolved = @($rows | Where-Object { $_.Solved -lt $_.Seeds })
if ($unsolved) {
    ''
    'Unsolved seeds (seed: final accuracy, stop reason):'
    foreach ($row in $unsolved) {
        $misses = $results | Where-Object { -not $_.Solved -and $_.Bits -eq $row.N -and (Get-RecipeName $_.Settings) -eq $row.Recipe } |
            Sort-Object { [long]$_.Settings.Seed } |
            ForEach-Object { "$($_.Settings.Seed): $($_.FinalAccuracy.ToString('P1', $invariant)) $($_.StopReason)" }
        "- $($row.Recipe) N=$($row.N): $($misses -join '; ')"
    }
}
if ($PassThru) { $results }
