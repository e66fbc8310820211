<#
.SYNOPSIS
    The walk-through of docs/lesson.md, runnable as it is: trains the lesson's
    network, traces 6 and 7, draws the network, and charts an alpha sweep. The pictures land in -OutputPath
    (docs/lesson in the repository, where the README shows them).
.EXAMPLE
    dotnet pwsh -NoProfile -File ./tools/Lesson.ps1 -ManifestPath ./ParityNet.psd1 -OutputPath ./docs/lesson
#>
param(
    [string] $ManifestPath = (Join-Path $PSScriptRoot '../ParityNet.psd1'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../docs/lesson')
)
$ErrorActionPreference = 'Stop'
Import-Module $ManifestPath
New-Item -ItemType Directory -Force $OutputPath | Out-Null

# 1. The lesson's network: 8 bits in, 4 sigmoid units, 1 out, no bias; alpha 0.5 for 1000 epochs.
$net = New-ParityNetwork -NoBias | Invoke-NetworkTraining -Alpha 0.5
$net.History | Out-Host

# 2. Inside the network for 6 (even) and 7 (odd): l0, l1, l2, the errors, the deltas, each synapse's share.
6, 7 | Trace-ParityNetwork | Out-Host

# 3. The network as a picture, then the pass of 6 through it.
$net | Export-NetworkDiagram (Join-Path $OutputPath 'network.png') -Force | Out-Null
$net | Export-NetworkDiagram (Join-Path $OutputPath 'six.png') -Number 6 -Force | Out-Null

# 4. The alpha sweep: too small crawls down the bowl, too large leaps across it.
$start = New-ParityNetwork -NoBias
$runs = 0.05, 0.5, 5, 50, 500 | ForEach-Object { $start | Invoke-NetworkTraining -Alpha $_ -Epochs 400 }
$runs | Select-Object @{ n = 'Alpha'; e = { $_.History.Alpha } }, @{ n = 'FinalLoss'; e = { $_.History.FinalLoss } }, @{ n = 'Accuracy'; e = { $_.History.FinalAccuracy } } | Out-Host
$runs | Export-TrainingChart (Join-Path $OutputPath 'alpha-sweep.png') -Label { "alpha $($_.History.Alpha)" } -Title 'One network, five learning rates' -Force | Out-Null
Get-ChildItem $OutputPath -Filter *.png | Select-Object Name, Length
