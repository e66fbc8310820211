BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . (Join-Path $PSScriptRoot 'OnnxTestHelpers.ps1')
    $script:network = New-TrainedNetwork -Bits 5 -HiddenSize 4
    $script:path = Join-Path $TestDrive 'model.onnx'
    $null = $script:network | Export-NetworkOnnx $script:path
}

Describe 'Import-NetworkOnnx' {
    It 'rebuilds the network: shape, task, seed, training summary' {
        $back = Import-NetworkOnnx $script:path
        $back | Should -BeOfType ([ParityNet.ParityNetwork])
        $back.Bits | Should -Be 5
        $back.LayerSizes | Should -Be @(5, 4, 1)
        $back.Task | Should -Be $script:network.Task
        $back.Seed | Should -Be $script:network.Seed
        $back.HasBias | Should -Be $script:network.HasBias
        $back.History.EpochsRun | Should -Be $script:network.History.EpochsRun
        $back.History.FinalLoss | Should -Be $script:network.History.FinalLoss
        $back.History.StopReason | Should -Be $script:network.History.StopReason
    }

    It 'predicts as the exported network within float32 rounding on every input' {
        $back = Import-NetworkOnnx $script:path
        $before = 0..31 | Test-Parity -Network $script:network
        $after = 0..31 | Test-Parity -Network $back
        for ($i = 0; $i -lt 32; $i++) {
            [math]::Abs($before[$i].Probability - $after[$i].Probability) | Should -BeLessOrEqual 1e-6
            $after[$i].Label | Should -Be $before[$i].Label
        }
    }

    It 'resolves a relative path against the PowerShell location' {
        Push-Location $TestDrive
        try { (Import-NetworkOnnx model.onnx).Bits | Should -Be 5 }
        finally { Pop-Location }
    }

    It 'takes files from Get-ChildItem and results from Export-NetworkOnnx through the pipeline' {
        (Get-ChildItem $script:path | Import-NetworkOnnx).Bits | Should -Be 5
        $result = $script:network | Export-NetworkOnnx (Join-Path $TestDrive 'again.onnx')
        ($result | Import-NetworkOnnx).Seed | Should -Be $script:network.Seed
    }

    It 'names a file that does not exist' {
        Import-NetworkOnnx (Join-Path $TestDrive 'missing.onnx') -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.FileNotFound,*'
    }

    It 'says a text file is not ONNX' {
        $text = Join-Path $TestDrive 'notes.onnx'
        Set-Content $text 'this is not a model'
        { Import-NetworkOnnx $text -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.OnnxNotOnnx,*'
    }

    It 'says random bytes are not ONNX' {
        $random = Join-Path $TestDrive 'random.onnx'
        $bytes = [byte[]]::new(4096)
        [Random]::new(42).NextBytes($bytes)
        $bytes[0] = 0xFF
        [IO.File]::WriteAllBytes($random, $bytes)
        Import-NetworkOnnx $random -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.OnnxNotOnnx,*'
    }

    It 'says a cut-off file is truncated' {
        $bytes = [IO.File]::ReadAllBytes($script:path)
        $cut = Join-Path $TestDrive 'cut.onnx'
        [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length / 2)])
        Import-NetworkOnnx $cut -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.OnnxTruncated,*'
        $failures[0].Exception.Message | Should -BeLike '*truncated*'
    }

    It 'says ONNX of another graph is unsupported' {
        # The same model with its Sigmoid ops made Softmax: op_type is the 7-byte string after its
        # length byte 7, and the new name has the same length, so the bytes stay valid ONNX.
        $bytes = [IO.File]::ReadAllBytes($script:path)
        $text = [Text.Encoding]::Latin1.GetString($bytes)
        $text.Contains([char]7 + 'Sigmoid') | Should -BeTrue
        $other = Join-Path $TestDrive 'other.onnx'
        [IO.File]::WriteAllBytes($other, [Text.Encoding]::Latin1.GetBytes($text.Replace([char]7 + 'Sigmoid', [char]7 + 'Softmax')))
        Import-NetworkOnnx $other -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.OnnxUnsupportedGraph,*'
        $failures[0].Exception.Message | Should -BeLike '*Softmax where Sigmoid belongs*'
    }

    It 'keeps going after a bad file in the pipeline' {
        $bad = Join-Path $TestDrive 'bad.onnx'
        Set-Content $bad 'nope'
        $networks = $bad, $script:path | Import-NetworkOnnx -ErrorAction SilentlyContinue -ErrorVariable failures
        @($networks) | Should -HaveCount 1
        $failures | Should -HaveCount 1
    }
}

Describe 'Import-NetworkOnnx of a network with ±1 inputs' {
    It 'round-trips New-ParityNetwork -SignedInputs through Export-NetworkOnnx, and Test-Parity answers alike from the engine and ONNX Runtime' {
        # Barak et al.'s regime, a few checks of it: made and trained in a fresh runspace, as the other trainings here.
        $net = Invoke-InFreshRunspace {
            New-ParityNetwork -Bits 20 -HiddenSize 16 -Task SparseParity -Relevant 3 -Activation ReLU -Initialization PyTorch -SignedInputs -Seed 28 |
                Invoke-NetworkTraining -Optimizer Sgd -Alpha 0.1 -Loss Hinge -BatchSize 8 -CheckEvery 5 -HeldOutSize 64 -WeightDecay 0.0001 -Epochs 3
        }
        $net.SignedInputs | Should -BeTrue
        $path = Join-Path $TestDrive 'signed.onnx'
        $export = $net | Export-NetworkOnnx $path
        $export.InputsCompared | Should -Be 16384
        $back = $export | Import-NetworkOnnx

        $back.SignedInputs | Should -BeTrue
        $back.Support | Should -Be $net.Support
        $back.Spec.Initialization | Should -Be 'PyTorch'
        $back.Activation | Should -Be 'ReLU'
        # Bit for bit: the float32 rounding of each weight and bias, as the file holds them ('R' text round-trips a double).
        $text = { param($values, [switch] $AsFloat) ($values | ForEach-Object { $_ } | ForEach-Object { $(if ($AsFloat) { [double][float]$_ } else { $_ }).ToString('R') }) -join ',' }
        for ($l = 0; $l -lt 2; $l++) {
            & $text $back.Weights[$l].Values | Should -Be (& $text $net.Weights[$l].Values -AsFloat)
            & $text $back.Biases[$l] | Should -Be (& $text $net.Biases[$l] -AsFloat)
        }
        $back.History.LossFunction | Should -Be 'Hinge'
        $back.History.Settings.CheckEvery | Should -Be 5
        $back.History.Settings.HeldOutSize | Should -Be 64
        $back.History.Settings.WeightDecay | Should -Be 0.0001
        $back.History.StepsRun | Should -Be $net.History.StepsRun

        $random = [Random]::new(28)
        $numbers = @(0, 1, ((1 -shl 20) - 1)) + @(1..200 | ForEach-Object { [long]$random.Next(1 -shl 20) })
        $trained = $numbers | Test-Parity -Network $net
        $imported = $numbers | Test-Parity -Network $back
        $onnx = $numbers | Test-Parity -OnnxPath $path
        $onnx | Should -HaveCount $numbers.Count
        for ($i = 0; $i -lt $numbers.Count; $i++) {
            $onnx[$i].Engine | Should -Be 'OnnxRuntime'
            $onnx[$i].Number | Should -Be $numbers[$i]
            $imported[$i].Label | Should -Be $trained[$i].Label
            $onnx[$i].Label | Should -Be $trained[$i].Label
            $onnx[$i].ExpectedLabel | Should -Be $trained[$i].ExpectedLabel
            [math]::Abs($imported[$i].Probability - $trained[$i].Probability) | Should -BeLessOrEqual 1e-6
            [math]::Abs($onnx[$i].Probability - $trained[$i].Probability) | Should -BeLessOrEqual 1e-6
        }
    }
}
