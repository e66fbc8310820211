# Issue 15: the lesson inside the network, through the built module.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/OnnxTestHelpers.ps1"
    $script:lesson = Invoke-InFreshRunspace { New-ParityNetwork -NoBias | Invoke-NetworkTraining -Alpha 0.5 }
    function Get-PngSize([string] $Path) {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        if ([System.Text.Encoding]::ASCII.GetString($bytes, 1, 3) -ne 'PNG') { throw "$Path is not a PNG" }
        $int = { param($at) ([int]$bytes[$at] -shl 24) -bor ([int]$bytes[$at + 1] -shl 16) -bor ([int]$bytes[$at + 2] -shl 8) -bor [int]$bytes[$at + 3] }
        [pscustomobject]@{ Width = & $int 16; Height = & $int 20 }
    }
}

Describe 'Trace-ParityNetwork' {
    It 'traces numbers from the pipeline with the lesson''s variables' {
        $traces = 6, 7 | Trace-ParityNetwork -Network $lesson
        $traces | Should -HaveCount 2
        $traces[0] | Should -BeOfType ([ParityNet.NumberTrace])
        $traces[0].Number | Should -Be 6
        $traces[0].Input | Should -Be @(0, 0, 0, 0, 0, 1, 1, 0)
        $traces[0].Layers | Should -HaveCount 2
        $traces[0].Layers[0].Outputs | Should -HaveCount 4
        $traces[0].Expected | Should -Be 1
        $traces[1].Expected | Should -Be 0
        [math]::Abs($traces[0].Error - (1 - $traces[0].Prediction)) | Should -BeLessThan 1e-15
        $traces[0].Synapses | Should -HaveCount 2
        $traces[0].Synapses[0].Contribution | Should -HaveCount 8
        # The prediction is the network's own, to rounding.
        [math]::Abs($traces[0].Prediction - $lesson.Predict(6)) | Should -BeLessThan 1e-12
    }

    It 'prints each trace as the lesson''s code would, one section per layer' {
        $text = Trace-ParityNetwork -Network $lesson -Number 6 | Out-String
        foreach ($line in 'l0 = ', 'l1 = sigmoid(l0 · syn0)', 'l2 = sigmoid(l1 · syn1)', 'l2_error = y − l2', 'l2_delta', 'l1_error = l2_delta · syn1ᵀ', 'l1_delta', 'syn0 += alpha') {
            $text | Should -Match ([regex]::Escape($line))
        }
        $text | Should -Not -Match '-0\.0000 '
    }

    It 'labels the cross-entropy delta as such' {
        (Trace-ParityNetwork -Network $lesson -Number 3 -Loss CrossEntropy).DeltaRule | Should -Match 'cross-entropy'
        [math]::Abs((Trace-ParityNetwork -Network $lesson -Number 3 -Loss CrossEntropy).OutputDelta - (Trace-ParityNetwork -Network $lesson -Number 3 -Loss CrossEntropy).Error) | Should -BeLessThan 1e-15
    }

    It 'summed over every number and divided by n, the contributions move the weights as one training step does' {
        # One step of gradient descent with alpha 0.5 from the same weights: W_after − W_before = Σ Step.
        $start = $lesson
        $after = Invoke-InFreshRunspace { param($n) $n | Invoke-NetworkTraining -Alpha 0.5 -Epochs 1 } -ArgumentList $start
        $steps = 0..255 | Trace-ParityNetwork -Network $start -Alpha 0.5 -Loss MeanSquaredError
        for ($i = 0; $i -lt 4; $i++) {
            $sum = 0.0
            foreach ($t in $steps) { $sum += $t.Synapses[1].Step[$i][0] }
            [math]::Abs(($after.Weights[1][$i, 0] - $start.Weights[1][$i, 0]) - $sum) | Should -BeLessThan 1e-12
        }
    }

    It 'a bad number is a named error and the others are traced' {
        $errors = @()
        $out = 1, 300, 'x', 2 | Trace-ParityNetwork -Network $lesson -ErrorVariable errors -ErrorAction SilentlyContinue
        $out.Number | Should -Be @(1, 2)
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputOutOfRange,*'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
    }
}

Describe 'Export-NetworkDiagram' {
    It 'draws the network, and with -Number its activations, to a PNG of the size asked' {
        $path = Join-Path $TestDrive 'net.png'
        $file = $lesson | Export-NetworkDiagram $path -Width 900 -Height 600
        $file.FullName | Should -Be $path
        (Get-PngSize $path).Width | Should -Be 900
        (Get-PngSize $path).Height | Should -Be 600
        $six = Join-Path $TestDrive 'six.png'
        $verbose = Export-NetworkDiagram $six -Network $lesson -Number 6 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'activations of 6'
        (Get-Item $six).Length | Should -Not -Be (Get-Item $path).Length
    }

    It 'draws heatmaps past 64 units in a layer' {
        $wide = New-ParityNetwork -Bits 6 -HiddenSize 80
        $verbose = $wide | Export-NetworkDiagram (Join-Path $TestDrive 'wide.png') -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'heatmaps'
    }

    It '-WeightLimit sets the colour scale: the largest |weight| is the default, another value changes the picture' {
        $wide = New-ParityNetwork -Bits 6 -HiddenSize 80 -Seed 4
        $largest = ($wide.Weights | ForEach-Object { $_.Values } | ForEach-Object { $_ } | ForEach-Object { [math]::Abs([double]$_) } | Measure-Object -Maximum).Maximum
        $default, $same, $other = 'default', 'same', 'other' | ForEach-Object { Join-Path $TestDrive "limit-$_.png" }
        $wide | Export-NetworkDiagram $default | Out-Null
        $wide | Export-NetworkDiagram $same -WeightLimit $largest | Out-Null
        $wide | Export-NetworkDiagram $other -WeightLimit (4 * $largest) | Out-Null
        (Get-FileHash $same).Hash | Should -Be (Get-FileHash $default).Hash -Because 'the default scale is the largest |weight|'
        (Get-FileHash $other).Hash | Should -Not -Be (Get-FileHash $default).Hash
        # The lesson's circles and synapses take it too.
        $lesson | Export-NetworkDiagram (Join-Path $TestDrive 'lesson-limit.png') -WeightLimit 100 | Out-Null
        (Get-FileHash (Join-Path $TestDrive 'lesson-limit.png')).Hash | Should -Not -Be ($lesson | Export-NetworkDiagram (Join-Path $TestDrive 'lesson-default.png') | Get-FileHash).Hash
    }

    It 'refuses -WeightLimit <Value> with ParityNet.InvalidArgument, naming it, and writes nothing' -ForEach @(
        @{ Value = 0 }, @{ Value = -1 }, @{ Value = [double]::NaN }, @{ Value = [double]::PositiveInfinity }
    ) {
        $path = Join-Path $TestDrive 'refused.png'
        $err = $null
        try { $lesson | Export-NetworkDiagram $path -WeightLimit $Value -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidArgument,*'
        $err.Exception.Message | Should -Match "WeightLimit $([regex]::Escape(([double]$Value).ToString([cultureinfo]::InvariantCulture))) is not a weight above 0.*-WeightLimit"
        Test-Path $path | Should -BeFalse
    }

    It 'writes through the file service: -WhatIf writes nothing, an existing file needs -Force, special files are refused' {
        $path = Join-Path $TestDrive 'kept.png'
        $lesson | Export-NetworkDiagram $path -WhatIf
        Test-Path $path | Should -BeFalse
        Set-Content $path 'old' -NoNewline
        { $lesson | Export-NetworkDiagram $path -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.FileExists,*'
        Get-Content $path -Raw | Should -Be 'old'
        $lesson | Export-NetworkDiagram $path -Force | Out-Null
        (Get-PngSize $path).Width | Should -Be 1000
        if (-not $IsWindows) {
            $fifo = Join-Path $TestDrive 'fifo'
            & mkfifo $fifo
            { $lesson | Export-NetworkDiagram $fifo -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.NotARegularFile,*'
        }
    }
}

Describe 'Export-TrainingChart -Label with a script block' {
    It 'evaluates the block for each input, like a calculated property' {
        $runs = Invoke-InFreshRunspace { $n = New-ParityNetwork -Bits 4; 0.1, 2 | ForEach-Object { $n | Invoke-NetworkTraining -Alpha $_ -Epochs 20 } }
        $verbose = $runs | Export-TrainingChart (Join-Path $TestDrive 'label.png') -Label { "alpha $($_.History.Alpha)" } -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match ([regex]::Escape('(alpha 0.1; alpha 2)'))
    }

    It 'still takes one text label per input' {
        $runs = Invoke-InFreshRunspace { $n = New-ParityNetwork -Bits 4; 0.1, 2 | ForEach-Object { $n | Invoke-NetworkTraining -Alpha $_ -Epochs 20 } }
        $verbose = $runs | Export-TrainingChart (Join-Path $TestDrive 'text.png') -Label 'slow', 'fast' -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match ([regex]::Escape('(slow; fast)'))
    }
}
