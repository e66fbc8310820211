<#
.SYNOPSIS
    The cross-check of wide networks (issue 26, item 5): Export-NetworkOnnx and Import-NetworkOnnx through the built
    module, each timed whole by a stopwatch. Called by build.ps1 Bench.
.DESCRIPTION
    Each case exports a fresh 16-H-H-1 network (seed 1, sigmoid), or imports the file such an export wrote. With 16
    bits the 65 536 inputs times the weights pass the check's 2^31 multiply-adds, so both run the seeded sample of
    16 384 inputs: the time grows with the weights, H², about fourfold from H to 2H. The files to import are written
    once, untimed, before the runs. Rounds go through the cases in turn, so that a machine's slow spell touches
    all of them; -Runs rounds, then the median and range of each case. Each run also gives the process's CPU time
    (all threads): on a shared machine the wall clock counts other people's work too.
    -Cases: 'export:2000' exports 16-2000-2000-1, 'import:3000' imports 16-3000-3000-1.
#>
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [string[]] $Cases = @('export:2000', 'export:4000', 'import:3000'),
    [int] $Runs = 3,
    [string] $Label = '',
    # Where the files to import are kept (made there when missing): another module's runs can then import the
    # same files. By default a temporary folder, removed at the end.
    [string] $FileFolder = ''
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ManifestPath

$folder = Join-Path ([IO.Path]::GetTempPath()) "paritynet-bench-onnx-$PID"
$null = New-Item -ItemType Directory $folder -Force
try {
    $plan = foreach ($case in @($Cases -split ",")) { # -File passes a list as one string
        $kind, $width = $case -split ':'
        $network = New-ParityNetwork -Bits 16 -HiddenSize @([int]$width, [int]$width) -Seed 1
        $file = Join-Path ($FileFolder ? $FileFolder : $folder) "16-$width-$width-1.onnx"
        if ($kind -eq 'import' -and -not (Test-Path $file)) { $null = $network | Export-NetworkOnnx $file }
        [pscustomobject]@{ Name = "$kind 16-$width-$width-1"; Kind = $kind; Network = $network; File = $file; Seconds = [Collections.Generic.List[double]]::new() }
    }
    for ($round = 1; $round -le $Runs; $round++) {
        foreach ($case in $plan) {
            [GC]::Collect()
            $cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
            $clock = [Diagnostics.Stopwatch]::StartNew()
            if ($case.Kind -eq 'export') {
                $target = Join-Path $folder "export-$round.onnx"
                $result = $case.Network | Export-NetworkOnnx $target -Force -ErrorAction SilentlyContinue -ErrorVariable failed
                Remove-Item $target -ErrorAction SilentlyContinue
            }
            else {
                # The import's own figures are in its verbose cross-check line.
                $said = @(Import-NetworkOnnx $case.File -Verbose -ErrorAction SilentlyContinue -ErrorVariable failed 4>&1 |
                    Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'Cross-check*' })
            }
            $clock.Stop()
            $cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpu
            $case.Seconds.Add($clock.Elapsed.TotalSeconds)
            # An older module held every answer to 1e-6 and refused wide networks, after the same check: its time counts.
            $outcome = if ($failed) { "failed: $($failed[0].FullyQualifiedErrorId -replace ',.*$')" }
                elseif ($case.Kind -eq 'export') { '{0} inputs compared, largest difference {1:0.###e+0}' -f $result.InputsCompared, $result.MaxAbsDifference }
                else { $said[0].Message -replace '^.* on (\d+) inputs; they agree within (\S+) .*$', '$1 inputs compared, largest difference $2' }
            '{0}round {1}: {2,-22} {3,8:n1} s, CPU {4,6:n1} s   ({5})' -f $Label, $round, $case.Name, $clock.Elapsed.TotalSeconds, $cpu.TotalSeconds, $outcome
        }
    }
    foreach ($case in $plan) {
        $sorted = @($case.Seconds | Sort-Object)
        '{0}{1,-22} median {2,8:n1} s   range {3:n1} to {4:n1} s over {5} runs' -f $Label, $case.Name, $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)], $sorted[0], $sorted[-1], $sorted.Count
    }
}
finally {
    Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
}
