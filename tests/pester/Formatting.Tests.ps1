BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . (Join-Path $PSScriptRoot 'OnnxTestHelpers.ps1')
    $PSStyle.OutputRendering = 'PlainText'
    $script:trained = New-TrainedNetwork -Bits 4 -Epochs 400
    $script:untrained = New-ParityNetwork -Bits 4
    function Get-Lines([object[]] $InputObject) {
        @(($InputObject | Out-String -Width 120) -split '\r?\n' | Where-Object { $_.Trim() })
    }
}

Describe 'Views' {
    It 'shows predictions as a table of Number, Bits, Prediction, Probability to 4 places, Correct' {
        $lines = Get-Lines (0..3 | Test-Parity -Network $script:trained)
        $lines[0] | Should -Match '^\s*Number\s+Prediction\s+Probability\s+Correct\s+Bits\s*$'
        $lines.Count | Should -Be 6
        $p = (Test-Parity 2 -Network $script:trained).Probability
        $lines[4] | Should -Match ('^\s*2\s+Even\s+' + [regex]::Escape($p.ToString('0.0000', [cultureinfo]::InvariantCulture)) + '\s+True\s+0010\s*$')
    }

    It 'shows a sparse-parity prediction''s label whole: EvenSupport and OddSupport, not cut short' {
        $net = New-ParityNetwork -Bits 8 -Task SparseParity -Support 1, 2
        $lines = Get-Lines (2, 6 | Test-Parity -Network $net)
        $lines[2] | Should -Match '^\s*2\s+(Even|Odd)Support\s+[01]\.\d{4}\s+(True|False)\s+00000010\s*$'
        $lines[3] | Should -Match '^\s*6\s+(Even|Odd)Support\s+[01]\.\d{4}\s+(True|False)\s+00000110\s*$'
        $lines | Should -Not -Match '…'
    }

    It 'shows a network in one line: shape, task, trained, final loss, accuracy' {
        $lines = Get-Lines $script:trained
        $lines.Count | Should -Be 3
        $lines[0] | Should -Match 'Shape\s+Task\s+Activation\s+Trained\s+Training\s+FinalLoss\s+Accuracy'
        $loss = $script:trained.History.FinalLoss.ToString('0.000000', [cultureinfo]::InvariantCulture)
        $lines[2] | Should -Match ('^4-4-1\s+Even\s+Sigmoid\s+True\s+400 epochs\s+' + [regex]::Escape($loss) + '\s+100\.0 %')
        (Get-Lines $script:untrained)[2] | Should -Match '^4-4-1\s+Even\s+Sigmoid\s+False\s*$'
    }

    It 'shows a history with its loss curve as a sparkline' {
        $history = $script:trained.History
        $history.LossSparkline.Length | Should -Be ([ParityNet.TrainingHistory]::SparklineWidth)
        $history.LossSparkline | Should -Match '^[▁▂▃▄▅▆▇█]+$'
        # The loss falls: the curve starts at the top and ends at the bottom.
        $history.LossSparkline[0] | Should -Be '█'
        $history.LossSparkline[-1] | Should -Be '▁'
        $lines = Get-Lines $history
        $lines[0] | Should -Match 'Optimizer\s+Alpha\s+Steps\s+StopReason\s+Loss\s+Accuracy\s+LossCurve'
        $lines[2] | Should -Match ('GradientDescent\s+0\.5\s+400\s+EpochsDone\s+.*' + [regex]::Escape($history.LossSparkline) + '\s*$')
    }

    It 'counts a run checked every few steps in steps, in the network, history and sweep views' {
        $net = New-ParityNetwork -Task SparseParity -Bits 20 -Relevant 2 -HiddenSize 16 -Activation ReLU -SignedInputs -Seed 3 |
            Invoke-NetworkTraining -Optimizer Sgd -Alpha 0.1 -Loss Hinge -BatchSize 8 -CheckEvery 25 -HeldOutSize 64 -Epochs 4
        $net.History.StepsRun | Should -Be 100
        (Get-Lines $net)[2] | Should -Match '\s100 steps\s'
        (Get-Lines $net.History)[2] | Should -Match '^Sgd\s+0\.1\s+100\s+EpochsDone\s'
        # A long run, as a history read back from a file would show it: 163,100 steps fit the column as 163.1k.
        $long = [pscustomobject]@{ PSTypeName = 'ParityNet.TrainingHistory'; Optimizer = 'Sgd'; Alpha = 0.1; EpochsRun = 1631; StepsRun = 163100
            StopReason = 'TargetReached'; FinalLoss = 0.01; FinalAccuracy = 1.0; LossSparkline = '█▁' }
        (Get-Lines $long)[2] | Should -Match '^Sgd\s+0\.1\s+163\.1k\s+TargetReached\s'
        $point = [pscustomobject]@{ PSTypeName = 'ParityNet.SweepResult'; FinalAccuracy = 1.0; EpochsRun = 1631; StepsRun = 163100
            WallTime = [timespan]::FromSeconds(2); Worker = 'local 1'; FromFile = $false; Key = 'Bits=50;Relevant=3' }
        (Get-Lines $point)[2] | Should -Match '^yes\s+163,100 steps\s+100\.0%'
        $point.StepsRun = $null
        (Get-Lines $point)[2] | Should -Match '^yes\s+1,631 epochs\s+100\.0%'
    }

    It 'fits the network, history and prediction views in 80 columns' {
        foreach ($object in @($script:trained, $script:trained.History, (Test-Parity 3 -Network $script:trained))) {
            foreach ($line in (($object | Out-String -Width 80) -split '\r?\n')) { $line.TrimEnd().Length | Should -BeLessOrEqual 80 }
            ($object | Out-String -Width 80) | Should -Not -Match '…' -Because 'no column is cut'
            ($object | Out-String -Width 79) | Should -Not -Match '…' -Because 'an 80-column console leaves 79 for the table'
        }
    }

    It 'shows an export result as a table' {
        $result = $script:trained | Export-NetworkOnnx (Join-Path $TestDrive 'view.onnx')
        $lines = Get-Lines $result
        $lines[0] | Should -Match 'Path\s+Bytes\s+Opset\s+Checked\s+MaxAbsDiff'
        $lines[2] | Should -Match ('view\.onnx\s+' + $result.Bytes + '\s+17\s+16\s+')
    }

    It 'shows every property with Format-List' {
        $text = $script:trained | Format-List * | Out-String -Width 200
        foreach ($name in 'Task', 'Bits', 'LayerSizes', 'HiddenSizes', 'Activation', 'HasBias', 'Seed', 'Weights', 'Biases', 'History', 'IsTrained', 'MaxNumber') {
            $text | Should -Match "(?m)^$name\s+:"
        }
    }
}

Describe 'Output types' {
    It '<Name> declares [OutputType]' -TestCases @(
        (Import-PowerShellDataFile $env:PARITYNET_MANIFEST).CmdletsToExport | ForEach-Object { @{ Name = $_ } }) {
        param($Name)
        (Get-Command $Name).OutputType.Type | Should -Not -BeNullOrEmpty
    }
}

Describe 'JSON' {
    It 'serialises a trained network with its weights, without cycles or giant internals' {
        $json = $script:trained | ConvertTo-Json -Depth 5 -WarningAction Stop
        $json.Length | Should -BeLessThan 60000 -Because 'a 4-4-1 network with 400 epochs of history is small'
        $back = $json | ConvertFrom-Json
        $back.Bits | Should -Be 4
        $back.Weights.Count | Should -Be 2
        $back.Weights[0].Values[1][2] | Should -Be $script:trained.Weights[0].Values[1][2]
        $back.Biases[1][0] | Should -Be $script:trained.Biases[1][0]
        $back.History.Loss.Count | Should -Be $script:trained.History.Loss.Count
        $back.History.Loss.Count | Should -BeGreaterOrEqual 400
        $back.History.LossSparkline | Should -Be $script:trained.History.LossSparkline
        $back.History.PSObject.Properties.Name | Should -Not -Contain 'Owner'
    }

    It 'serialises an export result with the network it wrote' {
        $result = $script:trained | Export-NetworkOnnx (Join-Path $TestDrive 'json.onnx')
        $back = $result | ConvertTo-Json -Depth 6 -WarningAction Stop | ConvertFrom-Json
        $back.Path | Should -Be $result.Path
        $back.Network.Weights[1].Values[3][0] | Should -Be $script:trained.Weights[1].Values[3][0]
    }
}
