BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . (Join-Path $PSScriptRoot 'OnnxTestHelpers.ps1')
    $script:network = New-TrainedNetwork -Bits 4
}

Describe 'Export-NetworkOnnx' {
    It 'exports a network from the pipeline and reports the cross-check' {
        $path = Join-Path $TestDrive 'piped.onnx'
        $result = $script:network | Export-NetworkOnnx -Path $path
        $result | Should -BeOfType ([ParityNet.OnnxExportResult])
        $result.Path | Should -Be $path
        $result.Opset | Should -Be 17
        $result.IrVersion | Should -Be 8
        $result.Bytes | Should -Be (Get-Item $path).Length
        $result.InputsCompared | Should -Be 16
        $result.MaxAbsDifference | Should -BeLessOrEqual 1e-6
    }

    It 'works at the end of New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5, with a relative path' {
        $result = Invoke-InFreshRunspace {
            param($folder)
            Set-Location $folder
            New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5 | Export-NetworkOnnx model.onnx
        } -ArgumentList $TestDrive
        $result.Path | Should -Be (Join-Path $TestDrive 'model.onnx')
        $result.InputsCompared | Should -Be 256
        Test-Path (Join-Path $TestDrive 'model.onnx') | Should -BeTrue
    }

    It 'exports the session''s current network after a training' {
        $folder = Join-Path $TestDrive 'current'
        New-Item -ItemType Directory $folder | Out-Null
        $result = Invoke-InFreshRunspace {
            param($folder)
            Set-Location $folder
            $trained = New-ParityNetwork -Bits 3 -HiddenSize 2 | Invoke-NetworkTraining -Alpha 0.5 -Epochs 50
            $exported = Export-NetworkOnnx current.onnx
            [pscustomobject]@{ Result = $exported; Seed = $trained.Seed; Bits = $trained.Bits }
        } -ArgumentList $folder
        $result.Result.Path | Should -Be (Join-Path $folder 'current.onnx')
        $result.Result.InputsCompared | Should -Be 8
        (Import-NetworkOnnx (Join-Path $folder 'current.onnx')).Bits | Should -Be 3
    }

    It 'takes -Network' {
        $path = Join-Path $TestDrive 'param.onnx'
        (Export-NetworkOnnx -Path $path -Network $script:network).Path | Should -Be $path
    }

    It 'resolves a relative path against the PowerShell location, not the process directory' {
        Push-Location $TestDrive
        try {
            $result = $script:network | Export-NetworkOnnx relative.onnx
        }
        finally {
            Pop-Location
        }
        $result.Path | Should -Be (Join-Path $TestDrive 'relative.onnx')
        Test-Path (Join-Path $TestDrive 'relative.onnx') | Should -BeTrue
        Test-Path (Join-Path ([Environment]::CurrentDirectory) 'relative.onnx') | Should -BeFalse
    }

    It '-WhatIf writes nothing' {
        $path = Join-Path $TestDrive 'whatif.onnx'
        $result = $script:network | Export-NetworkOnnx $path -WhatIf
        $result | Should -BeNullOrEmpty
        Test-Path $path | Should -BeFalse
        @(Get-ChildItem $TestDrive -Filter '*.tmp' -Force) | Should -HaveCount 0
    }

    It 'refuses to overwrite without -Force and keeps the old file' {
        $path = Join-Path $TestDrive 'exists.onnx'
        Set-Content -Path $path -Value 'keep me'
        $script:network | Export-NetworkOnnx $path -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.FileExists,*'
        Get-Content $path | Should -Be 'keep me'
        { $script:network | Export-NetworkOnnx $path -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.FileExists,*'
    }

    It 'overwrites with -Force' {
        $path = Join-Path $TestDrive 'forced.onnx'
        Set-Content -Path $path -Value 'old'
        $result = $script:network | Export-NetworkOnnx $path -Force
        $result.Bytes | Should -BeGreaterThan 100
        (Import-NetworkOnnx $path).Bits | Should -Be 4
    }

    It 'names a missing folder' {
        $path = Join-Path $TestDrive 'no/such/folder/m.onnx'
        $script:network | Export-NetworkOnnx $path -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.FileNotFound,*'
    }

    It 'refuses a path on another provider' {
        $script:network | Export-NetworkOnnx 'Env:\PARITYNET_NOT_A_FILE' -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.NotFileSystemPath,*'
    }

    It 'says there is no network when none is given and the session has none' {
        $errors = Invoke-InFreshRunspace {
            param($folder)
            Export-NetworkOnnx (Join-Path $folder 'none.onnx') -ErrorAction SilentlyContinue -ErrorVariable failures
            $failures | ForEach-Object FullyQualifiedErrorId
        } -ArgumentList $TestDrive -AllowErrors
        $errors | Should -BeLike 'ParityNet.NoCurrentNetwork,*'
        Test-Path (Join-Path $TestDrive 'none.onnx') | Should -BeFalse
    }

    It 'exports networks without bias and with two hidden layers' {
        $noBias = New-TrainedNetwork -Bits 5 -NoBias -Epochs 200
        $deep = New-TrainedNetwork -Bits 6 -HiddenSize 5, 3 -Epochs 200
        ($noBias | Export-NetworkOnnx (Join-Path $TestDrive 'nobias.onnx')).MaxAbsDifference | Should -BeLessOrEqual 1e-6
        ($deep | Export-NetworkOnnx (Join-Path $TestDrive 'deep.onnx')).InputsCompared | Should -Be 64
        (Import-NetworkOnnx (Join-Path $TestDrive 'deep.onnx')).LayerSizes | Should -Be @(6, 5, 3, 1)
        (Import-NetworkOnnx (Join-Path $TestDrive 'nobias.onnx')).HasBias | Should -BeFalse
    }
}
