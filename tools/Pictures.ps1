<#
.SYNOPSIS
    Makes every picture under docs/ with the commands the docs show, at the size they show, through the built
    module: a reader who runs the same commands gets the same picture.
.DESCRIPTION
    docs/lesson/network.png   $net | Export-NetworkDiagram network.png                 1000 x 700 (the default)
    docs/lesson/six.png       $net | Export-NetworkDiagram six.png -Number 6       1000 x 700 (the default)
    docs/lesson/alpha-sweep.png  $runs | Export-TrainingChart alpha-sweep.png -Label ... -Title ...  800 x 500 (the default)
    where $net is the lesson's network (New-ParityNetwork -NoBias | Invoke-NetworkTraining -Alpha 0.5) and $runs that
    network's start trained with five learning rates for 400 epochs.
    docs/hidden-progress/chart.png  made by tools/HiddenProgressChart.ps1 (see there)  800 x 900 (the view's default)
    docs/hidden-progress/start.png, trained.png  the same script: that network before and after, -WeightLimit 1   1000 x 700
    docs/sparse-parity/steps-vs-n.png, steps-vs-width.png  drawn by tools/BarakSweep.ps1 -DrawOnly from the committed
                              sweep's result file ($SweepResults below), training nothing   1000 x 720, 900 x 620
    Outputs each picture's path, width and height.
.EXAMPLE
    dotnet pwsh -NoProfile -File ./tools/Pictures.ps1
    Remakes the pictures in docs/ from the module built in this repository (./build.ps1 Build first).
#>
[CmdletBinding()]
param(
    [string] $ManifestPath = (Join-Path $PSScriptRoot '../ParityNet.psd1'),
    # The docs folder to write into: the repository's docs/ by default, a temporary folder to compare.
    [string] $DocsPath = (Join-Path $PSScriptRoot '../docs'),
    # The committed sweep of docs/sparse-parity.md, made by tools/BarakSweep.ps1 with the -SeedsAt below.
    [string] $SweepResults = (Join-Path $PSScriptRoot '../bench/results/barak-sweep-105bc5c3a193.jsonl')
)
$ErrorActionPreference = 'Stop'
Import-Module $ManifestPath
$lesson = Join-Path $DocsPath 'lesson'
$null = New-Item -ItemType Directory -Force $lesson

Push-Location $lesson
try {
    # The lesson of docs/lesson.md, command for command.
    $net = New-ParityNetwork -NoBias | Invoke-NetworkTraining -Alpha 0.5
    $null = $net | Export-NetworkDiagram network.png -Force
    $null = $net | Export-NetworkDiagram six.png -Number 6 -Force

    $start = New-ParityNetwork -NoBias
    $runs = 0.05, 0.5, 5, 50, 500 | ForEach-Object { $start | Invoke-NetworkTraining -Alpha $_ -Epochs 400 }
    $null = $runs | Export-TrainingChart alpha-sweep.png -Label { "alpha $($_.History.Alpha)" } -Title 'One network, five learning rates' -Force
}
finally {
    Pop-Location
}

# Width and height from each PNG's header, as a reader's viewer shows them.
foreach ($name in 'network.png', 'six.png', 'alpha-sweep.png') {
    $path = Join-Path $lesson $name
    $bytes = [IO.File]::ReadAllBytes($path)
    $be = { param($at) ([int]$bytes[$at] -shl 24) -bor ([int]$bytes[$at + 1] -shl 16) -bor ([int]$bytes[$at + 2] -shl 8) -bor [int]$bytes[$at + 3] }
    [pscustomobject]@{ Path = "docs/lesson/$name"; Width = & $be 16; Height = & $be 20; Bytes = $bytes.Length }
}

# Issue 28's hidden progress, from a script of its own.
& (Join-Path $PSScriptRoot 'HiddenProgressChart.ps1') -ManifestPath $ManifestPath -DocsPath $DocsPath

# Barak et al.'s sweep (docs/sparse-parity.md): its charts, drawn again from its committed runs (nothing trains).
$sparse = Join-Path $DocsPath 'sparse-parity'
$charts = [ordered]@{ ChartPath = Join-Path $sparse 'steps-vs-n.png'; WidthChartPath = Join-Path $sparse 'steps-vs-width.png' }
# The committed sweep's seed counts (BarakSweep.ps1's default -SeedsAt is '200,4=10' alone: 25 seeds in the other cells).
& (Join-Path $PSScriptRoot 'BarakSweep.ps1') -DrawOnly -ResultPath $SweepResults -ManifestPath $ManifestPath @charts -SeedsAt '200=10', '200,4=10', '100,4=14' 6>$null
foreach ($path in $charts.Values) {
    $bytes = [IO.File]::ReadAllBytes($path)
    $be = { param($at) ([int]$bytes[$at] -shl 24) -bor ([int]$bytes[$at + 1] -shl 16) -bor ([int]$bytes[$at + 2] -shl 8) -bor [int]$bytes[$at + 3] }
    [pscustomobject]@{ Path = "docs/sparse-parity/$(Split-Path -Leaf $path)"; Width = & $be 16; Height = & $be 20; Bytes = $bytes.Length }
}
