<#
.SYNOPSIS
    Issue 26's scenarios for a sweep's result file, through a built module: two sweeps on one file at once from two
    processes (points reported against points on disk), Ctrl+C while a 10^6-line file is read, and a file of 10^6
    corrupt lines (time and warnings). Point -ManifestPath at an older build to measure "before".
.EXAMPLE
    ./tools/Bench-SweepFile.ps1 -ManifestPath ./ParityNet.psd1 -Trials 3
#>
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [int] $Trials = 3
)
$ErrorActionPreference = 'Stop'
$ManifestPath = (Resolve-Path $ManifestPath).Path
Import-Module $ManifestPath
$folder = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bench-sweepfile-$([guid]::NewGuid())")).FullName
$pwsh = @([Environment]::ProcessPath) + @(if ((Split-Path ([Environment]::ProcessPath) -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
try {
    foreach ($trial in 1..$Trials) {
        $file = Join-Path $folder "both-$trial.jsonl"
        $children = foreach ($seeds in '1..6', '7..12') {
            $command = "Import-Module '$ManifestPath'; try { `$r = @(Invoke-ParitySweep -Grid @{ Bits = 6; Seed = $seeds; Alpha = 0.5, 1 } -Fixed @{ Epochs = 400 } -ResultPath '$file' -ThrottleLimit 2 -WarningAction SilentlyContinue); 'SERVED ' + ((`$r | Where-Object { -not `$_.FromFile }).Key -join '|') } catch { 'REFUSED ' + (`$_.FullyQualifiedErrorId -split ',')[0] }"
            $info = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
            foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-c', $command)) { $info.ArgumentList.Add($a) }
            $info.RedirectStandardOutput = $true
            [Diagnostics.Process]::Start($info)
        }
        $reported = @(); $refused = 0
        foreach ($child in $children) {
            $line = $child.StandardOutput.ReadToEnd() -split "`n" | Where-Object { $_ -match '^(SERVED|REFUSED) ' } | Select-Object -First 1
            $child.WaitForExit()
            if ($line -like 'SERVED *') { $reported += @($line.Substring(7).Trim() -split '\|' | Where-Object { $_ }) } else { $refused++ }
        }
        $keys = @(); $corrupt = 0
        foreach ($l in @(Get-Content $file -ErrorAction Ignore)) { try { $keys += ([ParityNet.SweepLog]::Parse($l)).Key } catch { $corrupt++ } }
        $missing = @($reported | Where-Object { $_ -notin $keys }).Count
        '{0} processes on one file, trial {1}: {2} points reported, {3} refused, {4} lines, {5} corrupt, {6} reported but missing, {7} repeated' -f `
            2, $trial, $reported.Count, $refused, ($keys.Count + $corrupt), $corrupt, $missing, ($keys.Count - @($keys | Sort-Object -Unique).Count)
    }

    $million = Join-Path $folder 'million.jsonl'
    $line = [ParityNet.SweepLog]::Format(@(Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1 } -Fixed @{ Epochs = 20 })[0])
    $block = ($line + "`n") * 10000
    $writer = [IO.StreamWriter]::new($million)
    try { foreach ($i in 1..100) { $writer.Write($block) } } finally { $writer.Dispose() }
    foreach ($script in "Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1; Epochs = 20 } -ResultPath '$million' -WarningAction SilentlyContinue | Out-Null",
                        "Measure-ParitySweep -Path '$million' -WarningAction SilentlyContinue | Out-Null") {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ManifestPath'; $script")
        $handle = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 2000
        $finished = $handle.IsCompleted
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        '{0}, Ctrl+C 2 s into reading 10^6 lines: {1}Stop took {2:0.00} s' -f $script.Split(' ')[0], $(if ($finished) { 'finished before Stop; ' } else { '' }), $clock.Elapsed.TotalSeconds
        $ps.Dispose()
    }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = Measure-ParitySweep -Path $million -WarningAction SilentlyContinue
    'Measure-ParitySweep -Path on 10^6 lines, read whole: {0:0.0} s' -f $clock.Elapsed.TotalSeconds

    $flood = Join-Path $folder 'flood.jsonl'
    [IO.File]::WriteAllText($flood, $line + "`n" + ("xx`n" * 1000000))
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = Measure-ParitySweep -Path $flood -WarningVariable warnings -WarningAction SilentlyContinue
    'Measure-ParitySweep -Path on 10^6 corrupt lines (3 MB): {0:0.0} s, {1} warnings' -f $clock.Elapsed.TotalSeconds, $warnings.Count
}
finally {
    Remove-Item $folder -Recurse -Force -ErrorAction Ignore
}
