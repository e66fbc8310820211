<#
.SYNOPSIS
    Test-Parity in the pipeline against Select-Object's pass-through, in this (fresh) pwsh.
    Interleaved runs; prints the medians and the ratio. Called by build.ps1 Bench.
#>
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [int] $Count = 1000000,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
Import-Module $ManifestPath
# A current network wide enough for every number (20 bits: 0 … 1 048 575), then a warm-up of both paths.
$null = New-ParityNetwork -Bits 20 -HiddenSize 4 | Invoke-NetworkTraining -Optimizer Adam -Alpha 0.05 -Epochs 5 -SampleSize 1024
$null = 0..1000 | Test-Parity
$null = 0..1000 | Select-Object

$ours = [Collections.Generic.List[double]]::new()
$baseline = [Collections.Generic.List[double]]::new()
for ($r = 0; $r -lt $Runs; $r++) {
    $ours.Add((Measure-Command { 0..$Count | Test-Parity | Out-Null }).TotalSeconds)
    $baseline.Add((Measure-Command { 0..$Count | Select-Object | Out-Null }).TotalSeconds)
}
$median = { param($v) ($v | Sort-Object)[[int][math]::Floor($v.Count / 2)] }
$t = & $median $ours
$s = & $median $baseline
"| pipeline, 0..$Count | median time | per item |"
'|---|---|---|'
"| ``0..$Count | Test-Parity | Out-Null`` | {0:0.00} s | {1:0.00} µs |" -f $t, ($t / $Count * 1e6)
"| ``0..$Count | Select-Object | Out-Null`` | {0:0.00} s | {1:0.00} µs |" -f $s, ($s / $Count * 1e6)
"| Test-Parity / Select-Object | {0:0.00}× | |" -f ($t / $s)
