# Issue 28, items 2 and 3, through the built module: Barak et al.'s regime as options a user can name (±1 inputs,
# PyTorch's initialization, hinge loss, checks every so many steps on a held-out set of their own, -Steps, weight
# decay, the random-label control) and the hidden-progress measures in the history; both travel to another process
# through Clixml and JSON, bit for bit; every wrong combination is a named error that says the fix.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Bounded.ps1"
    $script:regime = @{ Optimizer = 'Sgd'; Alpha = 0.1; Loss = 'Hinge'; BatchSize = 32; CheckEvery = 100; HeldOutSize = 8192 }
    # An unseen seed for this file: (20, 3) solves in under a thousand steps.
    $script:net = New-ParityNetwork -Bits 20 -HiddenSize 1000 -Task SparseParity -Relevant 3 -Activation ReLU -Initialization PyTorch -SignedInputs -Seed 2718
    $script:solved = $net | Invoke-NetworkTraining @regime -Steps 20000 -TargetAccuracy 1
    function Get-Xor([long] $Number, [int[]] $Support) {
        $x = 0
        foreach ($bit in $Support) { $x = $x -bxor (($Number -shr $bit) -band 1) }
        $x
    }
    # Every double a network and its history carry, as hex of its bytes: equal text is equal bits.
    function Get-Bytes($Network) {
        $h = $Network.History.HiddenProgress
        $values = @($Network.WeightValues | ForEach-Object { $_ }) + @($Network.Biases | ForEach-Object { $_ }) +
            @($Network.History.Loss) + @($h.DriftMax) + @($h.DriftSum) + @($h.SupportWeightMax) + @($h.OtherWeightMax) + @($h.SupportMovement) + @($h.ControlMovement)
        ($values | ForEach-Object { [Convert]::ToHexString([BitConverter]::GetBytes([double]$_)) }) -join ''
    }
}

Describe 'Sparse parity in Barak et al.''s regime' {
    It 'solves (20, 3) at a check, counting steps, and answers held-out numbers by the XOR of the support' {
        $h = $solved.History
        $h.StopReason | Should -Be 'TargetReached'
        $h.FinalAccuracy | Should -Be 1
        $h.StepsPerEpoch | Should -Be 100
        $h.StepsRun % 100 | Should -Be 0
        $h.StepsRun | Should -BeLessThan 5000
        $h.RecordedSteps[-1] | Should -Be $h.StepsRun
        $h.Settings.ToString() | Should -Match '20000 steps, checked every 100, batches of 32, 8192 held out'
        $solved.SignedInputs | Should -BeTrue
        ($solved | Format-List | Out-String) | Should -Match 'Inputs\s+: ±1'
        $random = [Random]::new(5)
        $numbers = 1..300 | ForEach-Object { [long]$random.NextInt64(1L -shl 20) }
        $answers = $numbers | Test-Parity -Network $solved
        foreach ($a in $answers) { $a.ExpectedLabel | Should -Be (Get-Xor $a.Number $solved.Support) }
        @($answers | Where-Object { -not $_.Correct }).Count | Should -BeLessOrEqual 3
    }

    It 'records the hidden-progress measures at every check, the support pulling away by the end' {
        $p = $solved.History.HiddenProgress
        $n = $solved.History.RecordedEpochs.Count
        foreach ($list in 'DriftMax', 'DriftSum', 'SupportWeightMax', 'OtherWeightMax', 'SupportMovement', 'ControlMovement') { $p.$list | Should -HaveCount $n }
        $p.SupportBits | Should -Be $solved.Support
        $p.ControlBits | Should -HaveCount 3
        @($p.ControlBits | Where-Object { $_ -in $solved.Support }) | Should -HaveCount 0
        $p.DriftMax[0] | Should -Be 0
        $p.SupportWeightMax[-1] | Should -BeGreaterThan $p.OtherWeightMax[-1]
        $p.SupportMovement[-1] | Should -BeGreaterThan (2 * $p.ControlMovement[-1])
    }

    It 'runs a random-label control: same network and stream, the task never learnt, the weights moved' {
        $control = $net | Invoke-NetworkTraining @regime -Steps 1500 -RandomLabels
        $control.History.Settings.RandomLabels | Should -BeTrue
        $control.History.StepsRun | Should -Be 1500
        $control.History.FinalAccuracy | Should -BeGreaterThan 0.4
        $control.History.FinalAccuracy | Should -BeLessThan 0.6
        $control.History.HiddenProgress.DriftMax[-1] | Should -BeGreaterThan 0
        $control.History.HiddenProgress.SupportMovement[-1] | Should -BeLessThan (3 * $control.History.HiddenProgress.ControlMovement[-1])
    }

    It 'applies weight decay as PyTorch does: decayed weights end smaller' {
        $plain = $net | Invoke-NetworkTraining @regime -Steps 300
        $decayed = $net | Invoke-NetworkTraining @regime -Steps 300 -WeightDecay 0.1
        $decayed.History.Settings.WeightDecay | Should -Be 0.1
        $size = { param($n) ($n.WeightValues[0] | ForEach-Object { $_ * $_ } | Measure-Object -Sum).Sum }
        (& $size $decayed) | Should -BeLessThan (& $size $plain)
    }

    It 'refuses a wrong combination by name, saying the fix: <Name>' -ForEach @(
        @{ Name = '-Steps without -CheckEvery'; Arguments = @{ Optimizer = 'Sgd'; Steps = 1000 }; Match = 'needs -CheckEvery' }
        @{ Name = '-Steps and -Epochs'; Arguments = @{ Optimizer = 'Sgd'; CheckEvery = 100; Steps = 1000; Epochs = 5 }; Match = 'give one of them' }
        @{ Name = '-Steps not a multiple'; Arguments = @{ Optimizer = 'Sgd'; CheckEvery = 100; Steps = 150 }; Match = 'not a positive multiple of -CheckEvery 100' }
        @{ Name = '-CheckEvery with GradientDescent'; Arguments = @{ CheckEvery = 100 }; Match = 'GradientDescent takes one full-batch step' }
        @{ Name = 'a negative -WeightDecay'; Arguments = @{ WeightDecay = -1 }; Match = 'WeightDecay -1 is not a finite number' }
    ) {
        $err = $null
        try { $net | Invoke-NetworkTraining @Arguments } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidArgument,*'
        $err.Exception.Message | Should -Match $Match
    }

    It 'refuses sampled-only options on a network that trains on every integer, and signed inputs without biases' {
        $err = $null
        try { New-ParityNetwork -Bits 8 | Invoke-NetworkTraining -Optimizer Sgd -CheckEvery 10 } catch { $err = $_ }
        $err.Exception.Message | Should -Match 'CheckEvery applies to sampled inputs, but this 8-bit network trains on all 256 integers'
        $err = $null
        try { New-ParityNetwork -SignedInputs -NoBias } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidArgument,*'
        $err.Exception.Message | Should -Match 'Signed .* inputs need biases.*Drop -NoBias'
    }
}

Describe 'The regime and its measures travel' {
    It 'through Export-Clixml to another process, bit for bit' {
        $file = Join-Path $TestDrive 'solved.xml'
        $solved | Export-Clixml $file
        $expected = Get-Bytes $solved
        $run = Invoke-Bounded -TimeoutSeconds 120 -Script @"
`$back = [ParityNet.ParityNetwork] (Import-Clixml '$file')
`$back.GetType().FullName
`$back.SignedInputs
`$back.History.StepsRun
`$back.History.Settings.CheckEvery
`$back.History.Settings.HeldOutSize
`$back.History.LossFunction
`$h = `$back.History.HiddenProgress
`$values = @(`$back.WeightValues | % { `$_ }) + @(`$back.Biases | % { `$_ }) + @(`$back.History.Loss) + @(`$h.DriftMax) + @(`$h.DriftSum) + @(`$h.SupportWeightMax) + @(`$h.OtherWeightMax) + @(`$h.SupportMovement) + @(`$h.ControlMovement)
'BYTES=' + ((`$values | % { [Convert]::ToHexString([BitConverter]::GetBytes([double]`$_)) }) -join '')
[BitConverter]::DoubleToInt64Bits((Test-Parity -Number 123457 -Network `$back).Probability)
"@
        $lines = $run.Output -split "`r?`n"
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $lines | Should -Contain 'ParityNet.ParityNetwork'
        $lines | Should -Contain 'True'
        $lines | Should -Contain "$($solved.History.StepsRun)"
        $lines | Should -Contain 'Hinge'
        $lines | Should -Contain "BYTES=$expected"
        $lines | Should -Contain "$([BitConverter]::DoubleToInt64Bits((Test-Parity -Number 123457 -Network $solved).Probability))"
    }

    It 'through ConvertTo-Json -Depth 6 and back, bit for bit' {
        $back = [ParityNet.ParityNetwork] ($solved | ConvertTo-Json -Depth 6 | ConvertFrom-Json)
        Get-Bytes $back | Should -Be (Get-Bytes $solved)
        $back.SignedInputs | Should -BeTrue
        $back.History.Settings.CheckEvery | Should -Be 100
    }

    It 'refuses an edited measure by name' {
        $file = Join-Path $TestDrive 'edited.xml'
        $solved | Export-Clixml $file
        $xml = Get-Content $file -Raw
        # The first DriftMax value after the zero at step 0 made negative: no training moves a weight by less than nothing.
        $edited = [regex]::Replace($xml, '(<Obj N="DriftMax"[\s\S]*?<LST>\s*<Db>0</Db>\s*<Db>)([^<]+)', '${1}-1', 1)
        $edited | Should -Not -Be $xml
        Set-Content $file $edited
        $err = $null
        try { Import-Clixml $file | Invoke-NetworkTraining -Optimizer Sgd -Epochs 1 } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidNetwork,*'
        $err.Exception.Message | Should -Match 'DriftMax'
    }
}
