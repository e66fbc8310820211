<#
.SYNOPSIS
    The engine of two commits timed in turns on this machine now: bench/EngineAB built against this tree and against
    another (a worktree of an older commit), then run alternately, the order switched every round, so that a slow
    spell of a shared VM touches both. Prints each round and the medians of the paired ratios.
.EXAMPLE
    git worktree add /tmp/old 1cda726; ./tools/Bench-EngineAB.ps1 -Before /tmp/old -Rounds 8
#>
param(
    [Parameter(Mandatory)] [string] $Before,
    [int] $Rounds = 8,
    [string[]] $Case = @('recipe16', 'lesson')
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$project = Join-Path $root 'bench/EngineAB/EngineAB.csproj'
$out = Join-Path ([IO.Path]::GetTempPath()) "paritynet-engine-ab-$PID"
$builds = [ordered]@{ before = (Resolve-Path $Before).Path; after = $root }
foreach ($name in $builds.Keys) {
    dotnet build $project -c Release --nologo -v quiet -p:EngineRoot=$($builds[$name]) -o (Join-Path $out $name) | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "building bench/EngineAB against $($builds[$name]) failed" }
}
$before = (git -C $builds.before rev-parse --short=12 HEAD); $after = (git -C $root rev-parse --short=12 HEAD)
"# bench/EngineAB, $before (before) against $after (after), alternating, $Rounds rounds; $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC"
foreach ($c in $Case) {
    $ratios = foreach ($r in 1..$Rounds) {
        $order = if ($r % 2) { 'before', 'after' } else { 'after', 'before' }
        $t = @{}
        foreach ($name in $order) {
            $t[$name] = [double](& (Join-Path $out "$name/EngineAB") $c)
            if ($LASTEXITCODE -ne 0) { throw "bench/EngineAB $c ($name) failed with exit code $LASTEXITCODE" }
        }
        "$c round $r ($($order -join ' first, then ')): before $($t.before), after $($t.after)" | Write-Host
        $t.after / $t.before
    }
    $sorted = @($ratios | Sort-Object)
    $median = if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
    "{0}: after / before, paired median {1:0.00} (range {2:0.00}–{3:0.00}; above 1 the after commit is slower)" -f $c, $median, $sorted[0], $sorted[-1]
}
Remove-Item $out -Recurse -Force
