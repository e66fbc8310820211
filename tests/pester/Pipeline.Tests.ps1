BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . (Join-Path $PSScriptRoot 'OnnxTestHelpers.ps1')
    # Two networks that disagree on some numbers, so that a test sees which one answered.
    $script:a = New-TrainedNetwork -Bits 4 -Epochs 1000
    $script:b = New-TrainedNetwork -Bits 4 -Epochs 20
    $script:onnx = Join-Path $TestDrive 'a.onnx'
    $null = $script:a | Export-NetworkOnnx $script:onnx
}

Describe 'Pipelines that read naturally' {
    It 'Import-NetworkOnnx x.onnx | Test-Parity -Number 5 asks the imported network' {
        $p = Import-NetworkOnnx $script:onnx | Test-Parity -Number 5
        @($p).Count | Should -Be 1
        $p.Number | Should -Be 5
        [Math]::Abs($p.Probability - $script:a.Predict(5)) | Should -BeLessOrEqual 1e-6 -Because 'the imported weights are float32'
    }

    It 'a network piped in while -Number is given answers, for each network piped' {
        $p = @($script:a, $script:b | Test-Parity -Number 5, 6)
        $p.Count | Should -Be 4
        $p[0].Probability | Should -Be $script:a.Predict(5)
        $p[2].Probability | Should -Be $script:b.Predict(5)
        $script:a.Predict(5) | Should -Not -Be $script:b.Predict(5)
    }

    It 'integers piped in still bind to -Number, with -Network given' {
        $p = 0..15 | Test-Parity -Network $script:b
        @($p).Count | Should -Be 16
        $p[7].Probability | Should -Be $script:b.Predict(7)
    }

    It 'a network piped without -Number is a named error, not a silent answer' {
        $p = $script:a | Test-Parity -ErrorVariable problems -ErrorAction SilentlyContinue
        $p | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger*'
    }

    It 'a TrainingHistory piped on finds its network' {
        ($script:b.History | Test-Parity -Number 9).Probability | Should -Be $script:b.Predict(9)
        $result = $script:b.History | Export-NetworkOnnx (Join-Path $TestDrive 'history.onnx')
        [Math]::Abs((Import-NetworkOnnx $result.Path).Predict(9) - $script:b.Predict(9)) | Should -BeLessOrEqual 1e-6
    }

    It 'an export result piped on finds the network it wrote' {
        $result = $script:b | Export-NetworkOnnx (Join-Path $TestDrive 'b.onnx')
        $result.Network | Should -Be $script:b
        ($result | Test-Parity -Number 3).Probability | Should -Be $script:b.Predict(3)
    }

    It 'an object with a Network property binds by property name' {
        ([pscustomobject]@{ Network = $script:b } | Test-Parity -Number 3).Probability | Should -Be $script:b.Predict(3)
    }

    It 'Get-ChildItem *.onnx | Import-NetworkOnnx reads every file' {
        $folder = Join-Path $TestDrive 'many'
        New-Item -ItemType Directory $folder | Out-Null
        $null = $script:a | Export-NetworkOnnx (Join-Path $folder 'one.onnx')
        $null = $script:b | Export-NetworkOnnx (Join-Path $folder 'two.onnx')
        $networks = @(Get-ChildItem (Join-Path $folder '*.onnx') | Import-NetworkOnnx)
        $networks.Count | Should -Be 2
        [Math]::Abs($networks[0].Predict(5) - $script:a.Predict(5)) | Should -BeLessOrEqual 1e-6
        [Math]::Abs($networks[1].Predict(5) - $script:b.Predict(5)) | Should -BeLessOrEqual 1e-6
    }

    It 'Export-NetworkOnnx | Import-NetworkOnnx binds the result''s Path' {
        $network = $script:a | Export-NetworkOnnx (Join-Path $TestDrive 'round.onnx') | Import-NetworkOnnx
        [Math]::Abs($network.Predict(12) - $script:a.Predict(12)) | Should -BeLessOrEqual 1e-6
    }
}

Describe 'Verbose tells what was decided' {
    It 'Export-NetworkOnnx says how many inputs the cross-check compared' {
        $verbose = $script:a | Export-NetworkOnnx (Join-Path $TestDrive 'verbose.onnx') -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'agreed with the engine on all 16 inputs'
    }

    It 'Test-Parity says which network it uses' {
        $verbose = Test-Parity 1 -Network $script:a -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Using the network given'
    }

    It 'Invoke-NetworkTraining says its settings and why it stopped' {
        $verbose = Invoke-InFreshRunspace {
            New-ParityNetwork -Bits 3 | Invoke-NetworkTraining -Epochs 2000 -TargetAccuracy 1 -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        }
        ($verbose -join "`n") | Should -Match 'Training with GradientDescent, alpha 0.5'
        ($verbose -join "`n") | Should -Match 'on all 8 integers'
        ($verbose -join "`n") | Should -Match 'Stopped: TargetReached'
    }
}

Describe 'Progress during export cross-checks' {
    It 'writes progress records for a long check, and a Completed one' {
        # All 2^16 inputs through a wide network (just under the work that would make the check sample):
        # 2.1e9 multiply-adds, over the 2^30 from which a check shows progress, a record at each tenth.
        # Xavier keeps the sums small, so float32 ONNX Runtime stays within the 1e-6 tolerance.
        $wide = New-ParityNetwork -Bits 16 -HiddenSize 170, 170 -Initialization Xavier
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $env:PARITYNET_MANIFEST).AddStatement()
            $null = $ps.AddCommand('Export-NetworkOnnx').AddParameter('Network', $wide).AddParameter('Path', (Join-Path $TestDrive 'wide.onnx'))
            $result = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse -Because ($ps.Streams.Error -join '; ')
            $result[0].InputsCompared | Should -Be 65536
            $records = @($ps.Streams.Progress | Where-Object Activity -Like 'Export-NetworkOnnx*')
            $records.Count | Should -Be 11 -Because 'a status record at each tenth, then Completed'
            $records[-1].RecordType | Should -Be ([System.Management.Automation.ProgressRecordType]::Completed)
            @($records | Where-Object StatusDescription -Match '^\d+ of 65536 inputs compared').Count | Should -Be 10
            $records[-2].PercentComplete | Should -Be 100
        }
        finally { $ps.Dispose() }
    }

    It 'writes none for a short check' {
        $small = New-ParityNetwork -Bits 12 -HiddenSize 8
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $env:PARITYNET_MANIFEST).AddStatement()
            $null = $ps.AddCommand('Export-NetworkOnnx').AddParameter('Network', $small).AddParameter('Path', (Join-Path $TestDrive 'small.onnx'))
            $null = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse -Because ($ps.Streams.Error -join '; ')
            @($ps.Streams.Progress | Where-Object Activity -Like 'Export-NetworkOnnx*').Count | Should -Be 0
        }
        finally { $ps.Dispose() }
    }
}
