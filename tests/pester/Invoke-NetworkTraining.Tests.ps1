BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST

    if (-not ('ParityNet.TestSupport.CapturingHost' -as [type])) { Add-Type -Path "$PSScriptRoot/helpers/CapturingHost.cs" }

    # Starts training in a new runspace and returns the PowerShell once progress shows epochs running.
    function Start-BackgroundTraining([string] $Script, $HostToUse) {
        $runspace = [runspacefactory]::CreateRunspace($HostToUse)
        $runspace.Open()
        $ps = [PowerShell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript("Import-Module '$env:PARITYNET_MANIFEST'; $Script")
        $handle = $ps.BeginInvoke()
        # Generous: on a loaded machine import and the first epochs are slow, not hung.
        $deadline = [DateTime]::UtcNow.AddSeconds(300)
        while ($ps.Streams.Progress.Count -eq 0 -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 50
        }
        $ps.Streams.Progress.Count | Should -BeGreaterThan 0 -Because 'training must report progress before it is stopped'
        return $ps
    }
}

Describe 'Invoke-NetworkTraining' {
    It 'runs the design''s pipeline: New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5, then 0..15 | Test-Parity is 16/16' {
        $net = New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5
        $net.IsTrained | Should -BeTrue
        $net.History.StopReason | Should -Be 'EpochsDone'
        $net.History.FinalAccuracy | Should -Be 1
        $results = 0..15 | Test-Parity
        $results.Count | Should -Be 16
        @($results | Where-Object Correct).Count | Should -Be 16
    }

    It 'returns a new network and leaves the input as it was' {
        $untrained = New-ParityNetwork -Seed 2
        $before = $untrained.Weights[0].Values | ConvertTo-Json -Compress
        $trained = $untrained | Invoke-NetworkTraining -Epochs 50
        [object]::ReferenceEquals($trained, $untrained) | Should -BeFalse
        $untrained.IsTrained | Should -BeFalse
        ($untrained.Weights[0].Values | ConvertTo-Json -Compress) | Should -Be $before
        ($trained.Weights[0].Values | ConvertTo-Json -Compress) | Should -Not -Be $before
    }

    It 'is reproducible: same seed and settings give identical trained weights' {
        $a = New-ParityNetwork -Seed 5 | Invoke-NetworkTraining -Epochs 100
        $b = New-ParityNetwork -Seed 5 | Invoke-NetworkTraining -Epochs 100
        ($a.Weights | ForEach-Object { $_.Values } | ConvertTo-Json -Compress -Depth 4) |
            Should -Be ($b.Weights | ForEach-Object { $_.Values } | ConvertTo-Json -Compress -Depth 4)
    }


    It 'trains every network piped in' {
        $many = @((New-ParityNetwork -Seed 1), (New-ParityNetwork -Seed 2)) | Invoke-NetworkTraining -Epochs 10
        $many.Count | Should -Be 2
        $many.Seed | Should -Be @(1, 2)
        (Get-ParityNetwork).Seed | Should -Be 2
    }

    It 'takes the network by position' {
        (Invoke-NetworkTraining (New-ParityNetwork -Bits 3) -Epochs 10).Bits | Should -Be 3
    }

    It 'makes the trained network the current one, and trains the current one when none is given' {
        $first = New-ParityNetwork -Seed 6 | Invoke-NetworkTraining -Epochs 10
        $second = Invoke-NetworkTraining -Epochs 10
        $second.History.EpochsRun | Should -Be 10
        $second.Seed | Should -Be 6
        [object]::ReferenceEquals((Get-ParityNetwork), $second) | Should -BeTrue
        $second.History.Loss[0] | Should -Be $first.History.FinalLoss
    }

    It 'stops at -TargetAccuracy' {
        $net = New-ParityNetwork | Invoke-NetworkTraining -Epochs 100000 -TargetAccuracy 1
        $net.History.StopReason | Should -Be 'TargetReached'
        $net.History.EpochsRun | Should -BeLessThan 100000
        $net.History.FinalAccuracy | Should -Be 1
    }

    It 'rejects <Name> with a terminating <Id> before any work' -ForEach @(
        @{ Name = 'alpha 0'; Arguments = @{ Alpha = 0 }; Id = 'ParityNet.InvalidAlpha' }
        @{ Name = 'a negative alpha'; Arguments = @{ Alpha = -0.5 }; Id = 'ParityNet.InvalidAlpha' }
        @{ Name = 'alpha NaN'; Arguments = @{ Alpha = [double]::NaN }; Id = 'ParityNet.InvalidAlpha' }
        @{ Name = 'alpha infinity'; Arguments = @{ Alpha = [double]::PositiveInfinity }; Id = 'ParityNet.InvalidAlpha' }
        @{ Name = 'zero epochs'; Arguments = @{ Epochs = 0 }; Id = 'ParityNet.InvalidEpochs' }
        @{ Name = 'negative epochs'; Arguments = @{ Epochs = -3 }; Id = 'ParityNet.InvalidEpochs' }
        @{ Name = 'accuracy above 1'; Arguments = @{ TargetAccuracy = 2 }; Id = 'ParityNet.InvalidTarget' }
    ) {
        $net = New-ParityNetwork
        $seen = [System.Collections.Generic.List[object]]::new()
        $err = $null
        try { $net | ForEach-Object { $seen.Add($_); $_ } | Invoke-NetworkTraining @Arguments; throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $seen.Count | Should -Be 0 -Because 'the settings are checked before the first network is taken'
    }

    It 'names the bad value in the message' {
        { New-ParityNetwork | Invoke-NetworkTraining -Alpha -2 } | Should -Throw -ExpectedMessage '*Alpha -2*above 0*'
    }

    It 'reports an error when there is no network at all' {
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:PARITYNET_MANIFEST'; Invoke-NetworkTraining -Epochs 5; 'after'")
            $ps.Invoke() | Should -Be @('after')
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.NoCurrentNetwork,*'
        }
        finally { $ps.Dispose() }
    }

    It 'writes progress and verbose messages while training' {
        $ps = [PowerShell]::Create()
        try {
            # About two seconds of training here (0.1 ms an epoch), several times the 250 ms between records.
            $null = $ps.AddScript("Import-Module '$env:PARITYNET_MANIFEST'; New-ParityNetwork -Bits 12 -HiddenSize 64 | Invoke-NetworkTraining -Epochs 20000 -Verbose | Out-Null")
            $null = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 2 -Because 'status records while it runs, then Completed'
            $records.Count | Should -BeLessThan 300 -Because 'progress is throttled (about 4 a second), never per epoch'
            $records[-1].RecordType | Should -Be 'Completed'
            $records[0].StatusDescription | Should -Match 'Epoch \d+ of 20000'
            @($ps.Streams.Verbose | Where-Object Message -Match 'loss').Count | Should -BeGreaterThan 0
        }
        finally { $ps.Dispose() }
    }

    It 'on Ctrl+C keeps the last finished epoch as the current network, consistent, with a warning' {
        $testHost = [ParityNet.TestSupport.CapturingHost]::new()
        $ps = Start-BackgroundTraining 'New-ParityNetwork -Bits 12 -HiddenSize 32 | Invoke-NetworkTraining -Epochs 1000000' $testHost
        try {
            $ps.Stop()
            @($testHost.Warnings | Where-Object { $_ -match 'stopped at epoch \d+.*Get-ParityNetwork' }).Count | Should -Be 1

            $ps.Commands.Clear()
            $null = $ps.AddScript('$n = Get-ParityNetwork; $n; 0..$n.MaxNumber | Test-Parity -Network $n')
            $out = $ps.Invoke()
            $net = $out[0]
            $net.History.StopReason | Should -Be 'Cancelled'
            $net.History.EpochsRun | Should -BeGreaterThan 0
            $net.History.EpochsRun | Should -BeLessThan 1000000
            # Consistent: the loss and accuracy it reports are those of its weights' forward pass.
            $predictions = $out | Select-Object -Skip 1
            $mse = ($predictions | ForEach-Object { [math]::Pow($_.ExpectedLabel - $_.Probability, 2) } | Measure-Object -Average).Average
            $mse | Should -BeGreaterThan ($net.History.FinalLoss - 1e-12)
            $mse | Should -BeLessThan ($net.History.FinalLoss + 1e-12)
            (@($predictions | Where-Object Correct).Count / $predictions.Count) | Should -Be $net.History.FinalAccuracy
        }
        finally { $ps.Runspace.Dispose(); $ps.Dispose() }
    }
}

Describe 'Invoke-NetworkTraining: Ctrl+C in Barak et al.''s regime' {
    It 'stops a <Bits>-bit sparse-parity run with checks every 100 steps within two seconds, at a check, with its history whole' -ForEach @(
        @{ Bits = 50 }
        @{ Bits = 100 } # wide rows: two chunks a row
    ) {
        $testHost = [ParityNet.TestSupport.CapturingHost]::new()
        # No target: 200,000 steps take half a minute or more here, far longer than this test runs. (With -TargetAccuracy 1
        # a (50, 4) run can solve in the half second before the stop: a CI run saw it end Completed.)
        $ps = Start-BackgroundTraining ("New-ParityNetwork -Task SparseParity -Bits $Bits -Relevant 4 -HiddenSize 1000 -Activation ReLU " +
            "-Initialization PyTorch -SignedInputs -Seed 3 | Invoke-NetworkTraining -Optimizer Sgd -Alpha 0.1 -Loss Hinge -BatchSize 32 " +
            "-CheckEvery 100 -HeldOutSize 8192 -Steps 200000") $testHost
        try {
            Start-Sleep -Milliseconds 500 # some checks in: a check runs ahead on the other core while the next 100 steps train
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            # An epoch here is 100 steps and a check, 20-60 ms on this machine; two seconds hold with both cores busy.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $warning = @($testHost.Warnings | Where-Object { $_ -match 'stopped at step (\d+).*Get-ParityNetwork' })
            $warning.Count | Should -Be 1

            $ps.Commands.Clear()
            $null = $ps.AddScript('Get-ParityNetwork')
            $net = @($ps.Invoke())[0]
            $h = $net.History
            $h.StopReason | Should -Be 'Cancelled'
            $h.StepsPerEpoch | Should -Be 100
            # Stopped at a check: the steps run are whole epochs of 100, as the warning says, far short of the cap.
            $h.StepsRun | Should -Be ($h.EpochsRun * 100)
            $h.StepsRun | Should -BeGreaterThan 0
            $h.StepsRun | Should -BeLessThan 200000
            $warning[0] | Should -Match "step $($h.StepsRun);"
            # Every check recorded, the last one the run's end, and the hidden-progress measures beside each.
            $h.RecordedSteps[-1] | Should -Be $h.StepsRun
            $h.RecordedSteps.Count | Should -Be ($h.EpochsRun + 1)
            $h.HiddenProgress.DriftMax.Count | Should -Be $h.RecordedSteps.Count
            $h.HiddenProgress.DriftMax[-1] | Should -BeGreaterThan 0
            $h.FinalAccuracy | Should -Be $h.Accuracy[-1]
        }
        finally { $ps.Runspace.Dispose(); $ps.Dispose() }
    }
}

Describe 'Invoke-NetworkTraining: optimizers, losses, wide inputs' {
    It 'learns the Even task with <Optimizer> and its default alpha' -ForEach @(
        @{ Optimizer = 'GradientDescent'; Alpha = 0.5 }
        @{ Optimizer = 'Sgd'; Alpha = 0.5 }
        @{ Optimizer = 'Momentum'; Alpha = 0.1 }
        @{ Optimizer = 'AdaGrad'; Alpha = 0.1 }
        @{ Optimizer = 'Adam'; Alpha = 0.01 }
    ) {
        $net = New-ParityNetwork | Invoke-NetworkTraining -Optimizer $Optimizer
        $net.History.FinalAccuracy | Should -Be 1
        $net.History.Optimizer | Should -Be $Optimizer
        $net.History.Alpha | Should -Be $Alpha
        @(0..255 | Test-Parity -Network $net | Where-Object Correct).Count | Should -Be 256
    }

    It 'records the optimizer and its settings in the history' {
        $net = New-ParityNetwork | Invoke-NetworkTraining -Optimizer Momentum -Momentum 0.8 -Nesterov -BatchSize 64 -Loss CrossEntropy -Epochs 20 -Seed 5
        $s = $net.History.Settings
        $s.Optimizer | Should -Be 'Momentum'
        $s.Momentum | Should -Be 0.8
        $s.Nesterov | Should -BeTrue
        $s.Seed | Should -Be 5
        $net.History.BatchSize | Should -Be 64
        $net.History.LossFunction | Should -Be 'CrossEntropy'
    }

    It 'learns 3-bit parity (BitParity) with Adam and cross-entropy' {
        $net = New-ParityNetwork -Bits 3 -HiddenSize 8, 4 -Task BitParity -Activation Tanh -Initialization Xavier |
            Invoke-NetworkTraining -Optimizer Adam -Alpha 0.05 -Loss CrossEntropy -Epochs 3000 -TargetAccuracy 1
        $net.History.StopReason | Should -Be 'TargetReached'
        (0..7 | Test-Parity -Network $net).Prediction | Should -Be @('EvenOnes', 'OddOnes', 'OddOnes', 'EvenOnes', 'OddOnes', 'EvenOnes', 'EvenOnes', 'OddOnes')
    }

    It 'trains wide inputs on seeded samples and answers any number below 2^Bits' {
        $net = New-ParityNetwork -Bits 40 | Invoke-NetworkTraining -Optimizer Adam -Alpha 0.05 -Epochs 30 -SampleSize 1024
        $net.History.Sampled | Should -BeTrue
        $net.History.FinalAccuracy | Should -Be 1
        $big = [long][math]::Pow(2, 40) - 2
        (Test-Parity -Number $big -Network $net).Correct | Should -BeTrue
        $errors = $null
        $null = Test-Parity -Number ([long][math]::Pow(2, 40)) -Network $net -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputOutOfRange,*'
    }

    It 'rejects <Name> with a terminating ParityNet.InvalidBatchSize' -ForEach @(
        @{ Name = 'a batch size with full-batch gradient descent'; Arguments = @{ BatchSize = 8 } }
        @{ Name = 'a batch size of 0'; Arguments = @{ Optimizer = 'Sgd'; BatchSize = 0 } }
        @{ Name = 'a batch larger than the data'; Arguments = @{ Optimizer = 'Adam'; BatchSize = 257 } }
    ) {
        $err = $null
        try { New-ParityNetwork | Invoke-NetworkTraining @Arguments; throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidBatchSize,*'
        $err.Exception.Message | Should -Match 'BatchSize'
    }

    It 'completes <Parameter> with its values' -ForEach @(
        @{ Parameter = 'Optimizer'; Values = @('AdaGrad', 'Adam', 'GradientDescent', 'Momentum', 'Sgd') }
        @{ Parameter = 'Loss'; Values = @('CrossEntropy', 'Hinge', 'MeanSquaredError') }
    ) {
        $line = "Invoke-NetworkTraining -$Parameter "
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Sort-Object | Should -Be $Values
    }
}
