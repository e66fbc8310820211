# Hostile-input tests run the module in a child pwsh under two limits, so that a hang or a memory blow-up
# is a failed test, never a stuck or killed test run: a wall clock (coreutils' timeout, which kills the
# child) and an address-space limit (util-linux's prlimit --as). 6 GiB by default: .NET sizes its
# reservations to the limit, but ONNX Runtime's native library fails to load below about 4.5 GiB (measured
# here: 4 GiB fails, 4.5 GiB loads). The child also reports its peak working set, which tests can bound
# more tightly than the address space. Dot-source it in BeforeAll.

. "$PSScriptRoot/../../../tools/PwshCommand.ps1"

# Runs $Script (text) in a fresh pwsh that has imported the module, under the limits. Returns ExitCode,
# Output (stdout and stderr as text), TimedOut (killed by the clock) and Seconds. The child's working
# directory is $WorkingDirectory (a TestDrive folder, never the repository).
function Invoke-Bounded {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [int] $TimeoutSeconds = 60,
        [long] $AddressSpaceBytes = 6GB,
        [string] $WorkingDirectory = $TestDrive
    )
    $pwsh = @(Get-PwshCommandLine)
    # Plain text whatever NO_COLOR says: tests match the child's WARNING: lines, which a terminal colour would prefix.
    $prelude = "`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'; `$PSStyle.OutputRendering = 'PlainText'; Import-Module '$($env:PARITYNET_MANIFEST)'`n"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($prelude + $Script))
    # -OutputFormat Text: with -EncodedCommand alone the child sends its warnings as CLIXML on stderr, which
    # this pwsh writes straight to its own host, so they would never reach Output, and a test could not see them.
    $arguments = @('--kill-after=5', "$TimeoutSeconds", 'prlimit', "--as=$AddressSpaceBytes", '--') + $pwsh +
        @('-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', $encoded)
    # The child's stdout and stderr go to a file, not a pipe read to its end: a process the child started and left behind
    # (an sshd of a child that crashed) keeps the descriptors it inherited, and a pipe held open so is never at its end,
    # which hung the test run; a file is read once the clock's process has exited, whoever still holds it.
    # Beside the test's folders (where Pester keeps TestDrive), not in the child's working directory, which tests inspect.
    $outFile = Join-Path ([IO.Path]::GetTempPath()) ('paritynet-bounded-' + [guid]::NewGuid().ToString('n') + '.txt')
    $start = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $start.UseShellExecute = $false
    $start.WorkingDirectory = $WorkingDirectory
    foreach ($a in @('-c', 'out=$1; shift; exec "$@" >"$out" 2>&1', 'bounded', $outFile, 'timeout') + $arguments) { $start.ArgumentList.Add([string]$a) }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($start)
    try {
        # timeout ends the child by TimeoutSeconds (and kills it 5 s later); this wait is only a backstop.
        if (-not $process.WaitForExit(($TimeoutSeconds + 60) * 1000)) { $process.Kill($true); $null = $process.WaitForExit(10000) }
        $code = if ($process.HasExited) { $process.ExitCode } else { 137 }
    }
    finally { $process.Dispose() }
    $output = if (Test-Path -LiteralPath $outFile) { [IO.File]::ReadAllText($outFile) } else { '' }
    Remove-Item -LiteralPath $outFile -ErrorAction Ignore
    [pscustomobject]@{
        ExitCode = $code
        Output   = $output
        TimedOut = $code -in 124, 137
        Seconds  = $clock.Elapsed.TotalSeconds
    }
}

# Runs $Script under the limits and returns the ParityNet error id it ended with (the part of the
# FullyQualifiedErrorId before the comma), or 'no error' if it finished cleanly; the message, the peak working
# set (MiB) and the seconds it took are left in $script:LastBoundedMessage, LastBoundedPeakMiB, LastBoundedSeconds. A timeout or a crash
# throws, so a hang can never pass as a refusal.
function Get-BoundedErrorId {
    param([Parameter(Mandatory)] [string] $Script, [int] $TimeoutSeconds = 60, [long] $AddressSpaceBytes = 6GB)
    $wrapped = "try { & { $Script } | Out-Null; 'RESULT:no error' } catch { 'RESULT:' + (`$_.FullyQualifiedErrorId -split ',')[0]; 'MESSAGE:' + (`$_.Exception.Message -replace '\s+', ' ') }; 'PEAK:' + [int]((Get-Process -Id `$PID).PeakWorkingSet64 / 1MB)"
    $run = Invoke-Bounded -Script $wrapped -TimeoutSeconds $TimeoutSeconds -AddressSpaceBytes $AddressSpaceBytes
    if ($run.TimedOut) { throw "The script did not finish within $TimeoutSeconds s: a hang. Output: $($run.Output)" }
    $line = ($run.Output -split "`r?`n") | Where-Object { $_ -like 'RESULT:*' } | Select-Object -First 1
    if (-not $line) { throw "The child pwsh ended (exit $($run.ExitCode)) without a result: a crash. Output: $($run.Output)" }
    $script:LastBoundedMessage = (($run.Output -split "`r?`n") | Where-Object { $_ -like 'MESSAGE:*' } | Select-Object -First 1) -replace '^MESSAGE:', ''
    $script:LastBoundedPeakMiB = [int]((($run.Output -split "`r?`n") | Where-Object { $_ -like 'PEAK:*' } | Select-Object -First 1) -replace '^PEAK:', '')
    $script:LastBoundedSeconds = $run.Seconds
    $line.Substring(7)
}
