# tools/ParityTable.ps1: the parity table (docs/parity-table.md) by sweep, with what bench/ParityNet.Experiment added to it (the ~4^N
# trend, the growth fit per bit, the unsolved seeds, each seed's line), checked against the sweep's own results.
BeforeAll {
    $script:manifest = $env:PARITYNET_MANIFEST
    $script:root = Split-Path $manifest
    # A small table that has every part: the best recipe solves N = 2 … 5 on every seed (a growth fit over four
    # rows); the lesson's recipe, cut to 40 epochs, leaves seeds unsolved.
    $information = $null
    $script:output = & (Join-Path $root 'tools/ParityTable.ps1') -MinBits 2 -MaxBits 5 -Seeds 3 -FirstSeed 21 -LessonEpochs 40 `
        -ThrottleLimit 2 -ManifestPath $manifest -PassThru -InformationVariable information
    $script:seedLines = @($information | ForEach-Object { "$($_.MessageData)" })
    $script:results = @($output | Where-Object { $_ -is [ParityNet.SweepResult] })
    $script:text = @($output | Where-Object { $_ -is [string] })
    $script:rows = @($text | Where-Object { $_ -match '^\| (lesson|best) \|' } | ForEach-Object {
        $cells = $_.Trim('|').Split('|') | ForEach-Object Trim
        [pscustomobject]@{ Recipe = $cells[0]; N = [int]$cells[1]; Solved = $cells[3]; Median = $cells[5]; Trend = $cells[7]; Time = $cells[8]; Cells = $cells.Count }
    })
    $script:invariant = [cultureinfo]::InvariantCulture
}

Describe 'tools/ParityTable.ps1' {
    It 'makes one row per recipe and N, nine columns each, from one sweep point per seed' {
        $results | Should -HaveCount 24
        $rows | Should -HaveCount 8
        $rows.Cells | Sort-Object -Unique | Should -Be 9
        $text | Should -Contain '| Recipe | N | Hidden | Solved | Success | Median epochs (solved) | Epochs range (solved) | ~4^N trend (Tesauro & Janssens) | Training time |'
        foreach ($row in $rows) { $row.Time | Should -Match '^\d+\.\d s$' }
    }

    It 'gives the ~4^N trend: the recipe''s first median times 4 for each bit more' {
        $best = @($rows | Where-Object Recipe -eq 'best')
        $anchor = [double]$best[0].Median
        $anchor | Should -BeGreaterThan 0
        foreach ($row in $best) {
            $row.Trend | Should -Be ($anchor * [math]::Pow(4, $row.N - 2)).ToString('N0', $invariant) -Because "best N=$($row.N)"
        }
    }

    It 'fits the growth per bit over the rows every seed solved, from their medians' {
        $best = @($rows | Where-Object { $_.Recipe -eq 'best' })
        $best.Solved | Should -Be '3/3', '3/3', '3/3', '3/3' -Because 'the best recipe solves these small N on every seed'
        $xs = $best.N; $ys = $best | ForEach-Object { [math]::Log([double]::Parse($_.Median, $invariant)) }
        $mx = ($xs | Measure-Object -Average).Average; $my = ($ys | Measure-Object -Average).Average
        $sxy = 0.0; $sxx = 0.0
        for ($i = 0; $i -lt $xs.Count; $i++) { $sxy += ($xs[$i] - $mx) * ($ys[$i] - $my); $sxx += ($xs[$i] - $mx) * ($xs[$i] - $mx) }
        $text | Should -Contain "- best: ×$([math]::Exp($sxy / $sxx).ToString('0.00', $invariant)) per bit over N = 2 … 5 (4^N would be ×4)."
        $text | Should -Contain '- lesson: not fitted, fewer than three rows with every seed solved.'
    }

    It 'lists every unsolved seed, with its final accuracy and stop reason, and no solved one' {
        $misses = @($results | Where-Object { -not $_.Solved })
        $misses | Should -Not -BeNullOrEmpty -Because '40 epochs of the lesson''s recipe leave seeds unsolved'
        $text | Should -Contain 'Unsolved seeds (seed: final accuracy, stop reason):'
        foreach ($miss in $misses) {
            $line = $text | Where-Object { $_ -like "- lesson N=$($miss.Bits): *" }
            $line | Should -HaveCount 1
            $line | Should -BeLike "*$($miss.Settings.Seed): $($miss.FinalAccuracy.ToString('P1', $invariant)) $($miss.StopReason)*"
        }
        $text | Where-Object { $_ -like '- best N=*' } | Should -BeNullOrEmpty
    }

    It 'writes each seed''s line in the form the committed per-seed logs use' {
        $seedLines | Should -HaveCount 24
        foreach ($r in $results) {
            $recipe = if ($r.Settings.Activation -eq 'ReLU') { 'best' } else { 'lesson' }
            $state = if ($r.Solved) { 'solved' } else { 'not solved' }
            $start = "[$recipe N=$($r.Bits) seed $($r.Settings.Seed)] $state after $($r.EpochsRun) epochs, " # [ ] are wildcards to -like
            @($seedLines | Where-Object { $_.StartsWith($start, [StringComparison]::Ordinal) }) | Should -HaveCount 1
        }
    }
}
