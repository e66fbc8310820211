# Ctrl+C as a test gives it, at the phase the test means to hit: a signal from the run, never a sleep, so a busy
# machine (slower to import, to load, to reach the phase) stops it in the same place as an idle one. Dot-source it
# in BeforeAll.

# Starts $Script in a new runspace of this process with the module imported and polls until $Until (given the run:
# Output, Progress, Information and Errors so far, and Arrivals) returns something true; then stops it with a
# clock on Stop. A phase marks itself by what it writes: its first output, its first progress record, or a
# Write-Information marker the script puts just before the cmdlet's phase. Returns Reached (the phase came),
# FinishedFirst (the script ended before it: nothing was stopped), PhaseSeconds, StopSeconds, Hung (Stop had not
# returned after $HangSeconds: the run is abandoned, not waited for), State, Output, Progress, Information,
# Arrivals (Seconds and Count each time the output grew while waiting) and Temporary (*.tmp left in $Folder).
function Stop-When {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] [scriptblock] $Until,
        [string] $Folder,
        # Variables the script finds set (objects made beforehand, so that their making is not part of the run).
        [hashtable] $Variables = @{},
        # Generous: on a loaded machine reaching the phase (import, training, loading a model) is slow, not hung.
        [int] $ReachSeconds = 300,
        [int] $HangSeconds = 60
    )
    $runspace = [runspacefactory]::CreateRunspace()
    $runspace.Open()
    foreach ($name in $Variables.Keys) { $runspace.SessionStateProxy.SetVariable($name, $Variables[$name]) }
    $ps = [powershell]::Create()
    $ps.Runspace = $runspace
    # One script, not a batch of statements: PowerShell runs a batch on a thread-pool work item that, stopped and
    # disposed, can touch the closed runspace and end the whole process (seen: exit 134 in the test run).
    $null = $ps.AddScript("Import-Module '$($env:PARITYNET_MANIFEST)'`n$Script")
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $arrivals = [Collections.Generic.List[object]]::new()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output)
    $reached = $false
    while ($clock.Elapsed.TotalSeconds -lt $ReachSeconds) {
        $done = $handle.IsCompleted
        $count = $output.Count
        if ($count -gt 0 -and ($arrivals.Count -eq 0 -or $arrivals[-1].Count -lt $count)) {
            $arrivals.Add([pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Count = $count })
        }
        $run = [pscustomobject]@{
            Output = Copy-Collection $output; Progress = Copy-Collection $ps.Streams.Progress
            Information = Copy-Collection $ps.Streams.Information; Errors = Copy-Collection $ps.Streams.Error
            Arrivals = $arrivals.ToArray()
        }
        if (& $Until $run) { $reached = $true; break }
        if ($done) { break }
        Start-Sleep -Milliseconds 20
    }
    $phaseSeconds = $clock.Elapsed.TotalSeconds
    $finishedFirst = $handle.IsCompleted
    $stopClock = [Diagnostics.Stopwatch]::StartNew()
    $stopping = $ps.BeginStop($null, $null)
    $returned = $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($HangSeconds))
    $stopClock.Stop()
    $result = [pscustomobject]@{
        Reached       = $reached
        FinishedFirst = $finishedFirst
        PhaseSeconds  = $phaseSeconds
        StopSeconds   = $stopClock.Elapsed.TotalSeconds
        Hung          = -not $returned
        State         = "$($ps.InvocationStateInfo.State)"
        Output        = @($output)
        Progress      = @($ps.Streams.Progress)
        Information   = @($ps.Streams.Information)
        Arrivals      = $arrivals.ToArray()
        Folder        = $Folder
        Script        = $Script
        Temporary     = if ($Folder) { @(Get-ChildItem $Folder -Force -Filter '*.tmp') } else { @() }
    }
    # A hung pipeline is left running: disposing it would wait on the hang and stall the whole test run.
    if ($returned) { $ps.EndStop($stopping); $ps.Dispose(); $runspace.Dispose() }
    $result
}

# What a running pipeline's collection holds so far, read by index: enumerating an open output collection waits
# for the pipeline to end.
function Copy-Collection($Collection) {
    $count = $Collection.Count
    , @(for ($i = 0; $i -lt $count; $i++) { $Collection[$i] })
}

# The seconds the unstopped run still had ahead when it was stopped, from the pace its output came at while the
# test waited (same machine, same load): (Total - outputs so far) / outputs a second. Needs two arrivals.
function Get-SecondsLeft {
    param([Parameter(Mandatory)] $Stop, [Parameter(Mandatory)] [long] $Total)
    $first = $Stop.Arrivals[0]; $last = $Stop.Arrivals[-1]
    if ($Stop.Arrivals.Count -lt 2 -or $last.Seconds -le $first.Seconds) { throw 'The output came in one piece while the test waited: no pace to measure.' }
    $pace = ($last.Count - $first.Count) / ($last.Seconds - $first.Seconds)
    ($Total - $Stop.Output.Count) / $pace
}

# The seconds an unstopped cross-check still had ahead, as its last progress record before the stop estimated
# them (the bridge's records at each tenth of the way carry SecondsRemaining).
function Get-ProgressSecondsLeft {
    param([Parameter(Mandatory)] $Stop, [Parameter(Mandatory)] [string] $Activity)
    $records = @($Stop.Progress | Where-Object { $_.Activity -like $Activity -and $_.RecordType -eq 'Processing' })
    if ($records.Count -eq 0) { throw "No progress record of '$Activity': no estimate of the work left." }
    $records[-1].SecondsRemaining
}

# What every stop test asserts: the run reached the phase it was meant to be stopped in and had not finished;
# Stop returned within $WithinSeconds (Ctrl+C takes a second or two here; the bound leaves room for a machine
# under a load of 6 on 2 cores and still fails a stop that waits for the work to end); it returned at least
# $Factor times sooner than the unstopped work still had to run ($SecondsLeft, measured by the test under the same
# load); the pipeline ended Stopped; and, given a folder, no temporary file was left there.
function Assert-StoppedEarly {
    param(
        [Parameter(Mandatory)] $Stop,
        [double] $SecondsLeft = -1,
        [double] $WithinSeconds = 15,
        [double] $Factor = 4
    )
    # For measuring the bounds (not part of any assertion): PARITYNET_STOP_LOG names a file to append the figures to.
    if ($env:PARITYNET_STOP_LOG) {
        Add-Content $env:PARITYNET_STOP_LOG ("{0}`tphase {1:0.00} s`tstop {2:0.000} s`tleft {3:0.0} s`t{4}" -f (Get-Date).ToUniversalTime().ToString('HH:mm:ss'), $Stop.PhaseSeconds, $Stop.StopSeconds, $SecondsLeft, $Stop.Script)
    }
    $Stop.Reached | Should -BeTrue -Because "the run must reach the phase under test before it is stopped (waited $([int]$Stop.PhaseSeconds) s; finished first: $($Stop.FinishedFirst))"
    $Stop.FinishedFirst | Should -BeFalse -Because 'a run that ended before the stop tests nothing'
    $Stop.Hung | Should -BeFalse -Because 'Stop() had not returned after a minute: a hang'
    $Stop.StopSeconds | Should -BeLessThan $WithinSeconds
    if ($SecondsLeft -ge 0) {
        ($Stop.StopSeconds * $Factor) | Should -BeLessThan $SecondsLeft -Because "the unstopped run had $([math]::Round($SecondsLeft, 1)) s left; Stop took $([math]::Round($Stop.StopSeconds, 2)) s"
    }
    $Stop.State | Should -Be 'Stopped'
    if ($Stop.Folder) { $Stop.Temporary | Should -HaveCount 0 -Because 'a stopped write leaves no temporary file' }
}
