<#
.SYNOPSIS
    Makes docs/hidden-progress/chart.png (and the weights before and after, start.png and trained.png): a 50-bit sparse parity (3 relevant bits) learned by SGD, and the same network
    trained on random labels as a control, drawn by Export-TrainingChart -Show HiddenProgress.
.DESCRIPTION
    The regime of Barak et al. 2022 ("Hidden Progress in Deep Learning", issue 28): ±1 inputs, 1000 ReLU units with
    PyTorch's initialization, hinge loss, SGD with alpha 0.1 on batches of 32, checked every 100 steps on 8192 held-out
    integers. The run solves at step 2600, about a second; its support's weights pull away from the other bits' from
    about step 1700, while held-out accuracy stays at 50 % until about step 2000. The control, 3000 steps on random
    labels, has nothing to find. 800 x 900 (the view's default). Also docs/hidden-progress/start.png and trained.png: the
    network's weights before and after (Export-NetworkDiagram, 1000 x 700). Outputs each picture's path, width and height.
.EXAMPLE
    dotnet pwsh -NoProfile -File ./tools/HiddenProgressChart.ps1
    Remakes docs/hidden-progress/chart.png from the module built in this repository (./build.ps1 Build first).
#>
[CmdletBinding()]
param(
    [string] $ManifestPath = (Join-Path $PSScriptRoot '../ParityNet.psd1'),
    # The docs folder to write into: the repository's docs/ by default, a temporary folder to compare.
    [string] $DocsPath = (Join-Path $PSScriptRoot '../docs')
)
$ErrorActionPreference = 'Stop'
Import-Module $ManifestPath
$folder = Join-Path $DocsPath 'hidden-progress'
$null = New-Item -ItemType Directory -Force $folder

$net = New-ParityNetwork -Bits 50 -HiddenSize 1000 -Task SparseParity -Relevant 3 -Activation ReLU -Initialization PyTorch -SignedInputs -Seed 11
$sgd = @{ Optimizer = 'Sgd'; Alpha = 0.1; Loss = 'Hinge'; BatchSize = 32; CheckEvery = 100; HeldOutSize = 8192 }
$run = $net | Invoke-NetworkTraining @sgd -Steps 200000 -TargetAccuracy 1
$control = $net | Invoke-NetworkTraining @sgd -Steps 3000 -RandomLabels

$path = Join-Path $folder 'chart.png'
$null = $run, $control | Export-TrainingChart $path -Show HiddenProgress -Force `
    -Label "sparse parity, support bits $($net.Support -join ', ')", 'the same network on random labels' `
    -Title 'Hidden progress: SGD on a 50-bit parity of 3 bits'

# Width and height from the PNG's header, as a reader's viewer shows them.
# The first layer before and after (docs/hidden-progress.md, "Seeing it in the weights"): the heatmaps Export-NetworkDiagram draws.
$null = $net | Export-NetworkDiagram (Join-Path $folder 'start.png') -WeightLimit 1 -Force
$null = $run | Export-NetworkDiagram (Join-Path $folder 'trained.png') -WeightLimit 1 -Force

foreach ($name in 'chart.png', 'start.png', 'trained.png') {
    $bytes = [IO.File]::ReadAllBytes((Join-Path $folder $name))
    $be = { param($at) ([int]$bytes[$at] -shl 24) -bor ([int]$bytes[$at + 1] -shl 16) -bor ([int]$bytes[$at + 2] -shl 8) -bor [int]$bytes[$at + 3] }
    [pscustomobject]@{ Path = "docs/hidden-progress/$name"; Width = & $be 16; Height = & $be 20; Bytes = $bytes.Length }
}
