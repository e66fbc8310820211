# Issue 20, items 2 and 8: long file names, huge titles and labels, and Ctrl+C in the picture and trace cmdlets,
# through the built module. Hostile sizes run in a child pwsh under a wall clock and an address-space limit.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Bounded.ps1"
    . "$PSScriptRoot/helpers/Stop.ps1"
    . "$PSScriptRoot/OnnxTestHelpers.ps1"
    $script:net = New-TrainedNetwork -Bits 4 -HiddenSize 3 -Epochs 200
}

Describe 'Temporary names fit the file system''s 255-byte limit' {
    It '<Cmdlet> writes a legal <Name> name and leaves no temporary file' -ForEach @(
        @{ Cmdlet = 'Export-NetworkOnnx'; Name = '230-character'; File = ('a' * 225) + '.onnx' }
        @{ Cmdlet = 'Export-NetworkOnnx'; Name = '255-byte (two-byte characters)'; File = ([string][char]0xE9 * 125) + '.onnx' }
        @{ Cmdlet = 'Export-TrainingChart'; Name = '230-character'; File = ('b' * 226) + '.png' }
        @{ Cmdlet = 'Export-NetworkDiagram'; Name = '255-byte (four-byte characters)'; File = ([char]::ConvertFromUtf32(0x1F600) * 62) + 'x.png' + '' }
    ) {
        $folder = Join-Path $TestDrive ([guid]::NewGuid())
        $null = New-Item -ItemType Directory $folder
        [Text.Encoding]::UTF8.GetByteCount($File) | Should -BeLessOrEqual 255
        $path = Join-Path $folder $File
        $null = $net | & $Cmdlet $path
        Test-Path -LiteralPath $path | Should -BeTrue
        @(Get-ChildItem $folder -Force) | Should -HaveCount 1 -Because 'only the file itself: no temporary file left'
    }
}

Describe 'Titles and labels are bounded' {
    It 'a million-character -Title and -Label chart in seconds, cut to 200 characters with a warning' {
        $png = Join-Path $TestDrive 'huge-label.png'
        $run = Invoke-Bounded -TimeoutSeconds 60 -Script @"
`$n = New-ParityNetwork -Bits 4 -HiddenSize 3 | Invoke-NetworkTraining -Epochs 100
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$n | Export-TrainingChart '$png' -Title ('t' * 1000000) -Label ('l' * 1000000) -WarningVariable w -WarningAction SilentlyContinue | Out-Null
'SECONDS:' + `$clock.Elapsed.TotalSeconds
`$w | ForEach-Object { 'WARNING:' + `$_.Message }
`$clock.Restart()
`$n | Export-NetworkDiagram '$png.diagram.png' -Title ('d' * 1000000) -WarningVariable w2 -WarningAction SilentlyContinue | Out-Null
'SECONDS:' + `$clock.Elapsed.TotalSeconds
`$w2 | ForEach-Object { 'WARNING:' + `$_.Message }
"@
        $run.TimedOut | Should -BeFalse
        $lines = $run.Output -split "`r?`n"
        $seconds = @($lines | Where-Object { $_ -like 'SECONDS:*' } | ForEach-Object { [double]($_ -replace '^SECONDS:', '') })
        $seconds | Should -HaveCount 2
        $seconds | ForEach-Object { $_ | Should -BeLessThan 10 -Because 'a million characters took 100 s before' }
        $warnings = ($lines | Where-Object { $_ -like 'WARNING:*' }) -join "`n"
        $warnings | Should -Match '-Title has 1000000 characters; a picture shows at most 200'
        $warnings | Should -Match 'The label of run 1 has 1000000 characters'
        Test-Path $png | Should -BeTrue
    }
}

Describe 'Ctrl+C in Trace-ParityNetwork, Export-NetworkDiagram and Export-TrainingChart' {
    It 'Trace-ParityNetwork on a wide network stops within a number, keeping the traces already made' {
        # A 16-4096-4096-1 network: each number's trace (every synapse's contribution and step) takes about a second.
        # Stopped once traces have come out twice, so the pace of the other 99 is measured under the same load.
        $stop = Stop-When '$n = New-ParityNetwork -Bits 16 -HiddenSize 4096, 4096; 0..100 | Trace-ParityNetwork -Network $n | ForEach-Object Number' -Until {
            param($run) $run.Arrivals.Count -ge 2 }
        Assert-StoppedEarly $stop -SecondsLeft (Get-SecondsLeft $stop -Total 101)
        $stop.Output.Count | Should -BeLessOrEqual ($stop.Arrivals[-1].Count + 1) -Because 'the number being traced at Ctrl+C is not finished'
        $stop.Output[0..1] | Should -Be 0, 1 -Because 'the numbers traced before Ctrl+C are kept'
    }

    It 'Export-TrainingChart of 80 long runs at 10000 px stops mid-render, and writes nothing' {
        # Drawn in one go this chart took 34 s, deaf to Stop, and was written anyway; its curves are now drawn in
        # pieces with a checkpoint between them. The same chart is drawn once unstopped first, so the stop is held
        # to the render's length on this machine under its present load (5 s of CPU here).
        $ps = [powershell]::Create()
        try { $runs = $ps.AddScript("Import-Module '$($env:PARITYNET_MANIFEST)'; 1..80 | ForEach-Object { New-ParityNetwork -Bits 3 -Seed `$_ | Invoke-NetworkTraining -Epochs 20000 }").Invoke() }
        finally { $ps.Dispose() }
        $runs | Should -HaveCount 80
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = $runs | Export-TrainingChart (Join-Path $TestDrive 'unstopped.png') -Width 10000 -Height 10000
        $renderSeconds = $clock.Elapsed.TotalSeconds
        $folder = Join-Path $TestDrive 'stopped-chart'
        $null = New-Item -ItemType Directory $folder
        $png = Join-Path $folder 'huge-chart.png'
        # The marker comes after the last run reached the chart, as its EndProcessing starts to draw.
        $stop = Stop-When "`$runs | ForEach-Object { `$_ } -End { Write-Information 'render' } | Export-TrainingChart '$png' -Width 10000 -Height 10000" -Variables @{ runs = $runs } -Until {
            param($run) $run.Information.MessageData -contains 'render' } -Folder $folder
        Assert-StoppedEarly $stop -SecondsLeft $renderSeconds
        Test-Path $png | Should -BeFalse
    }

    It 'Export-NetworkDiagram of a network near the engine''s size limit is quick: heatmaps pooled to 256 cells across' {
        # 16-6000-6000-1 is 36 million weights, near the 4 GiB training limit; drawn cell by cell it took seconds.
        $png = Join-Path $TestDrive 'wide.png'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps = [powershell]::Create()
        try { $null = $ps.AddScript("Import-Module '$($env:PARITYNET_MANIFEST)'; New-ParityNetwork -Bits 16 -HiddenSize 6000, 6000 | Export-NetworkDiagram '$png'").Invoke() }
        finally { $ps.Dispose() }
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
        Test-Path $png | Should -BeTrue
    }
}

Describe 'The bounded child (helpers/Bounded.ps1) itself' {
    It 'returns when the child ends, even if a process the child left behind still holds its output' {
        # The child starts a 60-second sleep that inherits its stdout and stderr, prints a line, and ends. Read from a
        # pipe, the output would not end until the sleep did (this hung a CI run when a crashed child left an sshd);
        # read from a file, the harness returns as soon as the child has exited.
        $marker = "paritynet-orphan-$([guid]::NewGuid().ToString('n'))"
        $script = "`$start = [Diagnostics.ProcessStartInfo]::new('/bin/sh'); `$start.UseShellExecute = `$false; " +
            "foreach (`$a in '-c', 'exec sleep 60', '$marker') { `$start.ArgumentList.Add(`$a) }; " +
            "`$p = [Diagnostics.Process]::Start(`$start); 'ORPHAN ' + `$p.Id; 'DONE'"
        $run = Invoke-Bounded -Script $script -TimeoutSeconds 50
        try {
            $run.TimedOut | Should -BeFalse -Because $run.Output
            $run.Seconds | Should -BeLessThan 40 -Because 'the 60-second sleep still holds the output it inherited'
            $run.Output | Should -Match 'DONE'
            $orphan = [int](($run.Output -split "`r?`n" | Where-Object { $_ -like 'ORPHAN *' }) -replace '^ORPHAN ', '')
            Get-Process -Id $orphan -ErrorAction Ignore | Should -Not -BeNullOrEmpty -Because 'the sleep outlives the child, holding its output'
        }
        finally {
            if ($orphan) { Stop-Process -Id $orphan -Force -ErrorAction Ignore }
        }
    }
}
