# Helpers of the sweep's tests: a bounded run in another runspace (a hang fails, never stalls the test run), and
# the processes of a loopback host (to freeze it). Dot-source it in BeforeAll, after setting $manifest.

# Runs a script (the module imported) in another runspace for at most $Seconds: a hang is a failure, never a
# stalled test run. Stop after $StopAfter seconds (or once $StopWhen returns true) and time how long Stop takes.
function Invoke-InRunspace([string] $Script, [double] $Seconds, [hashtable] $Arguments = @{}, [double] $StopAfter = -1, [scriptblock] $StopWhen) {
    $ps = [powershell]::Create()
    $null = $ps.AddScript("param(`$Arguments) Import-Module '$manifest'; $Script").AddArgument($Arguments)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $handle = $ps.BeginInvoke()
    $stopSeconds = $null
    if ($StopAfter -ge 0 -or $StopWhen) {
        $due = $false
        while (-not $handle.IsCompleted -and $clock.Elapsed.TotalSeconds -lt $Seconds -and -not $due) {
            $due = if ($StopWhen) { [bool](& $StopWhen $ps) } else { $clock.Elapsed.TotalSeconds -ge $StopAfter }
            if (-not $due) { Start-Sleep -Milliseconds 20 }
        }
        if ($due) {
            $stopClock = [Diagnostics.Stopwatch]::StartNew()
            $stopped = $ps.BeginStop($null, $null)
            $null = $stopped.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds([Math]::Max(1, $Seconds - $clock.Elapsed.TotalSeconds)))
            $stopSeconds = if ($stopped.IsCompleted) { $stopClock.Elapsed.TotalSeconds } else { [double]::PositiveInfinity }
        }
    }
    $finished = $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds([Math]::Max(0, $Seconds - $clock.Elapsed.TotalSeconds)))
    $output = @(); $thrown = $null
    if ($finished) { try { $output = @($ps.EndInvoke($handle)) } catch { $thrown = $_.Exception.InnerException ?? $_.Exception } }
    else { $null = $ps.BeginStop($null, $null) }   # let the run go; the test has failed
    [pscustomobject]@{
        Finished = $finished; Seconds = $clock.Elapsed.TotalSeconds; StopSeconds = $stopSeconds; Output = $output
        State = $ps.InvocationStateInfo.State; Warnings = @($ps.Streams.Warning.Message)
        ErrorIds = @(@($ps.Streams.Error) + @($thrown.ErrorRecord) | Where-Object { $_ } | ForEach-Object FullyQualifiedErrorId)
        Messages = @(@($ps.Streams.Error) + @($thrown.ErrorRecord) | Where-Object { $_ } | ForEach-Object { $_.Exception.Message })
    }
}

# A process and every process under it, from /proc: a loopback host is its sshd, the session's sshd and pwsh.
function Get-ProcessTree([int] $Root) {
    $parents = @{}
    foreach ($dir in Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$') {
        $stat = Get-Content "$($dir.FullName)/stat" -Raw -ErrorAction Ignore
        if ($stat -match '\) \S (\d+) ') { $parents[[int]$dir.Name] = [int]$Matches[1] }
    }
    $tree = [Collections.Generic.List[int]]::new(); $tree.Add($Root)
    for ($i = 0; $i -lt $tree.Count; $i++) { foreach ($p in $parents.Keys) { if ($parents[$p] -eq $tree[$i]) { $tree.Add($p) } } }
    $tree
}

