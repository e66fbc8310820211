<#
.SYNOPSIS
    The README's N-bit parity table, made with the module's own sweep (Invoke-ParitySweep).
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
               Optimizer = 'GradientDescent'; Loss = 'MeanSquaredError'; Alpha = [double](1 -shl $bits); Epochs = 100000; TargetAccuracy = 1 }
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

$rows = foreach ($group in $results | Measure-ParitySweep) {
    $name = if ($group.Settings.Activation -eq 'ReLU') { 'best' } else { 'lesson' }
    [pscustomobject]@{
        Recipe = $name; N = [int]$group.Settings.Bits; Hidden = $group.Settings.HiddenSize; Solved = $group.Solved; Seeds = $group.Points
        Median = $group.MedianEpochs; Min = $group.MinEpochs; Max = $group.MaxEpochs
    }
}
"N-bit parity (Task BitParity), seeds $FirstSeed–$lastSeed, solved = 100% accuracy on all 2^N inputs, made by Invoke-ParitySweep " +
    "on $ThrottleLimit local runspace(s)$(if ($Session) { " and $($Session.Count) session(s)" }) in $($clock.Elapsed.TotalMinutes.ToString('0.0')) min."
''
'| Recipe | N | Hidden | Solved | Success | Median epochs (solved) | Epochs range (solved) |'
'|---|---:|---|---:|---:|---:|---:|'
foreach ($row in $rows | Sort-Object { $_.Recipe -ne 'lesson' }, N) {
    $median = if ($null -eq $row.Median) { '—' } else { ([double]$row.Median).ToString('0.#', [cultureinfo]::InvariantCulture) }
    $range = if ($null -eq $row.Min) { '—' } else { "$($row.Min)–$($row.Max)" }
    "| $($row.Recipe) | $($row.N) | $($row.Hidden) | $($row.Solved)/$($row.Seeds) | $([math]::Round(100 * $row.Solved / $row.Seeds))% | $median | $range |"
}
if ($PassThru) { $results }
