BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . (Join-Path $PSScriptRoot 'OnnxTestHelpers.ps1')
    $script:network = New-TrainedNetwork -Bits 6 -HiddenSize 6 -Epochs 2000
    $script:path = Join-Path $TestDrive 'model.onnx'
    $script:export = $script:network | Export-NetworkOnnx $script:path
}

Describe 'Test-Parity -OnnxPath' {
    It 'answers every input through ONNX Runtime, agreeing with the engine' {
        $onnx = 0..63 | Test-Parity -OnnxPath $script:path
        $managed = 0..63 | Test-Parity -Network $script:network
        $onnx | Should -HaveCount 64
        for ($i = 0; $i -lt 64; $i++) {
            $onnx[$i].Number | Should -Be $i
            $onnx[$i].Engine | Should -Be 'OnnxRuntime'
            $managed[$i].Engine | Should -Be 'Managed'
            [math]::Abs($onnx[$i].Probability - $managed[$i].Probability) | Should -BeLessOrEqual 1e-6
            $onnx[$i].Label | Should -Be $managed[$i].Label
            $onnx[$i].ExpectedLabel | Should -Be $managed[$i].ExpectedLabel
        }
    }

    It 'train, export, import and Test-Parity -OnnxPath all agree on every input' {
        $imported = Import-NetworkOnnx $script:path
        $trained = 0..63 | Test-Parity -Network $script:network
        $viaImport = 0..63 | Test-Parity -Network $imported
        $viaOnnx = 0..63 | Test-Parity -OnnxPath $script:path
        for ($i = 0; $i -lt 64; $i++) {
            $viaImport[$i].Label | Should -Be $trained[$i].Label
            $viaOnnx[$i].Label | Should -Be $trained[$i].Label
            [math]::Abs($viaImport[$i].Probability - $trained[$i].Probability) | Should -BeLessOrEqual 1e-6
            [math]::Abs($viaOnnx[$i].Probability - $trained[$i].Probability) | Should -BeLessOrEqual 1e-6
        }
        # The trained network is right on every input, so all three are.
        @($viaOnnx | Where-Object Correct) | Should -HaveCount 64
    }

    It 'takes numbers as an argument and resolves a relative path' {
        Push-Location $TestDrive
        try { $p = Test-Parity 4, 5 -OnnxPath model.onnx }
        finally { Pop-Location }
        $p.Number | Should -Be @(4, 5)
        $p.Engine | Should -Be @('OnnxRuntime', 'OnnxRuntime')
    }

    It 'gives the same non-terminating errors for bad numbers and still answers the good ones' {
        $p = 1, -1, 'abc', 64, 3.5, '2', 7 | Test-Parity -OnnxPath $script:path -ErrorAction SilentlyContinue -ErrorVariable failures
        $p.Number | Should -Be @(1, 2, 7)
        $failures | Should -HaveCount 4
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputOutOfRange,*'
        $failures[1].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
        $failures[2].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputOutOfRange,*'
        $failures[3].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
    }

    It 'answers more numbers than one batch holds, in order' {
        $wide = New-TrainedNetwork -Bits 13 -HiddenSize 3 -Epochs 5
        $path = Join-Path $TestDrive 'wide.onnx'
        $null = $wide | Export-NetworkOnnx $path
        $p = 0..8191 | Test-Parity -OnnxPath $path
        $p | Should -HaveCount 8192
        $p[5000].Number | Should -Be 5000
        $p[8191].Number | Should -Be 8191
        $managed = 0..8191 | Test-Parity -Network $wide
        $max = 0.0
        for ($i = 0; $i -lt 8192; $i += 1) { $max = [math]::Max($max, [math]::Abs($p[$i].Probability - $managed[$i].Probability)) }
        $max | Should -BeLessOrEqual 1e-6
    }

    It 'stops with a named error when the file is not a ParityNet model' {
        $text = Join-Path $TestDrive 'notes.onnx'
        Set-Content $text 'not a model'
        { 1 | Test-Parity -OnnxPath $text -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.OnnxNotOnnx,*'
        { 1 | Test-Parity -OnnxPath (Join-Path $TestDrive 'missing.onnx') } | Should -Throw -ErrorId 'ParityNet.FileNotFound,*'
    }

    It 'cannot be combined with -Network' {
        { Test-Parity 1 -OnnxPath $script:path -Network $script:network } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }
}
