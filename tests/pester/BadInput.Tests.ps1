# The bad-input battery (issue 7): for each cmdlet and parameter, the wrong values scripts really
# send. Each gets an error with a stable FullyQualifiedErrorId: ParityNet's own (ParityNet.*) where
# the engine judges the value, or PowerShell's binding ids (ParameterArgumentTransformationError
# from ParityNet's WholeNumber attribute, CannotConvertArgument…) where the type itself is wrong —
# always with the value named. Good items around a bad one in a pipeline are still answered.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/OnnxTestHelpers.ps1"
    $script:net = New-TrainedNetwork -Bits 8 -HiddenSize 4 -Epochs 50
    $script:model = Join-Path $TestDrive 'm.onnx'
    $null = $net | Export-NetworkOnnx $model
}

Describe 'Bad values for every parameter' {
    It '<Command> -<Parameter> <Shown> → <Id>' -ForEach @(
        # New-ParityNetwork
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = 0; Shown = '0'; Id = 'ParityNet.BitsOutOfRange'; Category = 'InvalidArgument' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = -1; Shown = '-1'; Id = 'ParityNet.BitsOutOfRange'; Category = 'InvalidArgument' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = 64; Shown = '64'; Id = 'ParityNet.BitsOutOfRange'; Category = 'InvalidArgument' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = [bigint]::Pow(2, 63); Shown = '9223372036854775808'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = [double]::NaN; Shown = 'NaN'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = 3.5; Shown = '3.5'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = 'abc'; Shown = 'abc'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = $true; Shown = 'true'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = 0; Shown = '0'; Id = 'ParityNet.InvalidHiddenSize'; Category = 'InvalidArgument' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = @(4, -2); Shown = '-2'; Id = 'ParityNet.InvalidHiddenSize'; Category = 'InvalidArgument' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = 1000000; Shown = '1000000'; Id = 'ParityNet.InvalidHiddenSize'; Category = 'InvalidArgument' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = @(65536, 65536); Shown = 'MiB'; Id = 'ParityNet.NetworkTooLarge'; Category = 'LimitsExceeded' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = @(4, 2.5); Shown = '2.5'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = @(4, @(1, 2)); Shown = 'collection'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Seed'; Value = 2.5; Shown = '2.5'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Task'; Value = 'Odd'; Shown = 'Odd'; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument' }
        # Invoke-NetworkTraining (the network comes from -Network)
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = 0; Shown = '0'; Id = 'ParityNet.InvalidAlpha'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = -1; Shown = '-1'; Id = 'ParityNet.InvalidAlpha'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = [double]::NaN; Shown = 'NaN'; Id = 'ParityNet.InvalidAlpha'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = [double]::PositiveInfinity; Shown = 'Infinity'; Id = 'ParityNet.InvalidAlpha'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = 'abc'; Shown = 'abc'; Id = 'ParameterArgumentTransformationError|CannotConvertArgumentNoMessage'; Category = 'InvalidArgument|InvalidData' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epochs'; Value = 0; Shown = '0'; Id = 'ParityNet.InvalidEpochs'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epochs'; Value = -5; Shown = '-5'; Id = 'ParityNet.InvalidEpochs'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epochs'; Value = 2.5; Shown = '2.5'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epochs'; Value = [bigint]::Pow(2, 63); Shown = '9223372036854775808'; Id = 'ParameterArgumentTransformationError'; Category = 'InvalidData' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'TargetAccuracy'; Value = 1.5; Shown = '1.5'; Id = 'ParityNet.InvalidTarget'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'TargetLoss'; Value = -1; Shown = '-1'; Id = 'ParityNet.InvalidTarget'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Momentum'; Value = 1; Shown = '1'; Id = 'ParityNet.InvalidArgument'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Beta2'; Value = [double]::NaN; Shown = 'NaN'; Id = 'ParityNet.InvalidArgument'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epsilon'; Value = 0; Shown = '0'; Id = 'ParityNet.InvalidArgument'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'SampleSize'; Value = 0; Shown = '0'; Id = 'ParityNet.InvalidArgument'; Category = 'InvalidArgument' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Optimizer'; Value = 'Lion'; Shown = 'Lion'; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument' }
        # Import-NetworkOnnx and Export-NetworkOnnx
        @{ Command = 'Import-NetworkOnnx'; Parameter = 'Path'; Value = '/no/such/model.onnx'; Shown = 'model.onnx'; Id = 'ParityNet.FileNotFound'; Category = 'ObjectNotFound' }
        @{ Command = 'Import-NetworkOnnx'; Parameter = 'Path'; Value = ''; Shown = ''; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Command = 'Export-NetworkOnnx'; Parameter = 'Path'; Value = '/no/such/folder/m.onnx'; Shown = '/no/such'; Id = 'ParityNet.FileNotFound'; Category = 'ObjectNotFound' }
    ) {
        $arguments = @{ $Parameter = $Value }
        if ($Command -in 'Invoke-NetworkTraining', 'Export-NetworkOnnx') { $arguments.Network = $net }
        $err = $null
        try { & $Command @arguments -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty -Because "$Command -$Parameter $Shown must fail"
        ($err.FullyQualifiedErrorId -split ',')[0] | Should -Match "^($Id)$"
        $err.CategoryInfo.Category | Should -Match "^($Category)$"
        if ($Shown) { $err.Exception.Message | Should -BeLike "*$Shown*" }
    }

    It 'wrong objects as -Network get a binding error naming the type' {
        $err = $null
        try { Invoke-NetworkTraining -Network 'abc' -Epochs 1 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike '*,ParityNet.Commands.InvokeNetworkTrainingCommand'
        $err.Exception.Message | Should -BeLike '*abc*'
    }
}

Describe 'Good items around a bad one are still answered' {
    It 'Invoke-NetworkTraining trains the networks before and after a wrong object' {
        $out = Invoke-InFreshRunspace -AllowErrors {
            $a = New-ParityNetwork -Seed 1; $b = New-ParityNetwork -Seed 2
            $a, 'not a network', $b | Invoke-NetworkTraining -Epochs 3 -ErrorVariable bad -ErrorAction SilentlyContinue
            "errors=$($bad.Count)"
        }
        @($out | Where-Object { $_ -is [ParityNet.ParityNetwork] }).Seed | Should -Be @(1, 2)
        $out[-1] | Should -Be 'errors=1'
    }

    It 'Import-NetworkOnnx reads the good files before and after a missing one' {
        $errors = $null
        $nets = $model, (Join-Path $TestDrive 'missing.onnx'), $model | Import-NetworkOnnx -ErrorVariable errors -ErrorAction SilentlyContinue
        @($nets).Count | Should -Be 2
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.FileNotFound,*'
    }

    It 'Test-Parity -OnnxPath answers the good numbers around bad ones' {
        $errors = $null
        $results = 1, 'x', 2, -3, 4 | Test-Parity -OnnxPath $model -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Number | Should -Be @(1, 2, 4)
        $errors.Count | Should -Be 2
    }

    It '-ErrorAction Stop makes the first bad item a catchable terminating error' {
        $caught = $null
        try { 1, 'x', 2 | Test-Parity -Network $net -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
    }
}

Describe 'The cmdlets word the engine''s settings as parameters' {
    It '<Command> says <Expected>' -ForEach @(
        @{ Command = 'Invoke-NetworkTraining -Alpha 0'; Script = { New-ParityNetwork | Invoke-NetworkTraining -Alpha 0 }; Expected = 'Give -Alpha a number above 0' }
        @{ Command = 'New-ParityNetwork -HiddenSize 0'; Script = { New-ParityNetwork -HiddenSize 0 }; Expected = 'Give -HiddenSize a positive size' }
        @{ Command = 'Test-Parity 99 on 4 bits'; Script = { Test-Parity 99 -Network (New-ParityNetwork -Bits 4) }; Expected = 'New-ParityNetwork -Bits' }
        @{ Command = 'Invoke-NetworkTraining -BatchSize 4'; Script = { New-ParityNetwork | Invoke-NetworkTraining -BatchSize 4 }; Expected = 'Use -Optimizer Sgd' }
    ) {
        $message = try { $ErrorActionPreference = 'Stop'; $null = & $Script; '(no error)' } catch { $_.Exception.Message }
        $message | Should -Match ([regex]::Escape($Expected))
        $message | Should -Not -Match '⟦'
    }
}
