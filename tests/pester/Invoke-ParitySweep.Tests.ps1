# Issue 21: sweeps through the built module: grids and pipeline points checked up front, local runspaces and
# loopback SSH "hosts", bit-identical networks, the result file (resume, torn and corrupt lines, no point
# twice), Ctrl+C, progress, rehydration and the summary.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Sshd.ps1"
    . "$PSScriptRoot/helpers/Bounded.ps1"
    $script:manifest = $env:PARITYNET_MANIFEST

    # The bits of every prediction of a network: equal lists mean bit-identical networks.
    function Get-Bits($Network) { 0..$Network.MaxNumber | ForEach-Object { [BitConverter]::DoubleToInt64Bits($Network.Predict($_)) } }

    # The same point trained serially, here, by the two cmdlets.
    function Invoke-Serial([hashtable] $Settings) {
        $network = @{}; $training = @{}
        foreach ($name in $Settings.Keys) {
            if ($name -in 'Bits', 'HiddenSize', 'Task', 'Activation', 'Initialization', 'Seed', 'NoBias') { $network[$name] = $Settings[$name] } else { $training[$name] = $Settings[$name] }
        }
        $ps = [powershell]::Create()   # another runspace, so that this one's current network is untouched
        try { $ps.AddScript("param(`$n, `$t) Import-Module '$manifest'; New-ParityNetwork @n | Invoke-NetworkTraining @t").AddArgument($network).AddArgument($training).Invoke() | Select-Object -First 1 }
        finally { $ps.Dispose() }
    }
}

Describe 'Invoke-ParitySweep on local runspaces' {
    It 'a grid gives one result per combination, each the network a serial run gives, bit for bit' {
        $results = Invoke-ParitySweep -Grid @{ Bits = 4, 5; Seed = 1, 2; HiddenSize = @(6, 3), 4 } -Fixed @{ Alpha = 0.5; Epochs = 300 } -KeepNetwork -ThrottleLimit 2
        $results | Should -HaveCount 8
        @($results.Key | Sort-Object -Unique) | Should -HaveCount 8
        $results.Worker | ForEach-Object { $_ | Should -BeIn @('local:1', 'local:2') }
        foreach ($r in $results) {
            $r | Should -BeOfType ([ParityNet.SweepResult])
            $settings = @{ Bits = [int]$r.Settings.Bits; Seed = [long]$r.Settings.Seed; HiddenSize = [int[]]($r.Settings.HiddenSize -split ','); Alpha = 0.5; Epochs = 300 }
            $serial = Invoke-Serial $settings
            Get-Bits $r.Network | Should -Be (Get-Bits $serial) -Because $r.Key
            $r.EpochsRun | Should -Be $serial.History.EpochsRun
            $r.FinalLoss | Should -Be $serial.History.FinalLoss
            $r.Solved | Should -Be ($serial.History.FinalAccuracy -ge 1)
            $r.Attempts | Should -Be 1
        }
    }

    It 'points come one per pipeline object too: CSV rows with text values' {
        $csv = Join-Path $TestDrive 'points.csv'
        "Bits,Seed,HiddenSize,Alpha,NoBias`n4,1,3,0.5,false`n4,2,""3,2"",0.5,true" | Set-Content $csv
        $results = Import-Csv $csv | Invoke-ParitySweep -Fixed @{ Epochs = 100 } -KeepNetwork -ThrottleLimit 1
        $results | Should -HaveCount 2
        $results[0].Network.LayerSizes | Should -Be @(4, 3, 1)
        $results[1].Network.LayerSizes | Should -Be @(4, 3, 2, 1)
        $results[1].Network.HasBias | Should -BeFalse
        $results[0].Settings['Epochs'] | Should -Be '100'
    }

    It 'a blank CSV cell is a setting left out (so -Fixed gives it), not a 0' {
        $csv = Join-Path $TestDrive 'sparse.csv'
        "Bits,Seed,Alpha,Epochs`n4,3,,`n4,,0.5,20" | Set-Content $csv
        $results = Import-Csv $csv | Invoke-ParitySweep -Fixed @{ Alpha = 2; Epochs = 10 } -ThrottleLimit 1
        $results | Should -HaveCount 2
        $results[0].Key | Should -Be 'Alpha=2;Bits=4;Epochs=10;Seed=3'
        $results[1].Key | Should -Be 'Alpha=0.5;Bits=4;Epochs=20'
    }

    It 'a -ResultPath that is not a sweep''s result file is refused and left as it was' {
        $csv = Join-Path $TestDrive 'points-by-mistake.csv'
        "Bits,Seed`n4,1`n4,2" | Set-Content $csv -NoNewline
        $before = Get-FileHash $csv
        { Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1 } -Fixed @{ Epochs = 10 } -ResultPath $csv } | Should -Throw -ErrorId 'ParityNet.SweepResultLine,*'
        (Get-FileHash $csv).Hash | Should -Be $before.Hash
    }

    It 'an unknown name or a bad value is refused before any work, naming the point: <Name>' -ForEach @(
        @{ Name = 'a typo'; Grid = @{ Bits = 4; Seed = 1..3; Alhpa = 0.5 }; Match = "Point 1 \(.*\): 'Alhpa' is not a parameter of New-ParityNetwork or Invoke-NetworkTraining" }
        @{ Name = 'alpha 0 in the third point'; Grid = @{ Bits = 4; Alpha = 0.5, 1, 0 }; Match = 'Point 3 \(.*Alpha=0.*\): Alpha 0 is not a positive finite learning rate. Give -Alpha' }
        @{ Name = 'a network too large'; Grid = @{ Bits = 16; HiddenSize = @(65536, 65536), 4 }; Match = 'Point 1 .*needs about .* MiB' }
        @{ Name = 'text that is no number'; Grid = @{ Bits = 'four' }; Match = "Point 1 \(.*Bits=four.*\): Bits 'four' cannot be a whole number" }
        @{ Name = 'a batch larger than the data'; Grid = @{ Bits = 3; Optimizer = 'Adam'; BatchSize = 9 }; Match = 'BatchSize 9 is larger than the 8 rows' }
        # Issue 26: values the cmdlets refuse were silently changed (-3 ran 3, 8.5 ran 8, two tasks ran one, $null the default).
        @{ Name = 'a negative hidden size as text'; Grid = @{ Bits = 4; HiddenSize = '-3' }; Match = 'Point 1 \(.*HiddenSize=-3.*\): .*-3' }
        @{ Name = 'bits that are no whole number'; Grid = @{ Bits = 8.5 }; Match = "Point 1 \(.*Bits=8.5.*\): Bits '8.5' cannot be a whole number" }
        @{ Name = 'a hidden size that is no whole number'; Grid = @{ Bits = 4; HiddenSize = , @(4, 2.5) }; Match = "HiddenSize '4,2.5' cannot be a list of whole numbers" }
        @{ Name = 'two tasks in one'; Grid = @{ Bits = 4; Task = 'Even,BitParity' }; Match = "Task 'Even,BitParity' cannot be a ParityTask .*Give one of" }
        @{ Name = 'a setting that is $null'; Grid = @{ Bits = $null }; Match = 'Point 1 \(.*\): Bits is \$null; give it a value, or leave it out' }
    ) {
        $file = Join-Path $TestDrive "refused-$([guid]::NewGuid()).jsonl"
        $err = $null
        try { Invoke-ParitySweep -Grid $Grid -Fixed @{ Epochs = 10 } -ResultPath $file } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.SweepInvalidPoint,*'
        $err.Exception.Message | Should -Match $Match
        $err.Exception.Message | Should -Match 'Nothing was run'
        Test-Path $file | Should -BeFalse -Because 'nothing starts before every point is checked'
    }

    It 'shows progress: points done of the total and the workers' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$manifest'; Invoke-ParitySweep -Grid @{ Bits = 12; Seed = 1..6 } -Fixed @{ Alpha = 0.5; Epochs = 3000 } -ThrottleLimit 2")
            $out = $ps.Invoke()
            $out | Should -HaveCount 6
            $records = @($ps.Streams.Progress | Where-Object Activity -eq 'Invoke-ParitySweep')
            $records.Count | Should -BeGreaterThan 1
            $records[0].StatusDescription | Should -Match '^0 of 6 points done; \d running on \d workers?( \(\d starting\))?'
            @($records.StatusDescription -match 'running on 2 workers').Count | Should -BeGreaterThan 0 -Because 'both workers show once they have started'
            $records[-1].RecordType | Should -Be 'Completed'
        }
        finally { $ps.Dispose() }
    }

    It 'results rehydrate through Export-Clixml and a job: live results with live, identical networks' {
        $results = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 5, 6 } -Fixed @{ Alpha = 0.5; Epochs = 200 } -KeepNetwork
        $xml = Join-Path $TestDrive 'sweep.xml'
        $results | Export-Clixml $xml
        $back = Start-Job -ArgumentList $manifest, $xml {
            param($manifest, $xml)
            Import-Module $manifest
            $x = Import-Clixml $xml
            $x | ForEach-Object { $_.GetType().FullName; $_.Network.GetType().FullName; ($_.Network.Predict(3)).ToString('R') }
            Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 7 } -Fixed @{ Epochs = 50 } -KeepNetwork
        } | Receive-Job -Wait -AutoRemoveJob   # removed, not left open: a job left for the GC to close crashed the run later (PowerShell's signal timer)
        $back[0] | Should -Be 'ParityNet.SweepResult'
        $back[1] | Should -Be 'ParityNet.ParityNetwork'
        $back[2] | Should -Be $results[0].Network.Predict(3).ToString('R')
        $fromJob = $back[-1]
        $fromJob | Should -BeOfType ([ParityNet.SweepResult])
        $fromJob.Network | Should -BeOfType ([ParityNet.ParityNetwork])
        Get-Bits $fromJob.Network | Should -Be (Get-Bits (Invoke-Serial @{ Bits = 4; Seed = 7; Epochs = 50 }))
    }

    It 'the networks a sweep keeps chart with Export-TrainingChart, one run each, labelled by a script block' {
        $png = Join-Path $TestDrive 'alphas.png'
        $chart = Invoke-ParitySweep -Grid @{ Bits = 4; Alpha = 0.1, 2 } -Fixed @{ Epochs = 100 } -KeepNetwork |
            ForEach-Object Network | Export-TrainingChart $png -Label { "alpha $($_.History.Alpha)" }
        Test-Path $png | Should -BeTrue
        (Get-Item $png).Length | Should -BeGreaterThan 1000
    }

    It 'Measure-ParitySweep groups by the settings less the seed: solved fraction, median and range of the solved' {
        $results = Invoke-ParitySweep -Grid @{ Bits = 3; Alpha = 0.1, 2; Seed = 1..5 } -Fixed @{ Epochs = 400 }
        $summary = $results | Measure-ParitySweep
        $summary | Should -HaveCount 2
        foreach ($group in $summary) {
            $mine = @($results | Where-Object { $_.Settings.Alpha -eq $group.Settings.Alpha })
            $solved = @($mine | Where-Object Solved | ForEach-Object EpochsRun | Sort-Object)
            $group.Points | Should -Be 5
            $group.Solved | Should -Be $solved.Count
            $group.SolvedFraction | Should -Be ($solved.Count / 5)
            if ($solved.Count) {
                $group.MinEpochs | Should -Be $solved[0]
                $group.MaxEpochs | Should -Be $solved[-1]
                $middle = if ($solved.Count % 2) { $solved[($solved.Count - 1) / 2] } else { ($solved[$solved.Count / 2 - 1] + $solved[$solved.Count / 2]) / 2 }
                $group.MedianEpochs | Should -Be $middle
            }
            $group.Settings.Keys | Should -Not -Contain 'Seed'
        }
    }
}

Describe 'The result file: nothing lost, nothing twice' {
    BeforeAll {
        $script:grid = @{ Bits = 5; Seed = 1..6 }
        $script:fixed = @{ Alpha = 0.5; Epochs = 200 }
    }

    It 'each finished point is one line; a rerun skips them all, outputting them from the file' {
        $file = Join-Path $TestDrive 'all.jsonl'
        $first = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ResultPath $file
        @(Get-Content $file) | Should -HaveCount 6
        $again = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ResultPath $file -Verbose 4>&1
        ($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join ' ' | Should -Match 'holds 6 of the 6 points already; 0 to run'
        $results = @($again | Where-Object { $_ -is [ParityNet.SweepResult] })
        $results | Should -HaveCount 6
        $results | ForEach-Object { $_.FromFile | Should -BeTrue }
        ($results | Sort-Object Key).EpochsRun | Should -Be ($first | Sort-Object Key).EpochsRun
        @(Get-Content $file) | Should -HaveCount 6
        (Measure-ParitySweep -Path $file).Points | Should -Be 6
    }

    It 'a torn last line is reported and its point redone; a corrupt line is reported and skipped; none recorded twice' {
        $file = Join-Path $TestDrive 'torn.jsonl'
        $null = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ResultPath $file
        $lines = @(Get-Content $file)
        # Line 2 corrupt, the last line cut in the middle (a crash while writing), line 4 gone.
        $text = $lines[0] + "`n" + '{"key": "not json' + "`n" + $lines[2] + "`n" + $lines[4] + "`n" + $lines[5].Substring(0, 40)
        [IO.File]::WriteAllText($file, $text)
        $out = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ResultPath $file -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Message -join "`n" | Should -Match 'line 2: it is not a sweep result'
        $warnings.Message -join "`n" | Should -Match 'line 5: the last line has no line end'
        $out | Should -HaveCount 6
        @($out | Where-Object FromFile) | Should -HaveCount 3
        $read = @(Get-Content $file | ForEach-Object { try { [ParityNet.SweepLog]::Parse($_) } catch { } })
        $read | Should -HaveCount 6 -Because 'the three good lines, and the three points run again; the torn tail is gone'
        @($read.Key | Sort-Object -Unique) | Should -HaveCount 6
        (Measure-ParitySweep -Path $file -WarningAction SilentlyContinue).Points | Should -Be 6
    }

    It 'Ctrl+C stops the sweep within two seconds; the finished points are on disk and a rerun does the rest, each once' {
        $file = Join-Path $TestDrive 'stopped.jsonl'
        $sweep = "Invoke-ParitySweep -Grid @{ Bits = 12; Seed = 1..8; HiddenSize = 32 } -Fixed @{ Alpha = 0.5; Epochs = 1500 } -ResultPath '$file' -ThrottleLimit 2"
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$manifest'; $sweep")
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (@(Get-Content $file -ErrorAction Ignore).Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $handle.IsCompleted | Should -BeFalse
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        # Nothing half-written: every line is a whole result.
        $kept = @(Get-Content $file)
        $kept.Count | Should -BeLessThan 8
        $kept | ForEach-Object { { [ParityNet.SweepLog]::Parse($_) } | Should -Not -Throw }
        $rest = & ([scriptblock]::Create($sweep))
        $rest | Should -HaveCount 8
        @($rest | Where-Object FromFile) | Should -HaveCount $kept.Count
        $all = @(Get-Content $file | ForEach-Object { ([ParityNet.SweepLog]::Parse($_)).Key })
        $all | Should -HaveCount 8
        @($all | Sort-Object -Unique) | Should -HaveCount 8
    }
}


Describe 'Invoke-ParitySweep on remote sessions: two loopback SSH hosts and local runspaces' {
    BeforeAll {
        $script:skip = Get-SshdSkipReason
        if ($skip) { return }
        $script:hostA = Start-LoopbackSshd (Join-Path $TestDrive 'host-a')
        $script:hostB = Start-LoopbackSshd (Join-Path $TestDrive 'host-b')
    }
    AfterAll {
        if (-not $skip) { Stop-LoopbackSshd $hostA; Stop-LoopbackSshd $hostB }
    }

    It 'a point trained on another host is the network a serial run here gives, bit for bit' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $sessions = @(New-LoopbackSession $hostA; New-LoopbackSession $hostB)
        try {
            $results = Invoke-ParitySweep -Grid @{ Bits = 5; Seed = 11..14 } -Fixed @{ Alpha = 0.5; Epochs = 300 } -Session $sessions -ModulePath $manifest -ThrottleLimit 0 -KeepNetwork
            $results | Should -HaveCount 4
            $results.Worker | ForEach-Object { $_ | Should -Match '^session \d+ \(127\.0\.0\.1\)$' }
            foreach ($r in $results) {
                $r.Network | Should -BeOfType ([ParityNet.ParityNetwork])
                Get-Bits $r.Network | Should -Be (Get-Bits (Invoke-Serial @{ Bits = 5; Seed = [long]$r.Settings.Seed; Alpha = 0.5; Epochs = 300 })) -Because "$($r.Key) on $($r.Worker)"
            }
        }
        finally { $sessions | Remove-PSSession }
    }

    It 'a session without the module gets a named error that says how to install it, and the sweep goes on' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $session = New-LoopbackSession $hostA
        try {
            $results = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1, 2 } -Fixed @{ Epochs = 50 } -Session $session -ModulePath (Join-Path $TestDrive 'nowhere/ParityNet.psd1') -ThrottleLimit 1 -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.SweepModuleMissing,*'
            $errors[0].Exception.Message | Should -Match 'Install-PSResource ParityNet'
            $results | Should -HaveCount 2
            $results.Worker | Sort-Object -Unique | Should -Be 'local:1'
        }
        finally { $session | Remove-PSSession }
    }

    It 'a host killed mid-sweep: its point is run again elsewhere, with a warning; every point completes exactly once' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        # In a child pwsh of its own: when its SSH connection drops, PowerShell 7.6's SSH client may flush its buffered
        # input into the dead ssh process from a background thread (SSHClientSessionTransportManager.CloseConnection),
        # and the IOException it meets there ends the whole process (exit 134, "Broken pipe"). That is PowerShell's
        # crash, not ParityNet's, and must not take the rest of the suite with it: the child is run again, once, when
        # it ends so, and the test fails if it ends so twice or any check below fails.
        $child = @"
. '$PSScriptRoot/helpers/Sshd.ps1'
`$hostB = Start-LoopbackSshd (Join-Path '$TestDrive' "host-b2-`$PID")
`$hostC = Start-LoopbackSshd (Join-Path '$TestDrive' "host-c-`$PID")
`$sessions = @(New-LoopbackSession `$hostC; New-LoopbackSession `$hostB)
`$file = Join-Path '$TestDrive' "killed-`$PID.jsonl"
# Host C goes away once four points are recorded, while it runs one.
`$killer = Start-ThreadJob -ArgumentList `$hostC, `$file, '$PSScriptRoot/helpers/Sshd.ps1' {
    param(`$victim, `$file, `$helpers)
    . `$helpers
    `$deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (@(Get-Content `$file -ErrorAction Ignore).Count -lt 4 -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 20 }
    Stop-LoopbackSshd `$victim
}
try {
    `$results = Invoke-ParitySweep -Grid @{ Bits = 10; Seed = 1..16; HiddenSize = 16 } -Fixed @{ Alpha = 0.5; Epochs = 1500 } -Session `$sessions -ModulePath '$manifest' -ThrottleLimit 1 -ResultPath `$file -WarningVariable warnings -WarningAction SilentlyContinue
    `$null = `$killer | Wait-Job -Timeout 30
    `$lost = "session `$(`$sessions[0].Id) (127.0.0.1)"
    'RESULTS ' + @(`$results).Count + ' ' + @(`$results.Key | Sort-Object -Unique).Count
    `$lines = @(Get-Content `$file)
    'LINES ' + `$lines.Count + ' ' + @(`$lines | ForEach-Object { ([ParityNet.SweepLog]::Parse(`$_)).Key } | Sort-Object -Unique).Count
    'LOSTWARNING ' + [bool]((`$warnings.Message -join "``n") -match [regex]::Escape("`$lost failed during point"))
    'AGAINWARNING ' + [bool]((`$warnings.Message -join "``n") -match 'the point is run again on another worker')
    `$redone = @(`$results | Where-Object Attempts -eq 2)
    'REDONE ' + `$redone.Count + ' ' + [bool](`$redone.Count -eq 1 -and `$redone[0].Worker -ne `$lost)
    'ONLOST ' + @(`$results | Where-Object Worker -eq `$lost).Count
}
finally {
    `$sessions | Remove-PSSession -ErrorAction Ignore
    `$killer | Remove-Job -Force
    Stop-LoopbackSshd `$hostC
    Stop-LoopbackSshd `$hostB
}
"@
        $run = Invoke-Bounded -TimeoutSeconds 240 -Script $child
        'host-b2-', 'host-c-' | ForEach-Object { Stop-LeftoverSshd -Under (Join-Path $TestDrive $_) } # a child that crashed left its hosts running
        $crashed = { param($r) $r.ExitCode -eq 134 -and $r.Output -match 'Broken pipe' -and $r.Output -match 'SSHClientSessionTransportManager' }
        if (& $crashed $run) {
            Write-Warning "PowerShell's SSH client crashed the child (Broken pipe in SSHClientSessionTransportManager); running it again once."
            $run = Invoke-Bounded -TimeoutSeconds 240 -Script $child
            'host-b2-', 'host-c-' | ForEach-Object { Stop-LeftoverSshd -Under (Join-Path $TestDrive $_) }
        }
        (& $crashed $run) | Should -BeFalse -Because "PowerShell's SSH client crashed the child twice: $($run.Output)"
        $run.TimedOut | Should -BeFalse -Because $run.Output
        $lines = $run.Output -split "`r?`n"
        function Get-Line([string] $Tag) { ($lines | Where-Object { $_ -like "$Tag *" } | Select-Object -First 1) -replace "^$Tag ", '' }
        Get-Line 'RESULTS' | Should -Be '16 16' -Because $run.Output
        Get-Line 'LINES' | Should -Be '16 16'
        Get-Line 'LOSTWARNING' | Should -Be 'True'
        Get-Line 'AGAINWARNING' | Should -Be 'True'
        Get-Line 'REDONE' | Should -Be '1 True'
        [int](Get-Line 'ONLOST') | Should -BeLessThan 16
    }
}


Describe 'The parity table through the module (tools/ParityTable.ps1)' {
    It 'gives the same epochs per seed as the committed held-out table, on a slice: N = 2 … 6, seeds 21 … 25, both recipes' {
        $root = Split-Path $manifest
        $committed = @{}
        foreach ($line in Get-Content (Join-Path $root 'bench/results/parity-heldout-03d52f5afe42.txt')) {
            if ($line -match '^\[(lesson|best) N=(\d+) seed (\d+)\] (solved|not solved) after (\d+) epochs') {
                $committed["$($Matches[1]) $($Matches[2]) $($Matches[3])"] = @{ Epochs = [int]$Matches[5]; Solved = $Matches[4] -eq 'solved' }
            }
        }
        $output = & (Join-Path $root 'tools/ParityTable.ps1') -MinBits 2 -MaxBits 6 -Seeds 5 -FirstSeed 21 -ManifestPath $manifest -PassThru
        $results = @($output | Where-Object { $_ -is [ParityNet.SweepResult] })
        $results | Should -HaveCount 50
        foreach ($r in $results) {
            $recipe = if ($r.Settings.Activation -eq 'ReLU') { 'best' } else { 'lesson' }
            $expected = $committed["$recipe $($r.Settings.Bits) $($r.Settings.Seed)"]
            $expected | Should -Not -BeNullOrEmpty -Because $r.Key
            $r.EpochsRun | Should -Be $expected.Epochs -Because $r.Key
            $r.Solved | Should -Be $expected.Solved -Because $r.Key
        }
        $table = @($output | Where-Object { $_ -is [string] })
        $table | Where-Object { $_ -like '| best | 6 | 128 | 5/5 | 100% | 56 | 35–76 | *' } | Should -HaveCount 1
    }
}
