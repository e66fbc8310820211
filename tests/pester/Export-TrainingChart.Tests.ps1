BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . (Join-Path $PSScriptRoot 'OnnxTestHelpers.ps1')
    $script:gd = New-TrainedNetwork -Bits 4 -Epochs 300
    $script:adam = Invoke-InFreshRunspace { New-ParityNetwork -Bits 4 | Invoke-NetworkTraining -Optimizer Adam -Epochs 300 }

    # Width and height from a PNG's IHDR chunk, after checking the 8-byte signature.
    function Get-PngSize([string] $Path) {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $signature = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        for ($i = 0; $i -lt 8; $i++) { if ($bytes[$i] -ne $signature[$i]) { throw "$Path is not a PNG (byte $i is $($bytes[$i]))." } }
        if ([System.Text.Encoding]::ASCII.GetString($bytes, 12, 4) -ne 'IHDR') { throw "$Path has no IHDR chunk first." }
        $be = { param($at) ([int]$bytes[$at] -shl 24) -bor ([int]$bytes[$at + 1] -shl 16) -bor ([int]$bytes[$at + 2] -shl 8) -bor [int]$bytes[$at + 3] }
        [pscustomobject]@{ Width = & $be 16; Height = & $be 20; Length = $bytes.Length }
    }
}

Describe 'Export-TrainingChart' {
    It 'draws a trained network to a PNG of the requested size' {
        $path = Join-Path $TestDrive 'one.png'
        $file = $script:gd | Export-TrainingChart $path -Width 640 -Height 360
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $path
        $size = Get-PngSize $path
        $size.Width | Should -Be 640
        $size.Height | Should -Be 360
        $size.Length | Should -BeGreaterThan 5000 -Because 'a chart with axes, lines and text is not a blank image'
    }

    It 'draws several histories on one chart with a legend, and the image differs from one run alone' {
        $one = Join-Path $TestDrive 'single.png'
        $two = Join-Path $TestDrive 'compare.png'
        $null = $script:gd.History | Export-TrainingChart $one
        $null = $script:gd.History, $script:adam.History | Export-TrainingChart $two -Label 'gd', 'adam' -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Tee-Object -Variable verbose
        ($verbose.Message -join "`n") | Should -Match 'Drew 2 run\(s\) \(gd; adam\)'
        (Get-PngSize $two).Width | Should -Be 800
        (Get-PngSize $two).Height | Should -Be 500
        (Get-FileHash $one).Hash | Should -Not -Be (Get-FileHash $two).Hash
    }

    It 'draws the same chart for the same runs (deterministic)' {
        $a = Join-Path $TestDrive 'det-a.png'
        $b = Join-Path $TestDrive 'det-b.png'
        $null = $script:gd | Export-TrainingChart $a
        $null = $script:gd | Export-TrainingChart $b
        (Get-FileHash $a).Hash | Should -Be (Get-FileHash $b).Hash
    }

    It 'keeps an existing file without -Force (ParityNet.FileExists), overwrites with it' {
        $path = Join-Path $TestDrive 'exists.png'
        Set-Content $path 'old'
        $script:gd | Export-TrainingChart $path -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.FileExists*'
        Get-Content $path | Should -Be 'old'
        $null = $script:gd | Export-TrainingChart $path -Force -Width 300 -Height 200
        (Get-PngSize $path).Width | Should -Be 300
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.png'
        $script:gd | Export-TrainingChart $path -WhatIf | Should -BeNullOrEmpty
        Test-Path $path | Should -BeFalse
    }

    It 'refuses an untrained network with ParityNet.ChartNotTrained, and draws the rest' {
        $path = Join-Path $TestDrive 'mixed.png'
        $out = (New-ParityNetwork -Bits 4), $script:gd | Export-TrainingChart $path -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.ChartNotTrained*'
        $out.FullName | Should -Be $path
    }

    It 'says ParityNet.ChartNothingToDraw when nothing drawable came in, and leaves no file' {
        $path = Join-Path $TestDrive 'none.png'
        New-ParityNetwork -Bits 4 | Export-TrainingChart $path -ErrorVariable problems -ErrorAction SilentlyContinue
        ($problems.FullyQualifiedErrorId -join ' ') | Should -Match 'ParityNet\.ChartNothingToDraw'
        Test-Path $path | Should -BeFalse
    }

    It 'leaves no temporary file behind, and fails by name for a missing folder' {
        $folder = Join-Path $TestDrive 'tmpcheck'
        New-Item -ItemType Directory $folder | Out-Null
        $null = $script:gd | Export-TrainingChart (Join-Path $folder 'c.png')
        @(Get-ChildItem $folder -Force).Name | Should -Be @('c.png')
        $script:gd | Export-TrainingChart (Join-Path $TestDrive 'no/such/folder.png') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.FileNotFound*'
    }

    It 'resolves a relative path from the PowerShell location' {
        Push-Location $TestDrive
        try { $file = $script:gd | Export-TrainingChart rel.png } finally { Pop-Location }
        $file.FullName | Should -Be (Join-Path $TestDrive 'rel.png')
    }

    It 'draws the session''s current network when given no input' {
        $path = Join-Path $TestDrive 'current.png'
        $null = Invoke-InFreshRunspace {
            param($path)
            $null = New-ParityNetwork -Bits 3 | Invoke-NetworkTraining -Epochs 50
            Export-TrainingChart $path -Width 200 -Height 150
        } -ArgumentList $path
        (Get-PngSize $path).Width | Should -Be 200
        (Get-PngSize $path).Height | Should -Be 150
    }
}

Describe 'Export-TrainingChart output reads like Get-Item''s' {
    It 'the file it returns carries the provider''s view: its size and mode show' {
        $file = $gd | Export-TrainingChart (Join-Path $TestDrive 'view.png')
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.PSProvider.Name | Should -Be 'FileSystem'
        $shown = $file | Format-Table | Out-String
        $shown | Should -Match ([regex]::Escape("$($file.Length)"))
    }
}

# Issue 28: steps on the horizontal axis (a log scale too), and the hidden-progress view.
Describe 'Export-TrainingChart on a step axis, and -Show HiddenProgress' {
    BeforeAll {
        $sparse = New-ParityNetwork -Bits 20 -HiddenSize 32 -Task SparseParity -Relevant 3 -Activation ReLU -Initialization PyTorch -SignedInputs -Seed 5
        $sgd = @{ Optimizer = 'Sgd'; Alpha = 0.1; Loss = 'Hinge'; BatchSize = 32; CheckEvery = 100; HeldOutSize = 1024 }
        $script:run = $sparse | Invoke-NetworkTraining @sgd -Steps 2000
        $script:control = $sparse | Invoke-NetworkTraining @sgd -Steps 1000 -RandomLabels
        # A history that knows no steps and no measures, as one read from an ONNX file.
        $script:bare = [ParityNet.TrainingHistory]::FromSummary('GradientDescent', [ParityNet.TrainingOptions]::new(), 100, 0.01, 1.0, [timespan]::FromSeconds(1), 'EpochsDone')

        function Get-Verbose([scriptblock] $Script) { (& $Script 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" }
    }

    It 'draws a run trained with -CheckEvery against steps by default, and against epochs with -XAxis Epochs' {
        $script:run.History.StepsRun | Should -Be 2000
        Get-Verbose { $script:run | Export-TrainingChart (Join-Path $TestDrive 'steps.png') -Verbose } |
            Should -Match 'The horizontal axis: step \(every run was trained with -CheckEvery\)'
        Get-Verbose { $script:run | Export-TrainingChart (Join-Path $TestDrive 'epochs.png') -XAxis Epochs -Verbose } |
            Should -Match 'The horizontal axis: epoch\.'
        Get-Verbose { $script:gd | Export-TrainingChart (Join-Path $TestDrive 'lesson.png') -Verbose } |
            Should -Match 'The horizontal axis: epoch\.' -Because 'a run without -CheckEvery keeps its epochs'
        (Get-FileHash (Join-Path $TestDrive 'steps.png')).Hash | Should -Not -Be (Get-FileHash (Join-Path $TestDrive 'epochs.png')).Hash
    }

    It 'draws steps on a log scale with -LogSteps, step 0 left out' {
        $path = Join-Path $TestDrive 'log.png'
        Get-Verbose { $script:run, $script:control | Export-TrainingChart $path -LogSteps -Verbose } |
            Should -Match 'step \(log scale; step 0, before training, is not drawn\)'
        (Get-PngSize $path).Width | Should -Be 800
        (Get-FileHash $path).Hash | Should -Not -Be (Get-FileHash (Join-Path $TestDrive 'steps.png')).Hash
    }

    It 'refuses <Named> for a history without steps (ParityNet.ChartNoSteps), naming the run and the switch, and writes nothing' -ForEach @(
        @{ Switch = @{ LogSteps = $true }; Named = '-LogSteps' }
        @{ Switch = @{ XAxis = 'Steps' }; Named = '-XAxis Steps' }
    ) {
        $path = Join-Path $TestDrive 'nosteps.png'
        $script:bare | Export-TrainingChart $path @Switch -Label 'from onnx' -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.ChartNoSteps,*'
        $problems[0].Exception.Message | Should -Match "'from onnx' has no steps recorded"
        $problems[0].Exception.Message | Should -Match ([regex]::Escape($Named))
        Test-Path $path | Should -BeFalse
    }

    It 'refuses -LogSteps with -XAxis Epochs (ParityNet.ChartAxisConflict), and writes nothing' {
        $path = Join-Path $TestDrive 'conflict.png'
        $script:run | Export-TrainingChart $path -XAxis Epochs -LogSteps -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.ChartAxisConflict,*'
        Test-Path $path | Should -BeFalse
    }

    It 'draws a run and its random-label control with -Show HiddenProgress, 800 x 900 by default, the same bytes each time' {
        $a = Join-Path $TestDrive 'hp-a.png'
        $b = Join-Path $TestDrive 'hp-b.png'
        $verbose = Get-Verbose { $script:run, $script:control | Export-TrainingChart $a -Show HiddenProgress -Label 'run', 'control' -Verbose -WarningVariable warned }
        $verbose | Should -Match "titled 'Hidden progress of 2 runs: run, control'"
        $warned | Should -BeNullOrEmpty
        $size = Get-PngSize $a
        $size.Width, $size.Height | Should -Be 800, 900
        $size.Length | Should -BeGreaterThan 20000
        $null = $script:run, $script:control | Export-TrainingChart $b -Show HiddenProgress -Label 'run', 'control'
        (Get-FileHash $a).Hash | Should -Be (Get-FileHash $b).Hash
    }

    It 'draws DriftMax alone for a run without a support, and on a log step axis' {
        $path = Join-Path $TestDrive 'hp-lesson.png'
        $null = $script:gd | Export-TrainingChart $path -Show HiddenProgress
        (Get-PngSize $path).Height | Should -Be 900
        $null = $script:run | Export-TrainingChart (Join-Path $TestDrive 'hp-log.png') -Show HiddenProgress -LogSteps -LogLoss -Width 1000 -Height 800
        (Get-PngSize (Join-Path $TestDrive 'hp-log.png')).Width | Should -Be 1000
    }

    It 'leaves the caption out of a picture too small for it, and says so' {
        $path = Join-Path $TestDrive 'hp-small.png'
        $null = $script:run | Export-TrainingChart $path -Show HiddenProgress -Height 300 -WarningVariable warned -WarningAction SilentlyContinue
        $warned[0].Message | Should -Match 'no room for the caption'
        (Get-PngSize $path).Height | Should -Be 300
    }

    It 'refuses -Show HiddenProgress for a history without the measures (ParityNet.ChartNoHiddenProgress), and writes nothing' {
        $path = Join-Path $TestDrive 'hp-bare.png'
        $script:bare | Export-TrainingChart $path -Show HiddenProgress -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.ChartNoHiddenProgress,*'
        Test-Path $path | Should -BeFalse
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'hp-whatif.png'
        $script:run, $script:control | Export-TrainingChart $path -Show HiddenProgress -LogSteps -WhatIf | Should -BeNullOrEmpty
        Test-Path $path | Should -BeFalse
    }

    It 'draws a run that came back from Export-Clixml as it drew the run itself' {
        $xml = Join-Path $TestDrive 'run.xml'
        $script:run, $script:control | Export-Clixml $xml
        $back = Import-Clixml $xml
        $fresh = Join-Path $TestDrive 'hp-fresh.png'
        $again = Join-Path $TestDrive 'hp-again.png'
        $null = $script:run, $script:control | Export-TrainingChart $fresh -Show HiddenProgress -LogSteps -Label 'run', 'control'
        $null = $back | Export-TrainingChart $again -Show HiddenProgress -LogSteps -Label 'run', 'control'
        (Get-FileHash $again).Hash | Should -Be (Get-FileHash $fresh).Hash
    }
}
