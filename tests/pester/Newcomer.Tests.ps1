# Issue 16: the rough edges a newcomer met, through the built module.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/OnnxTestHelpers.ps1"
    function Get-Verbose([scriptblock] $Script) { (& $Script 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" }
}

Describe 'The network in use is the one the user expects' {
    It 'Import-NetworkOnnx makes the imported network current, and says so' {
        $out = Invoke-InFreshRunspace {
            param($folder)
            $path = Join-Path $folder 'p5.onnx'
            New-ParityNetwork -Bits 5 -Task BitParity | Invoke-NetworkTraining -Epochs 5 | Export-NetworkOnnx $path | Out-Null
            $null = New-ParityNetwork -Bits 8 | Invoke-NetworkTraining -Epochs 5     # another network is current now
            $verbose = Import-NetworkOnnx $path -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            (Test-Parity 3).Bits
            (Get-ParityNetwork).Task
            ($verbose.Message -join ' ')
        } -ArgumentList $TestDrive
        $out[0] | Should -Be '00011'
        $out[1] | Should -Be 'BitParity'
        $out[2] | Should -Match "now the session's current one"
    }

    It 'Get-ParityNetwork with no current network offers only what works' {
        $message = Invoke-InFreshRunspace { try { Get-ParityNetwork -ErrorAction Stop } catch { $_.Exception.Message } } -AllowErrors
        $message | Should -Match 'Invoke-NetworkTraining'
        $message | Should -Match 'Import-NetworkOnnx'
        $message | Should -Match 'Get-ParityNetwork -Default'
        $message | Should -Not -Match 'New-ParityNetwork \| Get-ParityNetwork'
        $message | Should -Not -Match ' -Network\b' -Because 'Get-ParityNetwork has no -Network parameter'
    }
}

Describe 'Parity is findable' {
    It 'a BitParity run that ends near chance warns with a recipe that works, and the recipe works' {
        $warnings = Invoke-InFreshRunspace {
            $null = New-ParityNetwork -Bits 5 -Task BitParity | Invoke-NetworkTraining -WarningVariable w -WarningAction SilentlyContinue
            $w.Message
        }
        $warnings | Should -Match 'near chance'
        $recipe = ($warnings -split 'This recipe solves it \(the parity table in docs/parity-table.md; full-batch Adam\): ')[1]
        $recipe | Should -Match '^New-ParityNetwork -Bits 5 -Task BitParity'
        $recipe | Should -Match '-BatchSize 32 '   # the full batch of 2^5
        $solved = Invoke-InFreshRunspace { param($r) (Invoke-Expression $r).History } -ArgumentList $recipe
        $solved.StopReason | Should -Be 'TargetReached'
        $solved.FinalAccuracy | Should -Be 1
    }

    It 'a wide BitParity run near chance is told the truth: no full batch of 2^N to try, the table stops at 16 bits' {
        $warnings = Invoke-InFreshRunspace {
            $null = New-ParityNetwork -Bits 24 -Task BitParity -HiddenSize 8 | Invoke-NetworkTraining -Epochs 3 -SampleSize 256 -WarningVariable w -WarningAction SilentlyContinue
            $w.Message
        }
        $warnings | Should -Match 'near chance'
        $warnings | Should -Not -Match 'BatchSize' -Because 'a batch of 2^24 integers is not something the engine enumerates'
        $warnings | Should -Match 'up to 16 bits'
        $warnings | Should -Match '256 an epoch here'
    }

    It 'BitParity predictions say what they mean: 3 has an even count of 1 bits' {
        $net = New-ParityNetwork -Bits 3 -Task BitParity
        (Test-Parity -Network $net -Number 3).Expected | Should -Be 'EvenOnes'
        (Test-Parity -Network $net -Number 7).Expected | Should -Be 'OddOnes'
    }
}

Describe 'Views that do not mislead' {
    It 'a history shows alpha readably, and its settings only what applies' {
        $h = Invoke-InFreshRunspace { (New-ParityNetwork -Bits 4 | Invoke-NetworkTraining -Alpha 0.123456 -Epochs 3).History }
        ($h | Format-Table | Out-String) | Should -Match '0\.1235'
        "$($h.Settings)" | Should -Be 'GradientDescent, alpha 0.123456, MeanSquaredError, 3 epochs'
        "$($h.Settings)" | Should -Not -Match '= ,'
    }

    It 'a spec shows its hidden sizes' {
        "$((New-ParityNetwork -HiddenSize 8, 4).Spec)" | Should -Be '8-8-4-1 Even, Sigmoid, Uniform, bias, seed 1'
    }

    It 'the prediction table keeps Bits last, so a short number makes a short row' {
        $lines = (0..3 | Test-Parity -Network (New-ParityNetwork -Bits 4) | Format-Table | Out-String) -split "`n" | Where-Object { $_ -match '\d' }
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessThan 50
        $lines[0] | Should -Match '0000\s*$'
    }
}

Describe 'Charts people can read' {
    BeforeAll {
        $script:runs = Invoke-InFreshRunspace { $n = New-ParityNetwork -Bits 4; 0.1, 2 | ForEach-Object { $n | Invoke-NetworkTraining -Alpha $_ -Epochs 20 } }
    }

    It 'a -Label count that does not match the runs is a named error, and nothing is written' {
        $path = Join-Path $TestDrive 'mismatch.png'
        $errors = @()
        $null = $runs | Export-TrainingChart $path -Label 'a', 'b', 'c' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.ChartLabelCount,*'
        $errors[0].Exception.Message | Should -Match '3 labels for 2 run'
        Test-Path $path | Should -BeFalse
    }

    It 'a path without an extension gets .png' {
        $file = $runs | Export-TrainingChart (Join-Path $TestDrive 'noext')
        $file.Name | Should -Be 'noext.png'
        Test-Path (Join-Path $TestDrive 'noext.png') | Should -BeTrue
    }

    It '-Show draws only the loss or only the accuracy, and says so in the title' {
        (Get-Verbose { $runs | Export-TrainingChart (Join-Path $TestDrive 'loss-only.png') -Show Loss -Verbose }) | Should -Match "titled 'Loss of 2 runs"
        (Get-Verbose { $runs | Export-TrainingChart (Join-Path $TestDrive 'acc-only.png') -Show Accuracy -Verbose }) | Should -Match "titled 'Accuracy of 2 runs"
    }

    It '-LogLoss draws the loss on a log scale: another picture of the same runs' {
        $linear = $runs | Export-TrainingChart (Join-Path $TestDrive 'linear.png') -Show Loss
        $log = $runs | Export-TrainingChart (Join-Path $TestDrive 'log.png') -Show Loss -LogLoss
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($log.FullName)) | Should -Not -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes($linear.FullName)))
    }

    It 'the default title says what is compared' {
        $verbose = Get-Verbose { $runs | Export-TrainingChart (Join-Path $TestDrive 'title.png') -Verbose }
        $verbose | Should -Match "titled 'Loss and accuracy of 2 runs: GradientDescent α=0.1, GradientDescent α=2'"
    }
}

Describe 'Verbose says what was decided' {
    It 'New-ParityNetwork says what it made' {
        Get-Verbose { New-ParityNetwork -Bits 5 -NoBias -Verbose } | Should -Match 'untrained 5-4-1 network .* no biases'
    }

    It 'training names the batch: Sgd''s default 32 on 5 bits is the full batch' {
        $verbose = Invoke-InFreshRunspace { New-ParityNetwork -Bits 5 | Invoke-NetworkTraining -Optimizer Sgd -Epochs 2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message }
        ($verbose -join ' ') | Should -Match 'the full batch of 32 rows per step'
        $verbose = Invoke-InFreshRunspace { New-ParityNetwork -Bits 8 | Invoke-NetworkTraining -Optimizer Sgd -BatchSize 16 -Epochs 2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message }
        ($verbose -join ' ') | Should -Match 'batches of 16 rows \(16 steps an epoch\)'
    }
}

Describe 'The synapses are visible' {
    It 'Format-List shows each weight matrix as labelled rows and columns, and .Synapses is .Weights' {
        $net = New-ParityNetwork -Bits 4 -Seed 7
        $text = $net | Format-List | Out-String -Width 120
        $text | Should -Match 'syn0 \(4 inputs x 4 units\)'
        $text | Should -Match 'unit 0\s+unit 1\s+unit 2\s+unit 3'
        $text | Should -Match ('in 0\s+' + [regex]::Escape($net.Weights[0][0, 0].ToString('0.000', [cultureinfo]::InvariantCulture)))
        $net.Synapses.Count | Should -Be 2
        ($net.Synapses[0] | Out-String) | Should -Match 'in 3'
    }

    It 'a matrix larger than 16x16 prints its first rows and columns and says how many more' {
        $text = (New-ParityNetwork -Bits 20 -HiddenSize 40).Weights[0].ToText()
        $text | Should -Match '24 more'      # 40 units, 16 shown
        $text | Should -Match '4 more rows'  # 20 inputs, 16 shown
    }
}
