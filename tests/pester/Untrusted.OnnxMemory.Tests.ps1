# Issue 26, item 5: a model too large for the memory at hand is a named error that says so. A 0.9 GB chain MLP
# given to Test-Parity -OnnxPath in a child pwsh under a 5 GiB address-space limit (ONNX Runtime itself needs about
# 4.5 GiB to load) ran out of memory copying the checked model for ONNX Runtime: an unnamed OutOfMemoryException.
# Under 6 GiB ONNX Runtime's own allocation fails instead (std::bad_alloc): the same named error.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Bounded.ps1"
    $script:maker = Join-Path $PSScriptRoot '../ParityNet.Onnx.Tests/corpus/hostile/make_hostile.py'
    . "$PSScriptRoot/helpers/Python.ps1"
    $script:noOnnx = Get-OnnxPythonSkipReason
}

Describe 'A model too large for the memory at hand' {
    It 'a 0.9 GB 8-15000-15000-1 MLP under <Limit>: ParityNet.OnnxRuntimeFailed, saying there is not enough memory' -ForEach @(
        @{ Limit = '5 GiB'; Bytes = 5GB }
        @{ Limit = '6 GiB'; Bytes = 6GB }
    ) {
        if ($noOnnx) { Set-ItResult -Skipped -Because $noOnnx; return }
        $model = Join-Path $TestDrive 'chain15000.onnx'
        if (-not (Test-Path $model)) {
            & $python $maker $model 'gemm-wide' 15000
            $LASTEXITCODE | Should -Be 0
        }
        (Get-Item $model).Length | Should -BeGreaterThan 850MB
        $id = Get-BoundedErrorId "0, 1 | Test-Parity -OnnxPath '$model' -ErrorAction Stop" -TimeoutSeconds 300 -AddressSpaceBytes $Bytes
        $id | Should -Be 'ParityNet.OnnxRuntimeFailed'
        $script:LastBoundedMessage | Should -Match 'not enough memory for the model'
        $script:LastBoundedMessage | Should -Match '\(859 MiB\)'
        $script:LastBoundedMessage | Should -Match 'raise this process''s memory limit, or give a smaller model'
    }
}
