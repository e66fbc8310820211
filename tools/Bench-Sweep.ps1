<#
.SYNOPSIS
    Invoke-ParitySweep's speed: 2 local runspaces against 1 on a grid of 40 small points, and the per-point
    overhead of a remote session (a loopback SSH host) against a local runspace. Interleaved runs, medians.
    Called by build.ps1 Bench, in a fresh pwsh.
#>
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ManifestPath
$median = { param($v) ($v | Sort-Object)[[int][math]::Floor($v.Count / 2)] }

# 40 points of about a tenth of a second each: 8-bit parity, 16 sigmoid units, 20 000 epochs of gradient descent.
$grid = @{ Bits = 8; Task = 'BitParity'; HiddenSize = 16; Seed = 1..40 }
$fixed = @{ Alpha = 2; Epochs = 20000 }
$null = Invoke-ParitySweep -Grid @{ Bits = 8; Seed = 1, 2 } -Fixed $fixed -ThrottleLimit 2   # warm-up
$one = [Collections.Generic.List[double]]::new(); $two = [Collections.Generic.List[double]]::new(); $work = [Collections.Generic.List[double]]::new()
for ($r = 0; $r -lt $Runs; $r++) {
    $one.Add((Measure-Command { $script:a = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ThrottleLimit 1 }).TotalSeconds)
    $two.Add((Measure-Command { $script:b = Invoke-ParitySweep -Grid $grid -Fixed $fixed -ThrottleLimit 2 }).TotalSeconds)
    $work.Add(($script:a | Measure-Object { $_.WallTime.TotalSeconds } -Sum).Sum)
}
$t1 = & $median $one; $t2 = & $median $two; $tw = & $median $work
"Invoke-ParitySweep, 40 points (8-bit parity, 8-16-1 sigmoid, 20 000 epochs each), $Runs interleaved runs, medians, $([Environment]::ProcessorCount) cores:"
''
'| workers | wall | points/s | speed-up |'
'|---|---:|---:|---:|'
'| 1 local runspace | {0:0.00} s | {1:0.0} | 1.00× |' -f $t1, (40 / $t1)
'| 2 local runspaces | {0:0.00} s | {1:0.0} | {2:0.00}× |' -f $t2, (40 / $t2), ($t1 / $t2)
''
'Training time inside the points (sum of their WallTime, 1 runspace): {0:0.00} s, so the sweep adds {1:0.0} ms a point on 1 runspace.' -f $tw, (($t1 - $tw) / 40 * 1000)

# A remote session's overhead per point: 40 one-epoch points through one loopback SSH session and through one
# local runspace; the difference per point is what a remote host adds (serialization, the SSH round trip, the
# network's rebuild), before any training.
. (Join-Path $PSScriptRoot '../tests/pester/helpers/Sshd.ps1')
$skip = Get-SshdSkipReason
''
if ($skip) { "Remote overhead: not measured: $skip."; return }
$folder = Join-Path ([IO.Path]::GetTempPath()) "paritynet-bench-sshd-$PID"
$sshd = Start-LoopbackSshd $folder
try {
    $session = New-LoopbackSession $sshd
    $tiny = @{ Bits = 8; HiddenSize = 16; Seed = 1..40 }
    $once = @{ Epochs = 1 }
    $WarningPreference = 'SilentlyContinue'   # one-epoch points end near chance by design: the sweep's advice is not for them
    $null = Invoke-ParitySweep -Grid @{ Bits = 8; Seed = 1 } -Fixed $once -Session $session -ModulePath $ManifestPath -ThrottleLimit 0
    $remote = [Collections.Generic.List[double]]::new(); $local = [Collections.Generic.List[double]]::new()
    for ($r = 0; $r -lt $Runs; $r++) {
        $remote.Add((Measure-Command { $null = Invoke-ParitySweep -Grid $tiny -Fixed $once -Session $session -ModulePath $ManifestPath -ThrottleLimit 0 }).TotalSeconds)
        $local.Add((Measure-Command { $null = Invoke-ParitySweep -Grid $tiny -Fixed $once -ThrottleLimit 1 }).TotalSeconds)
    }
    $tr = & $median $remote; $tl = & $median $local
    'Per-point cost of one-epoch points (40 points, medians of {0}): one loopback SSH session {1:0.0} ms, one local runspace {2:0.0} ms; a remote host adds {3:0.0} ms a point.' -f $Runs, ($tr / 40 * 1000), ($tl / 40 * 1000), (($tr - $tl) / 40 * 1000)
    $session | Remove-PSSession
}
finally {
    Stop-LoopbackSshd $sshd
    Remove-Item $folder -Recurse -Force -ErrorAction Ignore
}
