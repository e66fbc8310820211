# Ctrl+C as a test gives it: starts $Script in a runspace of this process with the module imported, waits
# $AfterMs, calls Stop() and measures how long Stop takes. Returns FinishedFirst (the script was already done:
# the test measured nothing), StopSeconds, State, Output (what was written before the stop) and Temporary (any
# *.tmp file left in $Folder). Dot-source it in BeforeAll.
function Stop-After {
    param([Parameter(Mandatory)] [string] $Script, [int] $AfterMs = 2500, [string] $Folder)
    $ps = [powershell]::Create()
    # One script, not a batch of statements: PowerShell runs a batch on a thread-pool work item that, stopped and
    # disposed, can touch the closed runspace and end the whole process (seen: exit 134 in the test run).
    $null = $ps.AddScript("Import-Module '$($env:PARITYNET_MANIFEST)'`n$Script")
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output)
    Start-Sleep -Milliseconds $AfterMs
    $finishedFirst = $handle.IsCompleted
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $ps.Stop()
    $clock.Stop()
    $result = [pscustomobject]@{
        FinishedFirst = $finishedFirst
        StopSeconds   = $clock.Elapsed.TotalSeconds
        State         = "$($ps.InvocationStateInfo.State)"
        Output        = @($output)
        Temporary     = if ($Folder) { @(Get-ChildItem $Folder -Force -Filter '*.tmp') } else { @() }
    }
    $ps.Dispose()
    $result
}
