# The bad-input battery (issue 7): for each cmdlet and parameter, the wrong values scripts really
# send. Each gets an error with a stable FullyQualifiedErrorId: ParityNet's own (ParityNet.*) where
# the engine judges the value, or PowerShell's binding ids where the type itself is wrong: for a
# numeric parameter ParameterArgumentTransformationError from ParityNet's WholeNumber and RealNumber
# attributes, in ParityNet's words, whose inner exception carries ParityNet.ParameterNotNumber; for
# an enum CannotConvertArgument… — always with the value named. Good items around a bad one in a
# pipeline are still answered.
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
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = 1025; Shown = '1025'; Id = 'ParityNet.BitsOutOfRange'; Category = 'InvalidArgument' }
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

# Issue 26: what a newcomer typed, and the message that tells them the fix in their words.
Describe 'Numeric parameters word a bad value themselves' {
    It '<Command> -<Parameter> <Shown> names the parameter, says <Says> and suggests -<Parameter> <Fix>' -ForEach @(
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = 3.5; Shown = '3.5'; Says = 'has a fraction'; Fix = '8' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = 'abc'; Shown = "'abc'"; Says = 'is not a number'; Fix = '8' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = 'x'; Shown = "'x'"; Says = 'is not a number'; Fix = '4' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'HiddenSize'; Value = '4..8'; Shown = "'4..8'"; Says = 'Put the range in parentheses'; Fix = '(4..8)' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Seed'; Value = 1.5; Shown = '1.5'; Says = 'ParityNet does not round'; Fix = '42' }
        @{ Command = 'New-ParityNetwork'; Parameter = 'Bits'; Value = $true; Shown = '$true'; Says = 'is a Boolean'; Fix = '8' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = 'abc'; Shown = "'abc'"; Says = 'is not a number'; Fix = '0.5' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = '0,5'; Shown = "'0,5'"; Says = 'not a comma'; Fix = '0.5' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Alpha'; Value = @(0, 5); Shown = 'takes one number, not a list (0, 5)'; Says = 'the decimal separator is a point, 0.5'; Fix = '$_' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epochs'; Value = 'abc'; Shown = "'abc'"; Says = 'is not a number'; Fix = '1000' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epochs'; Value = '2.5'; Shown = "'2.5'"; Says = 'ParityNet does not round'; Fix = '1000' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'BatchSize'; Value = 'all'; Shown = "'all'"; Says = 'is not a number'; Fix = '32' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Seed'; Value = 1.5; Shown = '1.5'; Says = 'has a fraction'; Fix = '42' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'SampleSize'; Value = 'many'; Shown = "'many'"; Says = 'is not a number'; Fix = '4096' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Momentum'; Value = 'x'; Shown = "'x'"; Says = 'is not a number'; Fix = '0.9' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Beta1'; Value = 'x'; Shown = "'x'"; Says = 'is not a number'; Fix = '0.9' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Beta2'; Value = 'x'; Shown = "'x'"; Says = 'is not a number'; Fix = '0.999' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'Epsilon'; Value = 'tiny'; Shown = "'tiny'"; Says = 'is not a number'; Fix = '1e-8' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'TargetAccuracy'; Value = $true; Shown = '$true'; Says = 'is a Boolean'; Fix = '1' }
        @{ Command = 'Invoke-NetworkTraining'; Parameter = 'TargetLoss'; Value = 'low'; Shown = "'low'"; Says = 'is not a number'; Fix = '0.01' }
        @{ Command = 'Trace-ParityNetwork'; Parameter = 'Alpha'; Value = 'x'; Shown = "'x'"; Says = 'is not a number'; Fix = '0.5' }
        @{ Command = 'Export-NetworkDiagram'; Parameter = 'Width'; Value = 'wide'; Shown = "'wide'"; Says = 'is not a number'; Fix = '1000' }
        @{ Command = 'Export-NetworkDiagram'; Parameter = 'Height'; Value = 7.5; Shown = '7.5'; Says = 'has a fraction'; Fix = '700' }
        @{ Command = 'Export-TrainingChart'; Parameter = 'Width'; Value = 'abc'; Shown = "'abc'"; Says = 'is not a number'; Fix = '800' }
        @{ Command = 'Export-TrainingChart'; Parameter = 'Height'; Value = 'abc'; Shown = "'abc'"; Says = 'is not a number'; Fix = '500' }
        @{ Command = 'Invoke-ParitySweep'; Parameter = 'ThrottleLimit'; Value = 'abc'; Shown = "'abc'"; Says = 'is not a number'; Fix = '2' }
    ) {
        $arguments = @{ $Parameter = $Value }
        if ($Command -eq 'Trace-ParityNetwork') { $arguments.Number = 1 }
        if ($Command -eq 'Invoke-ParitySweep') { $arguments.Grid = @{ Bits = 4 } }
        if ($Command -like 'Export-*') { $arguments.Path = Join-Path $TestDrive 'never.png' }
        $err = $null
        try { & $Command @arguments -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty -Because "$Command -$Parameter $Shown must fail"
        ($err.FullyQualifiedErrorId -split ',')[0] | Should -Be 'ParameterArgumentTransformationError'
        $err.Exception.InnerException.ErrorId | Should -Be 'ParityNet.ParameterNotNumber'
        $message = $err.Exception.Message
        $message | Should -BeLike "*-$Parameter $Shown*"
        $message | Should -BeLike "*$Says*"
        $message | Should -BeLike "*-$Parameter $Fix*"
        $message | Should -Not -BeLike '*object with a Number property*' -Because "Test-Parity's wording is not -$Parameter's"
        $message | Should -Not -BeLike '*Cannot convert value*'
        Test-Path (Join-Path $TestDrive 'never.png') | Should -BeFalse
    }

    It 'good values of every kind still bind: strings, whole doubles, exponents' {
        $trained = Invoke-NetworkTraining -Network $net -Alpha '0.5' -Momentum 0.8 -Epochs '3' -BatchSize 4.0 -Optimizer Sgd -TargetLoss '1e-3' -Seed '7'
        $trained.History.EpochsRun | Should -Be 3
        $trained.History.Alpha | Should -Be 0.5
        (New-ParityNetwork -Bits '4' -HiddenSize 2.0, '3').LayerSizes | Should -Be @(4, 2, 3, 1)
    }

    It 'Test-Parity 0..15 (a range PowerShell passes as text) says to write -Number (0..15)' {
        $problems = $null
        $null = Test-Parity 0..15 -Network $net -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].Exception.Message | Should -BeLike "*'0..15' is text*in a command's arguments*-Number (0..15)*"
    }

    It 'Test-Parity -Number 0..15 (a range PowerShell passes as text) says to write -Number (0..15)' {
        $problems = $null
        $answers = Test-Parity -Number 0..15 -Network $net -ErrorVariable problems -ErrorAction SilentlyContinue
        $answers | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        ($problems[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'ParityNet.InputNotInteger'
        $problems[0].Exception.Message | Should -BeLike "*'0..15' is text*-Number (0..15)*0..15 | Test-Parity*"
        (Test-Parity -Number (0..15) -Network $net).Count | Should -Be 16 -Because 'the fix the message gives works'
    }
}

Describe 'A -Network that is $null is refused by name, never read as "no -Network"' {
    It '<Command> -Network <Shown> ends with ParityNet.NetworkNull, even when the session has a current network' -ForEach @(
        @{ Command = 'Test-Parity'; Script = 'Test-Parity 3 -Network $given'; Given = '$null'; Shown = '$null' }
        @{ Command = 'Test-Parity'; Script = '0..3 | Test-Parity -Network $given'; Given = '$null'; Shown = '$null (numbers piped)' }
        @{ Command = 'Invoke-NetworkTraining'; Script = 'Invoke-NetworkTraining -Network $given -Epochs 1'; Given = '$null'; Shown = '$null' }
        @{ Command = 'Invoke-NetworkTraining'; Script = 'Invoke-NetworkTraining -Network $given -Epochs 1'; Given = '@()'; Shown = '@()' }
        @{ Command = 'Export-NetworkOnnx'; Script = 'Export-NetworkOnnx (Join-Path $folder m.onnx) -Network $given'; Given = '$null'; Shown = '$null' }
        @{ Command = 'Export-NetworkDiagram'; Script = 'Export-NetworkDiagram (Join-Path $folder d.png) -Network $given'; Given = '$null'; Shown = '$null' }
        @{ Command = 'Export-TrainingChart'; Script = 'Export-TrainingChart (Join-Path $folder c.png) -Network $given'; Given = '$null'; Shown = '$null' }
        @{ Command = 'Trace-ParityNetwork'; Script = 'Trace-ParityNetwork 3 -Network $given'; Given = '$null'; Shown = '$null' }
    ) {
        $result = Invoke-InFreshRunspace -AllowErrors {
            param($Script, $Given, $Folder)
            $folder = New-Item -ItemType Directory (Join-Path $Folder ([guid]::NewGuid()))
            $null = New-ParityNetwork -Bits 4 | Invoke-NetworkTraining -Epochs 2 # the current network a silent fallback would use
            if ($Given -eq '@()') { $given = @() } else { $given = $null } # an if's @() output would unroll to $null
            $out = $null
            try { $out = & ([scriptblock]::Create($Script)) -ErrorAction Stop; 'no error' } catch { $_ }
            "outputs=$(@($out | Where-Object { $null -ne $_ }).Count)"
            "files=$(@(Get-ChildItem $folder).Count)"
        } -ArgumentList $Script, $Given, $TestDrive
        $err = $result[0]
        $err | Should -BeOfType [System.Management.Automation.ErrorRecord]
        ($err.FullyQualifiedErrorId -split ',')[0] | Should -Be 'ParityNet.NetworkNull'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike "*$(if ($Given -eq '@()') { 'empty list (@())' } else { 'is $null' })*$Command has no network*leave out -Network*"
        $result[1] | Should -Be 'outputs=0'
        $result[2] | Should -Be 'files=0'
    }

    It 'a $null piped in among networks is a non-terminating NetworkNull; the networks around it are trained' {
        $out = Invoke-InFreshRunspace -AllowErrors {
            $a = New-ParityNetwork -Seed 1; $b = New-ParityNetwork -Seed 2
            $a, $null, $b | Invoke-NetworkTraining -Epochs 2 -ErrorVariable bad -ErrorAction SilentlyContinue
            ($bad | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) -join ' '
        }
        @($out | Where-Object { $_ -is [ParityNet.ParityNetwork] }).Seed | Should -Be @(1, 2)
        $out[-1] | Should -Be 'ParityNet.NetworkNull'
    }

    It 'a $null network piped to <Command> is a non-terminating NetworkNull, and nothing is answered or written' -ForEach @(
        @{ Command = 'Test-Parity'; Script = { param($Folder) $null | Test-Parity -Number 3 } }
        @{ Command = 'Export-NetworkOnnx'; Script = { param($Folder) $null | Export-NetworkOnnx (Join-Path $Folder 'm.onnx') } }
        @{ Command = 'Export-NetworkDiagram'; Script = { param($Folder) $null | Export-NetworkDiagram (Join-Path $Folder 'd.png') } }
    ) {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive ([guid]::NewGuid()))
        $out = Invoke-InFreshRunspace -AllowErrors {
            param($Script, $Folder)
            $null = New-ParityNetwork -Bits 4 | Invoke-NetworkTraining -Epochs 2 # the current network a silent fallback would use
            $all = & ([scriptblock]::Create($Script)) $Folder 2>&1
            "answers=$(@($all | Where-Object { $null -ne $_ -and $_ -isnot [System.Management.Automation.ErrorRecord] }).Count)"
            ($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) -join ' '
        } -ArgumentList $Script.ToString(), $folder.FullName
        $out | Should -Be @('answers=0', 'ParityNet.NetworkNull')
        @(Get-ChildItem $folder).Count | Should -Be 0
    }

    It 'several networks given to -Network say to pipe them in' {
        $err = $null
        try { Invoke-NetworkTraining -Network @($net, $net) -Epochs 1 -ErrorAction Stop } catch { $err = $_ }
        ($err.FullyQualifiedErrorId -split ',')[0] | Should -Be 'ParityNet.InvalidNetwork'
        $err.Exception.Message | Should -BeLike '*list of 2 objects is not one network*Pipe*'
    }
}

Describe 'A text file named .onnx is told as text' {
    It '<Command> says the file is text, quoting its start, with ParityNet.OnnxNotOnnx' -ForEach @(
        @{ Command = 'Import-NetworkOnnx'; Script = { param($p) Import-NetworkOnnx $p -ErrorAction Stop } }
        @{ Command = 'Test-Parity -OnnxPath'; Script = { param($p) 1 | Test-Parity -OnnxPath $p -ErrorAction Stop } }
    ) {
        $path = Join-Path $TestDrive 'notes.onnx'
        Set-Content $path "hello`nthis is a note, not a model"
        $err = $null
        try { & $Script $path } catch { $err = $_ }
        ($err.FullyQualifiedErrorId -split ',')[0] | Should -Be 'ParityNet.OnnxNotOnnx'
        $err.Exception.Message | Should -BeLike "*notes.onnx' is not an ONNX model: it is a text file (it starts 'hello'), and an ONNX model is a binary file*"
        $err.Exception.Message | Should -Not -BeLike '*holds field*'
    }
}
