# Issue 26: a sweep's result file through the built module. One sweep owns the file at a time (two processes at once:
# one refused or both served, never a lost, repeated or corrupt record); a writer killed mid-line; Stop heard while a
# 10^6-line file is read; an oversized file refused by its size; results out of range run again; warnings escaped,
# a few and a count, saying "run again" only where a point runs. Child processes run under a wall clock: a hang fails.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Bounded.ps1"
    . "$PSScriptRoot/helpers/Stop.ps1"

    # Starts $Script in a fresh pwsh with the module imported, killed by the clock after $TimeoutSeconds; stdout is
    # collected. Returns the process (of coreutils' timeout) and the task that reads its output.
    function Start-Child([string] $Script, [int] $TimeoutSeconds = 120) {
        $prelude = "`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'; Import-Module '$($env:PARITYNET_MANIFEST)'`n"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($prelude + $Script))
        $info = [Diagnostics.ProcessStartInfo]::new('timeout')
        foreach ($a in @('--kill-after=5', "$TimeoutSeconds") + @(Get-PwshCommandLine) + @('-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', $encoded)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.WorkingDirectory = $TestDrive
        $process = [Diagnostics.Process]::Start($info)
        [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
    }

    # Waits for a child; a child still running after $Seconds, or killed by its clock, fails the test.
    function Wait-Child($Child, [int] $Seconds = 150) {
        if (-not $Child.Process.WaitForExit($Seconds * 1000)) { $Child.Process.Kill($true); throw "A child pwsh did not finish within $Seconds s: a hang." }
        if ($Child.Process.ExitCode -in 124, 137) { throw "A child pwsh was killed by its clock: a hang. Output: $($Child.Output.Result) $($Child.Errors.Result)" }
        $Child.Output.Result + $Child.Errors.Result
    }

    # The keys of a result file's lines; a line that is not a whole result fails the test.
    function Get-FileKeys([string] $Path) {
        @(Get-Content -LiteralPath $Path | ForEach-Object { ([ParityNet.SweepLog]::Parse($_)).Key })
    }

    function New-ResultLine([long] $Seed, [hashtable] $Change = @{}) {
        $settings = [Collections.Generic.Dictionary[string, string]]::new()
        $settings['Bits'] = '4'; $settings['Seed'] = "$Seed"
        $line = [ParityNet.SweepLog]::Format([ParityNet.SweepResult]::new("Bits=4;Seed=$Seed", $settings,
                4, 10, 'EpochsDone', 0.1, 0.5, [TimeSpan]::FromMilliseconds(3), 'local:1', 1, [DateTime]::UtcNow, $null, $false))
        foreach ($name in $Change.Keys) { $line = $line -replace "`"$name`":[^,]+", "`"$name`":$($Change[$name])" }
        $line
    }
}

Describe 'One sweep owns its result file' {
    It 'two sweeps started at once from two processes: one refused or both served, never a lost, repeated or corrupt record (trial <Trial>)' -ForEach @(
        @{ Trial = 1 }, @{ Trial = 2 }
    ) {
        $file = Join-Path $TestDrive "both-$Trial.jsonl"
        $go = Join-Path $TestDrive "go-$Trial"
        # Both children import the module first and then start together, so that their sweeps overlap.
        $children = foreach ($seeds in '1..6', '7..12') {
            Start-Child @"
`$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (-not (Test-Path '$go') -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 5 }
try {
    `$results = @(Invoke-ParitySweep -Grid @{ Bits = 5; Seed = $seeds; Alpha = 0.5, 1 } -Fixed @{ Epochs = 300 } -ResultPath '$file' -ThrottleLimit 1 -WarningAction SilentlyContinue)
    'SERVED ' + ((`$results | Where-Object { -not `$_.FromFile }).Key -join '|')
} catch { 'REFUSED ' + (`$_.FullyQualifiedErrorId -split ',')[0] }
"@
        }
        Start-Sleep -Milliseconds 500
        $null = New-Item -ItemType File $go
        $reported = @()
        foreach ($child in $children) {
            $output = Wait-Child $child
            $line = @($output -split "`r?`n" | Where-Object { $_ -match '^(SERVED|REFUSED) ' })
            $line | Should -HaveCount 1 -Because "each child says what became of its sweep: $output"
            if ($line[0] -like 'REFUSED *') { $line[0] | Should -Be 'REFUSED ParityNet.SweepResultFileInUse' }
            else { $keys = @($line[0].Substring(7) -split '\|'); $keys | Should -HaveCount 12; $reported += $keys }
        }
        $reported.Count | Should -BeGreaterThan 0 -Because 'at least one sweep is served'
        $recorded = Get-FileKeys $file
        $recorded | Should -HaveCount $reported.Count -Because 'every reported point is on disk, once'
        @($recorded | Sort-Object -Unique) | Should -HaveCount $recorded.Count
        @($reported | Where-Object { $_ -notin $recorded }) | Should -HaveCount 0
    }

    It 'a file held by another process: a sweep is refused at once by name and the file, torn line included, is left as it was; readers still read; after the holder is killed mid-line a sweep repairs the file and runs the rest' {
        $file = Join-Path $TestDrive 'held.jsonl'
        $null = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1 } -Fixed @{ Epochs = 50 } -ResultPath $file
        $half = (Get-Content $file).Replace('Seed=1', 'Seed=2').Replace('"Seed":"1"', '"Seed":"2"').Substring(0, 60)
        $ready = Join-Path $TestDrive 'held.ready'
        # A writer that owns the file, has written half a line, and is killed there (as a crash or kill -9 would).
        $holder = Start-Child "`$log = [ParityNet.SweepLog]::Open('$file'); [IO.File]::AppendAllText('$file', '$half'); Set-Content '$ready' `$PID; Start-Sleep 300" -TimeoutSeconds 200
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $ready) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Test-Path $ready | Should -BeTrue -Because 'the holder took the file'
            Start-Sleep -Milliseconds 200
            $before = (Get-FileHash $file).Hash

            $id = Get-BoundedErrorId "Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1..3 } -Fixed @{ Epochs = 50 } -ResultPath '$file'" -TimeoutSeconds 60
            $id | Should -Be 'ParityNet.SweepResultFileInUse'
            $script:LastBoundedMessage | Should -Match 'in use by another sweep'
            $script:LastBoundedMessage | Should -Match 'Wait for that sweep to finish .* or give this one another -ResultPath'
            (Get-FileHash $file).Hash | Should -Be $before -Because 'a refused sweep neither cuts the torn line nor writes'

            $summary = Measure-ParitySweep -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
            $summary.Points | Should -Be 1
            $warnings.Message | Should -Match 'line 2: the last line has no line end .* It is left out \(a sweep may be writing it now\)'
        }
        finally {
            if (Test-Path $ready) { Stop-Process -Id ([int](Get-Content $ready)) -Force -ErrorAction Ignore }
            $null = $holder.Process.WaitForExit(30000)
        }
        $out = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1..3 } -Fixed @{ Epochs = 50 } -ResultPath $file -WarningVariable warnings -WarningAction SilentlyContinue
        $out | Should -HaveCount 3
        @($out | Where-Object FromFile).Settings.Seed | Should -Be '1'
        ($warnings.Message -join "`n") | Should -Match 'line 2: the last line has no line end and is not a whole result: a sweep stopped while writing it\. It was removed from the file'
        $keys = Get-FileKeys $file
        $keys | Should -HaveCount 3
        @($keys | Sort-Object -Unique) | Should -HaveCount 3
    }
}

Describe 'Reading a result file' {
    It '<Name> hears Stop while it reads a 10^6-line result file' -ForEach @(
        @{ Name = 'Invoke-ParitySweep'; Script = { param($f) "Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1 } -Fixed @{ Epochs = 50 } -ResultPath '$f' -WarningAction SilentlyContinue" } }
        @{ Name = 'Measure-ParitySweep -Path'; Script = { param($f) "Measure-ParitySweep -Path '$f' -WarningAction SilentlyContinue" } }
    ) {
        $file = Join-Path $TestDrive 'million.jsonl'
        if (-not (Test-Path $file)) {
            # One line a million times: each is parsed in full, then counted as a repeat, so the reading costs what
            # a million points cost, without holding a million results.
            $block = ((New-ResultLine 1) + "`n") * 10000
            $writer = [IO.StreamWriter]::new($file)
            try { foreach ($i in 1..100) { $writer.Write($block) } } finally { $writer.Dispose() }
        }
        # The phase is the reading itself, seen from the bytes this process has read since the command began
        # (Linux's /proc/self/io; .NET reads files with pread, so a descriptor's offset does not move): stopped
        # once a sixteenth of the file is read and before half of it is.
        if (-not (Test-Path /proc/self/io)) { Set-ItResult -Skipped -Because 'this system has no /proc/self/io to see how far a read has got'; return }
        $size = (Get-Item $file).Length
        if (-not $script:fullRead) {
            # How long the whole read takes here, now, under this machine's load: the work a Stop must cut short.
            $script:fullRead = (Measure-Command { Measure-ParitySweep -Path $file -WarningAction SilentlyContinue }).TotalSeconds
        }
        $seen = @{ Start = -1L; At = 0L }
        $until = {
            param($run)
            $read = [long]((Get-Content /proc/self/io | Select-String '^rchar:\s+(\d+)').Matches.Groups[1].Value)
            if ($run.Information.Count -eq 0) { return $false }   # the marker just before the command
            if ($seen.Start -lt 0) { $seen.Start = $read; return $false }
            $seen.At = $read - $seen.Start
            $seen.At -ge $size / 16 -and $seen.At -lt $size / 2
        }.GetNewClosure()
        $run = Stop-When -Script ("Write-Information 'reading'; " + (& $Script $file)) -Until $until
        $left = $script:fullRead * (1 - $seen.At / $size)
        Assert-StoppedEarly $run -SecondsLeft $left
    }

    It '<Command> refuses a result file larger than any sweep writes by its size, unread, with the sweep''s own error' -ForEach @(
        @{ Command = 'Measure-ParitySweep'; Script = { param($f) Measure-ParitySweep -Path $f } }
        @{ Command = 'Invoke-ParitySweep'; Script = { param($f) Invoke-ParitySweep -Grid @{ Bits = 4 } -ResultPath $f } }
    ) {
        $file = Join-Path $TestDrive 'huge.jsonl'
        $stream = [IO.File]::Create($file)
        try { $stream.SetLength([ParityNet.SweepLog]::MaxFileBytes + 1) } finally { $stream.Dispose() }   # sparse: no disk used
        $err = $null
        try { & $Script $file } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.SweepResultFileTooLarge,*'
        $err.Exception.Message | Should -Match 'more than the 1024 MiB a sweep''s result file may hold.* it was not read'
        (Get-Item $file).Length | Should -Be ([ParityNet.SweepLog]::MaxFileBytes + 1)
    }
}

Describe 'What the file holds, checked and told' {
    It 'a result out of range is named in an escaped warning and its point runs again; Measure-ParitySweep leaves it out and says nothing runs' {
        $file = Join-Path $TestDrive 'ranges.jsonl'
        $lines = @(
            New-ResultLine 1 @{ finalAccuracy = 7 }
            New-ResultLine 2 @{ finalAccuracy = '"Infinity"' }
            New-ResultLine 3 @{ epochsRun = -5 }
            New-ResultLine 4 @{ stopReason = "`"Exploded\u001B[2J\u0007\u202E`"" }
            New-ResultLine 5
            New-ResultLine 6 @{ wallTimeMs = 1e300 }
            "{`"key`": `"`e[31m`a$([char]0x202E)evil"
        )
        Set-Content $file $lines
        $measured = Measure-ParitySweep -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
        $measured.Points | Should -Be 1
        $measured.Solved | Should -Be 0 -Because 'an accuracy of 7 or infinity counts as nothing'
        $text = $warnings.Message -join "`n"
        $text | Should -Match 'line 1: its FinalAccuracy 7 is outside 0 to 1'
        $text | Should -Match 'line 2: its FinalAccuracy Infinity is outside 0 to 1'
        $text | Should -Match 'line 3: its EpochsRun -5 is negative'
        $text | Should -Match 'line 6: its WallTime 1E\+300 ms is outside 0 to ten years'
        $text | Should -Match ([regex]::Escape("StopReason 'Exploded\u001B[2J\u0007\u202E' is not one of"))
        $text | Should -Match ([regex]::Escape('line 7: it is not a sweep result (') + '.*' + [regex]::Escape('The line: {"key": "\u001B[31m\u0007\u202Eevil'))
        $text | Should -Not -Match '[\x00-\x08\x0B-\x1F\u202E]'
        $text | Should -Not -Match 'run again'

        $out = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1..6; Epochs = 10 } -ResultPath $file -WarningVariable warnings -WarningAction SilentlyContinue
        # The file's lines name Bits and Seed only, so they are not this grid's points: nothing is said to run again for them.
        $out | Should -HaveCount 6
        ($warnings.Message -join "`n") | Should -Not -Match 'run again'
        $out = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1..6 } -Fixed @{ Epochs = 10 } -ResultPath (Join-Path $TestDrive 'x.jsonl')
        $own = Join-Path $TestDrive 'own.jsonl'
        # In seed order: two workers write their points as each finishes, in either order.
        $good = @(Get-Content (Join-Path $TestDrive 'x.jsonl') | Sort-Object { [int]([ParityNet.SweepLog]::Parse($_)).Settings['Seed'] })
        Set-Content $own @(($good[0] -replace '"finalAccuracy":[^,]+', '"finalAccuracy":7'), ($good[1] -replace '"epochsRun":[^,]+', '"epochsRun":-5'), $good[2], ($good[2] -replace '"stopReason":[^,]+', '"stopReason":"Exploded"'))
        $rerun = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1..3 } -Fixed @{ Epochs = 10 } -ResultPath $own -WarningVariable warnings -WarningAction SilentlyContinue
        @($rerun | Where-Object { -not $_.FromFile }) | Should -HaveCount 2 -Because 'the two points out of range run again'
        $text = $warnings.Message -join "`n"
        $text | Should -Match 'line 1: its FinalAccuracy 7 is outside 0 to 1: no sweep gives that\. It stays in the file and is skipped, and its point is run again'
        $text | Should -Match 'line 2: its EpochsRun -5 is negative: .* its point is run again'
        $text | Should -Match 'line 4: .*StopReason ''Exploded'' .* It stays in the file and is skipped; its point is held on line 3'
        ($warnings.Message | Where-Object { $_ -match 'line 4' }) | Should -Not -Match 'run again'
    }

    It 'piped results out of range are named errors, and the summary goes on with the rest: <Name>' -ForEach @(
        @{ Name = 'FinalAccuracy 1e308'; Change = @{ FinalAccuracy = 1e308 }; Match = 'FinalAccuracy 1E\+308 is outside 0 to 1' }
        @{ Name = 'EpochsRun -5'; Change = @{ EpochsRun = -5 }; Match = 'EpochsRun -5 is negative' }
        @{ Name = 'a wall time past ten years'; Change = @{ WallTime = [TimeSpan]::MaxValue }; Match = 'WallTime .* ms is outside 0 to ten years' }
        @{ Name = 'StopReason 7'; Change = @{ StopReason = 7 }; Match = 'Cannot convert value "7" to type "ParityNet.StopReason"' }
    ) {
        $results = @(Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1, 2 } -Fixed @{ Epochs = 20 })
        $bad = $results[0] | Select-Object Key, Settings, Bits, EpochsRun, StopReason, FinalLoss, FinalAccuracy, WallTime, Worker, Attempts, Finished
        foreach ($name in $Change.Keys) { $bad.$name = $Change[$name] }
        $summary = @($bad, $results[1]) | Measure-ParitySweep -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.SweepResultLine,*'
        $errors[0].Exception.Message | Should -Match $Match
        $summary.Points | Should -Be 1
    }

    It 'a flood of corrupt lines gives the first ten warnings and a count, in seconds' {
        $file = Join-Path $TestDrive 'flood.jsonl'
        [IO.File]::WriteAllText($file, (New-ResultLine 1) + "`n" + ("xx`n" * 100000))
        $summary = Measure-ParitySweep -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
        $summary.Points | Should -Be 1
        $warnings | Should -HaveCount 11
        $warnings[-1].Message | Should -Match "': 99990 more lines could not be taken \(99990 not sweep results\); they are skipped, and only the first 10 are shown\.$"
    }
}
