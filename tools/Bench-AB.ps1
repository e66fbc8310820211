<#
.SYNOPSIS
    The engine's training speed through the cmdlets, two builds side by side on this machine now: before and after
    a change, in alternating fresh pwsh processes (a binary module cannot be loaded twice in one process), so that
    a machine's slow spell touches both. Prints each round and the medians; used for issue 27's "no figure worse".
.DESCRIPTION
    Cases (the Bench's shapes, trained through Invoke-NetworkTraining, each timed whole and divided):
      recipe12, recipe16  the best parity recipe (128 ReLU, He, Adam 0.01, cross-entropy, full batch) per epoch
      smallbatch          50-1000-1 ReLU, Sgd 0.1, batches of 32, samples of 32 000: per step, held-out pass included
      lessonc             the lesson's case c (12 bits, 64 sigmoid units, no bias, gradient descent) per epoch
.EXAMPLE
    ./tools/Bench-AB.ps1 -Before /tmp/before/ParityNet.psd1 -After ./ParityNet.psd1 -Rounds 3
#>
param(
    [Parameter(Mandatory)] [string] $Before,
    [Parameter(Mandatory)] [string] $After,
    [int] $Rounds = 3
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'PwshCommand.ps1')
$pwsh = @(Get-PwshCommandLine)

$child = @'
param($Manifest)
$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; $WarningPreference = 'SilentlyContinue'
Import-Module $Manifest
$cases = [ordered]@{
    recipe12   = @{ Per = 200; Unit = 'epoch'; Run = { New-ParityNetwork -Bits 12 -Task BitParity -HiddenSize 128 -Activation ReLU -Initialization He -Seed 1 |
                        Invoke-NetworkTraining -Optimizer Adam -Alpha 0.01 -Loss CrossEntropy -BatchSize 4096 -Epochs 200 } }
    recipe16   = @{ Per = 40; Unit = 'epoch'; Run = { New-ParityNetwork -Bits 16 -Task BitParity -HiddenSize 128 -Activation ReLU -Initialization He -Seed 1 |
                        Invoke-NetworkTraining -Optimizer Adam -Alpha 0.01 -Loss CrossEntropy -BatchSize 65536 -Epochs 40 } }
    smallbatch = @{ Per = 2000; Unit = 'step'; Run = { New-ParityNetwork -Bits 50 -Task BitParity -HiddenSize 1000 -Activation ReLU -Seed 1 |
                        Invoke-NetworkTraining -Optimizer Sgd -Alpha 0.1 -BatchSize 32 -SampleSize 32000 -Epochs 2 } }
    lessonc    = @{ Per = 300; Unit = 'epoch'; Run = { New-ParityNetwork -Bits 12 -HiddenSize 64 -NoBias -Seed 1 | Invoke-NetworkTraining -Alpha 1 -Epochs 300 } }
}
foreach ($name in $cases.Keys) {
    $case = $cases[$name]
    $null = & $case.Run   # warm-up: the JIT and the first allocation are not the case
    $times = foreach ($i in 1..3) { (Measure-Command { $null = & $case.Run }).TotalSeconds / $case.Per }
    $median = ($times | Sort-Object)[1]
    '{0} {1} {2}' -f $name, $median, $case.Unit
}
'@
$file = Join-Path ([IO.Path]::GetTempPath()) "paritynet-bench-ab-$PID.ps1"
Set-Content $file $child
$all = @{}
try {
    for ($round = 1; $round -le $Rounds; $round++) {
        foreach ($side in 'before', 'after') {
            $manifest = if ($side -eq 'before') { $Before } else { $After }
            $lines = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $file $manifest
            if ($LASTEXITCODE -ne 0) { throw "The $side run failed: $lines" }
            foreach ($line in $lines) {
                $name, $seconds, $unit = $line -split ' '
                $key = "$name|$side"
                if (-not $all[$key]) { $all[$key] = [Collections.Generic.List[double]]::new() }
                $all[$key].Add([double]$seconds)
                '{0,-7} round {1}: {2,-10} {3,10:n1} µs a {4}' -f $side, $round, $name, ([double]$seconds * 1e6), $unit
            }
        }
    }
    ''
    'median over rounds (each round: the median of 3 runs):'
    foreach ($name in 'recipe12', 'recipe16', 'smallbatch', 'lessonc') {
        $b = ($all["$name|before"] | Sort-Object)[[int][Math]::Floor($Rounds / 2)]
        $a = ($all["$name|after"] | Sort-Object)[[int][Math]::Floor($Rounds / 2)]
        '{0,-10} before {1,10:n1} µs   after {2,10:n1} µs   after/before {3:0.00}' -f $name, ($b * 1e6), ($a * 1e6), ($a / $b)
    }
}
finally { Remove-Item $file -ErrorAction Ignore }
