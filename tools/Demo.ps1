<#
.SYNOPSIS
    The design's pipeline through the built module: a new network, trained with -Alpha 0.5, asked about 0..15.
#>
param([Parameter(Mandatory)] [string] $ManifestPath)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ManifestPath

Write-Host 'New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5'
$clock = [Diagnostics.Stopwatch]::StartNew()
$network = New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5
$clock.Stop()
$network | Format-List Task, LayerSizes, HasBias, Seed, History

Write-Host '0..15 | Test-Parity | Format-Table'
$predictions = 0..15 | Test-Parity
$predictions | Format-Table Number, Bits, Prediction, Expected, @{ n = 'Probability'; e = { $_.Probability.ToString('0.0000') } }, Correct -AutoSize | Out-Host

$correct = @($predictions | Where-Object Correct).Count
Write-Host ("Accuracy on 0..15: {0}/{1}; on all {2} inputs while training: {3:P1}" -f $correct, $predictions.Count, ($network.MaxNumber + 1), $network.History.FinalAccuracy)
Write-Host ("Training: {0} epochs in {1:0} ms (engine), {2:0} ms through the cmdlet" -f $network.History.EpochsRun, $network.History.WallTime.TotalMilliseconds, $clock.Elapsed.TotalMilliseconds)
if ($correct -ne 16) { throw "The demo expected 16 correct predictions, got $correct." }
