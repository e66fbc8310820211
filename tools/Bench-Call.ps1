<#
.SYNOPSIS
    The cost of a call: the lesson's case a trained from the shell, against the engine alone in this
    (fresh) pwsh and against numpy. Interleaved runs; prints medians and ratios. Called by build.ps1 Bench.
.DESCRIPTION
    Case a of bench/ParityNet.Bench: 4 bits (16 integers), 4 sigmoid hidden units, no bias, seed 1, the
    lesson's full-batch gradient descent, alpha 1, 60 000 epochs, task Even. Each round, in turn:
      shell   Measure-Command { New-ParityNetwork ... | Invoke-NetworkTraining ... }, after a second of the
              same pipeline untimed (right after another process has run, a core runs slower for a while)
      engine  [ParityNet.Trainer]::Train on a network [ParityNet.ParityNetwork]::Create makes, by a stopwatch,
              in this same process: what the cmdlets add is the difference
    Both timed runs start after a full garbage collection, as bench/ParityNet.Bench's do.
      numpy   bench/lesson_numpy.py for the same case (its own --warmup-seconds 1 first), its
              seconds_per_iteration × the epochs: once with glibc as installed, once with glibc keeping freed
              memory (MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184) and OPENBLAS_CORETYPE and
              OPENBLAS_L2_SIZE unset. Those settings are made for that one command, never in this shell; the
              glibc variables a shell may have set are cleared for both runs, as bench/ParityNet.Bench does.
    The goal of issue 22: numpy / shell ≥ 100×.
#>
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [int] $Runs = 7,
    [string] $Python = '/usr/bin/python3',
    [string] $NumpyScript = (Join-Path (Split-Path $PSScriptRoot) 'bench/lesson_numpy.py')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ManifestPath

$Bits = 4; $Hidden = 4; $Epochs = 60000; $Alpha = 1.0
$call = { New-ParityNetwork -Bits 4 -HiddenSize 4 -Seed 1 -NoBias | Invoke-NetworkTraining -Epochs 60000 -Alpha 1 }
$spec = [ParityNet.NetworkSpec]@{ Bits = $Bits; HiddenSizes = [int[]]@($Hidden); HasBias = $false; Seed = 1 }
$options = [ParityNet.TrainingOptions]@{ Alpha = $Alpha; Epochs = $Epochs }

# The command line and the environment of each numpy run (a fresh process, so nothing here is changed).
$numpyArgs = @($NumpyScript, '--bits', $Bits, '--hidden', $Hidden, '--iterations', $Epochs, '--alpha', $Alpha, '--warmup-seconds', 1)
$haveNumpy = (Test-Path $Python) -and (Test-Path $NumpyScript) -and $(& $Python -c 'import numpy' 2>$null; $LASTEXITCODE -eq 0)
$glibcVariables = 'GLIBC_TUNABLES', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_MAX_', 'MALLOC_TRIM_THRESHOLD_'
$fastSetting = @{ MALLOC_MMAP_MAX_ = '0'; MALLOC_TRIM_THRESHOLD_ = '17179869184' }
$fastUnset = 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'

# Seconds numpy takes for the epochs (seconds_per_iteration × epochs), in a process with the given environment.
function Measure-Numpy([switch] $Fast) {
    $info = [System.Diagnostics.ProcessStartInfo]::new($Python)
    foreach ($a in $numpyArgs) { $info.ArgumentList.Add([string]$a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    foreach ($name in $glibcVariables) { $null = $info.Environment.Remove($name) }
    if ($Fast) {
        foreach ($name in $fastUnset) { $null = $info.Environment.Remove($name) }
        foreach ($entry in $fastSetting.GetEnumerator()) { $info.Environment[$entry.Key] = $entry.Value }
    }
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $errors = $process.StandardError.ReadToEndAsync() # both pipes at once: a full one must not stall the other
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "numpy failed (exit code $($process.ExitCode)): $($errors.Result)" }
    }
    finally { $process.Dispose() }
    return ($output | ConvertFrom-Json).seconds_per_iteration * $Epochs
}

function Measure-Shell {
    $warming = [System.Diagnostics.Stopwatch]::StartNew()
    do { $null = & $call } while ($warming.Elapsed.TotalSeconds -lt 1)
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    $seconds = (Measure-Command $call).TotalSeconds
    $history = (Get-ParityNetwork).History
    if ($history.EpochsRun -ne $Epochs) { throw "the shell's run stopped after $($history.EpochsRun) epochs, not $Epochs" }
    return $seconds
}

function Measure-Engine {
    $network = [ParityNet.ParityNetwork]::Create($spec)
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $trained = [ParityNet.Trainer]::Train($network, $options)
    $clock.Stop()
    if ($trained.History.EpochsRun -ne $Epochs) { throw "the engine's run stopped after $($trained.History.EpochsRun) epochs, not $Epochs" }
    return $clock.Elapsed.TotalSeconds
}

$shell = [Collections.Generic.List[double]]::new()
$engine = [Collections.Generic.List[double]]::new()
$installed = [Collections.Generic.List[double]]::new()
$kept = [Collections.Generic.List[double]]::new()
for ($r = 0; $r -lt $Runs; $r++) {
    $shell.Add((Measure-Shell))
    $engine.Add((Measure-Engine))
    if ($haveNumpy) {
        $installed.Add((Measure-Numpy))
        $kept.Add((Measure-Numpy -Fast))
    }
    $line = '  run {0}: shell {1:0.00} ms, engine {2:0.00} ms' -f ($r + 1), ($shell[$r] * 1e3), ($engine[$r] * 1e3)
    if ($haveNumpy) { $line += ', numpy {0:0.000} s, numpy fast setting {1:0.000} s' -f $installed[$r], $kept[$r] }
    [Console]::Error.WriteLine($line)
}

function Get-Median($values) { $sorted = @($values | Sort-Object); $sorted[[int][math]::Floor($sorted.Count / 2)] }
function Format-Spread($values, [double] $Scale, [string] $Unit, [string] $Format) {
    "{0} {3} ({1}–{2} {3})" -f ((Get-Median $values) * $Scale).ToString($Format), (($values | Measure-Object -Minimum).Minimum * $Scale).ToString($Format),
        (($values | Measure-Object -Maximum).Maximum * $Scale).ToString($Format), $Unit
}
$s = Get-Median $shell
$e = Get-Median $engine
"| case a from the shell: 16 × 4 → 4 → 1, no bias, seed 1, alpha 1, $Epochs epochs ($Runs interleaved runs) | median (min–max) | per epoch |"
'|---|---|---|'
"| ``New-ParityNetwork -Bits 4 -HiddenSize 4 -Seed 1 -NoBias \| Invoke-NetworkTraining -Epochs 60000 -Alpha 1`` (Measure-Command) | {0} | {1:0} ns |" -f (Format-Spread $shell 1e3 'ms' '0.00'), ($s / $Epochs * 1e9)
"| engine alone: ``[ParityNet.Trainer]::Train`` in the same pwsh (stopwatch) | {0} | {1:0} ns |" -f (Format-Spread $engine 1e3 'ms' '0.00'), ($e / $Epochs * 1e9)
"| what the cmdlets add (medians: shell − engine) | {0:0.00} ms ({1:0.0}%) | |" -f (($s - $e) * 1e3), (($s - $e) / $e * 100)
if ($haveNumpy) {
    $i = Get-Median $installed
    $k = Get-Median $kept
    "| numpy (bench/lesson_numpy.py), glibc as installed | {0} | {1:0.00} µs |" -f (Format-Spread $installed 1 's' '0.000'), ($i / $Epochs * 1e6)
    "| numpy, glibc keeping freed memory, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset | {0} | {1:0.00} µs |" -f (Format-Spread $kept 1 's' '0.000'), ($k / $Epochs * 1e6)
    "| numpy / shell (medians: installed, fast setting; goal ≥ 100×) | {0:0.0}×, {1:0.0}× | |" -f ($i / $s), ($k / $s)
}
else {
    "| numpy | not found: apt-get install -y python3-numpy libopenblas0-pthread | |"
}
