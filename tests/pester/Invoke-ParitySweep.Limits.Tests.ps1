# Issue 26: a sweep's bounds through the built module: untrusted grids (a cap, counted before expansion; values the
# cmdlets refuse; piped script and alias properties), Stop while points are checked and while workers start,
# -ThrottleLimit 256, the near-chance warning, and on loopback SSH hosts a host frozen with SIGSTOP (declared lost
# after -WorkerTimeout) and a point given up after -MaxAttempts lost workers (recorded as failed, -RetryFailed).
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    $script:manifest = $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Sshd.ps1"
    . "$PSScriptRoot/helpers/Sweep.ps1"
}

Describe 'Untrusted grids, bounds and Stop (issue 26)' {
    It 'a grid past the cap is refused by name at once, before a point is made (10 000 × 10 000 points)' {
        $run = Invoke-InRunspace 'Invoke-ParitySweep -Grid @{ Bits = 2; Seed = 1..10000; TrainingSeed = 1..10000 }' -Seconds 60
        $run.Finished | Should -BeTrue -Because 'the grid is counted, not expanded'
        $run.ErrorIds | Should -HaveCount 1
        $run.ErrorIds[0] | Should -BeLike 'ParityNet.SweepTooLarge,*'
        $run.Messages[0] | Should -Match 'more than 100000 points'
        $run.Output | Should -HaveCount 0
    }

    It 'Stop is heard while a grid at the cap is checked, point by point' {
        # 100 000 points are checked before any work, shown as progress; Stop comes once the checking is shown
        # and must not wait for its end.
        $state = @{ Checked = 0; Running = $false }
        $run = Invoke-InRunspace 'Invoke-ParitySweep -Grid @{ Bits = 2; Seed = 1..1000; TrainingSeed = 1..100 } -Fixed @{ Epochs = 1 } -ThrottleLimit 1' -Seconds 120 -StopWhen {
            param($ps)
            $progress = $ps.Streams.Progress; $n = $progress.Count   # read by index: the collection is still growing
            if ($n -eq 0 -or $progress[$n - 1].StatusDescription -notmatch '^Checking points: (\d+) of 100000$') { return $false }
            $state.Checked = [int]$Matches[1]
            $true
        }.GetNewClosure()
        $run.Finished | Should -BeTrue
        $state.Checked | Should -BeLessThan 50000 -Because 'Stop came early in the checking'
        $run.StopSeconds | Should -BeLessThan 3
        $run.State | Should -Be 'Stopped'
        $run.Output | Should -HaveCount 0 -Because 'no point runs before every point is checked'
    }

    It 'piped points count script and alias properties, as the binder does' {
        $point = [pscustomobject]@{ Bits = 4; Epochs = 10; Seed = 7 } |
            Add-Member ScriptProperty Alpha { 0.1 } -PassThru | Add-Member AliasProperty TrainingSeed Seed -PassThru
        $result = $point | Invoke-ParitySweep -ThrottleLimit 1 -WarningAction SilentlyContinue
        $result.Key | Should -Be 'Alpha=0.1;Bits=4;Epochs=10;Seed=7;TrainingSeed=7'
        $broken = [pscustomobject]@{ Bits = 4 } | Add-Member ScriptProperty Alpha { throw 'no alpha here' } -PassThru
        { $broken | Invoke-ParitySweep -ThrottleLimit 1 } | Should -Throw -ErrorId 'ParityNet.SweepInvalidPoint,*'
    }

    It '-ThrottleLimit 256 is served: no unnamed error, and every point runs once on the runspaces that start' {
        $run = Invoke-InRunspace 'Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1..256 } -Fixed @{ Epochs = 1 } -ThrottleLimit 256 -WarningAction SilentlyContinue' -Seconds 400
        $run.Finished | Should -BeTrue
        $run.ErrorIds | Should -HaveCount 0
        $run.Output | Should -HaveCount 256
        @($run.Output.Key | Sort-Object -Unique) | Should -HaveCount 256
        @($run.Output.Worker | Sort-Object -Unique).Count | Should -BeGreaterThan 1
    }

    It 'Stop while the runspaces are still starting returns within seconds' {
        $run = Invoke-InRunspace 'Invoke-ParitySweep -Grid @{ Bits = 12; Seed = 1..16 } -Fixed @{ Epochs = 20000 } -ThrottleLimit 8' -Seconds 120 -StopWhen {
            param($ps) @($ps.Streams.Progress | Where-Object { $_.Activity -eq 'Invoke-ParitySweep' -and $_.StatusDescription -match 'starting' }).Count -gt 0 }
        $run.Finished | Should -BeTrue
        $run.StopSeconds | Should -BeLessThan 3
        $run.State | Should -Be 'Stopped'
    }

    It 'a sweep whose every point ends near chance says so, with the recipe that solves parity; one that solves does not' {
        $null = Invoke-ParitySweep -Grid @{ Bits = 4; Task = 'BitParity'; Seed = 1, 2 } -Fixed @{ Epochs = 1 } -ThrottleLimit 1 -WarningVariable chance -WarningAction SilentlyContinue
        $chance.Message -join "`n" | Should -Match 'Every one of the 2 points ended near chance'
        $chance.Message -join "`n" | Should -Match "Optimizer = 'Adam'; Alpha = 0.01; Loss = 'CrossEntropy'; BatchSize = 16"
        $solved = Invoke-ParitySweep -Grid @{ Bits = 3; Seed = 1, 2 } -Fixed @{ Alpha = 2; Epochs = 2000 } -ThrottleLimit 1 -WarningVariable none -WarningAction SilentlyContinue
        @($solved | Where-Object Solved).Count | Should -BeGreaterThan 0
        $none | Should -HaveCount 0
    }
}

Describe 'A sweep on loopback SSH hosts that freeze or die' {
    BeforeAll {
        $script:skip = Get-SshdSkipReason
    }

    It 'a host frozen mid-sweep (SIGSTOP, no reset) is declared lost after -WorkerTimeout and its point run elsewhere' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $hostF = Start-LoopbackSshd (Join-Path $TestDrive 'host-f')
        $session = New-LoopbackSession $hostF
        $file = Join-Path $TestDrive 'frozen.jsonl'
        $state = @{ Frozen = @() }
        try {
            # The host freezes (sshd, its session's sshd and pwsh) once it has recorded a point, so it is in or between points.
            $run = Invoke-InRunspace '$a = $Arguments; Invoke-ParitySweep -Grid @{ Bits = 10; Seed = 1..12; HiddenSize = 16 } -Fixed @{ Alpha = 0.5; Epochs = 5000 } -Session $a.Session -ModulePath $a.Module -ThrottleLimit 1 -WorkerTimeout 3 -ResultPath $a.File' `
                -Arguments @{ Session = $session; Module = $manifest; File = $file } -Seconds 180 -StopWhen {
                    $lines = @(Get-Content $file -ErrorAction Ignore)
                    if ($state.Frozen.Count -eq 0 -and @($lines | Where-Object { $_ -match '"worker":\s*"session' }).Count -gt 0) {
                        $state.LinesAtFreeze = $lines.Count
                        $state.Frozen = @(Get-ProcessTree $hostF.Process.Id)
                        & kill -STOP @($state.Frozen)
                        $state.Clock = [Diagnostics.Stopwatch]::StartNew()
                    }
                    $false
                }
            $state.Frozen.Count | Should -BeGreaterThan 1 -Because 'the host was frozen during the sweep'
            if ($state.LinesAtFreeze -ge 11) { Set-ItResult -Inconclusive -Because "the host froze with $($state.LinesAtFreeze) of 12 points done, too late to hold one"; return }
            Write-Host "    frozen host: the sweep ended $([Math]::Round($state.Clock.Elapsed.TotalSeconds, 1)) s after the freeze (-WorkerTimeout 3), $([Math]::Round($run.Seconds, 1)) s in all"
            $run.Finished | Should -BeTrue -Because 'a silent host must not stall the sweep'
            $run.Output | Should -HaveCount 12
            @($run.Output.Key | Sort-Object -Unique) | Should -HaveCount 12
            $name = "session $($session.Id) (127.0.0.1)"
            ($run.Warnings -join "`n") | Should -Match ([regex]::Escape("$name failed during point") + '.*stopped answering.*nothing was heard from it for 3 s')
            $redone = @($run.Output | Where-Object Attempts -eq 2)
            $redone | Should -HaveCount 1
            $redone[0].Worker | Should -Be 'local:1'
            @(Get-Content $file) | Should -HaveCount 12
        }
        finally {
            if ($state.Frozen) { & kill -CONT @($state.Frozen) }
            Stop-LoopbackSshd $hostF
            $session | Remove-PSSession -ErrorAction Ignore
        }
    }

    It 'a point that loses -MaxAttempts workers is given up by name and recorded as failed; a rerun skips it unless -RetryFailed' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $hostK = Start-LoopbackSshd (Join-Path $TestDrive 'host-k')
        $session = New-LoopbackSession $hostK
        $file = Join-Path $TestDrive 'abandoned.jsonl'
        $grid = @{ Bits = 4, 10; Seed = 1; HiddenSize = 16 }
        $fixed = @{ Alpha = 0.5; Epochs = 60000 }   # the 10-bit point runs for seconds: the kill lands inside it
        try {
            # Only the session works; it is killed once its first point is recorded, during the second.
            $run = Invoke-InRunspace '$a = $Arguments; Invoke-ParitySweep -Grid $a.Grid -Fixed $a.Fixed -Session $a.Session -ModulePath $a.Module -ThrottleLimit 0 -MaxAttempts 1 -ResultPath $a.File' `
                -Arguments @{ Session = $session; Module = $manifest; File = $file; Grid = $grid; Fixed = $fixed } -Seconds 120 -StopWhen {
                    if (@(Get-Content $file -ErrorAction Ignore).Count -ge 1 -and -not $hostK.Process.HasExited) { Start-Sleep -Milliseconds 300; Stop-LoopbackSshd $hostK }
                    $false
                }
            $run.Finished | Should -BeTrue
            $run.ErrorIds | Should -HaveCount 1
            $run.ErrorIds[0] | Should -BeLike 'ParityNet.SweepPointAbandoned,*'
            $run.Messages[0] | Should -Match 'lost the worker it ran on 1 times .*MaxAttempts 1.*RetryFailed'
            $failed = @($run.Output | Where-Object IsFailed)
            $failed | Should -HaveCount 1
            $failed[0].Settings.Bits | Should -Be '10'
            $failed[0].Failure | Should -Match '^ParityNet.SweepPointAbandoned: '
            # A failed result survives the serializer as failed (Clixml, jobs).
            $clixml = Join-Path $TestDrive 'failed.clixml'
            $failed[0] | Export-Clixml $clixml
            $back = [ParityNet.SweepResult] (Import-Clixml $clixml)
            $back.IsFailed | Should -BeTrue
            $back.Failure | Should -Be $failed[0].Failure
            $recorded = @(Get-Content $file | ForEach-Object { [ParityNet.SweepLog]::Parse($_) })
            $recorded | Should -HaveCount 2
            @($recorded | Where-Object IsFailed).Key | Should -Be $failed[0].Key

            $again = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ThrottleLimit 1 -ResultPath $file -WarningVariable warnings -WarningAction SilentlyContinue
            $again | Should -HaveCount 2
            @($again | Where-Object FromFile) | Should -HaveCount 2
            @($again | Where-Object IsFailed) | Should -HaveCount 1
            ($warnings.Message -join "`n") | Should -Match 'records 1 point\(s\) as failed; they are not run again. Give -RetryFailed'

            $retried = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ThrottleLimit 1 -ResultPath $file -RetryFailed -WarningAction SilentlyContinue
            $retried | Should -HaveCount 2
            @($retried | Where-Object IsFailed) | Should -HaveCount 0
            ($retried | Where-Object { -not $_.FromFile }).Settings.Bits | Should -Be '10'
            # The file now counts the point as finished: a further rerun runs nothing.
            $last = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ThrottleLimit 1 -ResultPath $file -WarningVariable lastWarnings -WarningAction SilentlyContinue
            @($last | Where-Object { $_.FromFile -and -not $_.IsFailed }) | Should -HaveCount 2
            ($lastWarnings.Message -join "`n") | Should -Not -Match 'recorded before'
        }
        finally {
            Stop-LoopbackSshd $hostK
            $session | Remove-PSSession -ErrorAction Ignore
        }
    }
}
