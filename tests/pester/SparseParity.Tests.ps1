# Issue 28, item 1: (n, k)-sparse parity as a task, through the built module: the label is the XOR of the support's
# bits; the support travels wherever a network travels (a job's process, Clixml, JSON, ONNX) bit for bit; a sweep
# takes -Relevant as a setting; every way to give the support wrongly is a named error.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    $script:foreign = Join-Path $PSScriptRoot '../ParityNet.Onnx.Tests/corpus/foreign/torch-gemm-sigmoid-op17.onnx' | Resolve-Path | Select-Object -ExpandProperty Path
    function Get-Xor([long] $Number, [int[]] $Support) {
        $x = 0
        foreach ($bit in $Support) { $x = $x -bxor (($Number -shr $bit) -band 1) }
        $x
    }
    # The network's weights and biases as hex of their doubles' bytes: equal text is equal bits.
    function Get-Bytes($Network) {
        $values = @($Network.WeightValues | ForEach-Object { $_ }) + @($Network.Biases | ForEach-Object { $_ })
        ($values | ForEach-Object { [Convert]::ToHexString([BitConverter]::GetBytes([double]$_)) }) -join ''
    }
}

Describe 'New-ParityNetwork -Task SparseParity' {
    It 'draws -Relevant bits from the seed, shows them, and labels every number by their XOR' {
        $net = New-ParityNetwork -Bits 8 -Task SparseParity -Relevant 3 -Seed 5
        $net.Support | Should -HaveCount 3
        ($net | Out-String) | Should -Match 'Sparse\(3\)'
        ($net | Format-List | Out-String) | Should -Match "Support\s+: bits $($net.Support -join ', ') \(0 the least significant\)"
        $answers = 0..255 | Test-Parity -Network $net
        foreach ($a in $answers) { $a.ExpectedLabel | Should -Be (Get-Xor $a.Number $net.Support) }
        ($answers | Where-Object ExpectedLabel -eq 1)[0].Expected | Should -Be 'OddSupport'
        (New-ParityNetwork -Bits 8 -Task SparseParity -Relevant 3 -Seed 5).Support | Should -Be $net.Support
    }

    It 'takes -Support outright, and Trace-ParityNetwork expects the same label' {
        $net = New-ParityNetwork -Bits 6 -Task SparseParity -Support 5, 0 -Seed 2
        $net.Support | Should -Be @(0, 5)
        $trace = 33 | Trace-ParityNetwork -Network $net   # 100001: bits 0 and 5 set, an even count on the support
        $trace.Expected | Should -Be 0
        $trace.ExpectedName | Should -Be 'EvenSupport'
    }

    It 'refuses a support given wrongly, by name, saying what to give: <Name>' -ForEach @(
        @{ Name = 'no support'; Arguments = @{ Task = 'SparseParity' }; Match = 'needs its support: -Relevant 3 .* or -Support' }
        @{ Name = 'both'; Arguments = @{ Task = 'SparseParity'; Relevant = 2; Support = 1, 2 }; Match = 'one way: -Support .* or -Relevant' }
        @{ Name = 'a bit outside'; Arguments = @{ Task = 'SparseParity'; Support = 8 }; Match = 'Support bit 8 is outside 0 to 7' }
        @{ Name = 'another task'; Arguments = @{ Relevant = 2 }; Match = 'belongs to the SparseParity task, not Even' }
    ) {
        $err = $null
        try { New-ParityNetwork -Bits 8 @Arguments } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidArgument,*'
        $err.Exception.Message | Should -Match $Match
    }
}

Describe 'A sparse-parity network travels with its support' {
    BeforeAll {
        $script:trained = New-ParityNetwork -Bits 10 -Task SparseParity -Support 2, 7 -HiddenSize 32 -Activation ReLU -Initialization He -Seed 3 |
            Invoke-NetworkTraining -Optimizer Adam -Alpha 0.01 -Loss CrossEntropy -BatchSize 1024 -Epochs 400 -TargetAccuracy 1
    }

    It 'learns the task to every input' {
        $trained.History.FinalAccuracy | Should -Be 1
        @(0..1023 | Test-Parity -Network $trained | Where-Object { -not $_.Correct }) | Should -HaveCount 0
    }

    It 'through a job (another process): the same support and the same weights, bit for bit' {
        $back = Start-Job { param($n) $n } -ArgumentList $trained | Receive-Job -Wait -AutoRemoveJob
        $live = [ParityNet.ParityNetwork] $back
        $live.Support | Should -Be @(2, 7)
        Get-Bytes $live | Should -Be (Get-Bytes $trained)
        (4 | Test-Parity -Network $back).Expected | Should -Be 'OddSupport'      # 100: bit 2 alone of the support
        (132 | Test-Parity -Network $back).Expected | Should -Be 'EvenSupport'   # 10000100: bits 2 and 7, both of it
    }

    It 'through Clixml and JSON: a prediction keeps its support, a network its support and weights' {
        $file = Join-Path $TestDrive 'sparse.clixml'
        @($trained, (5 | Test-Parity -Network $trained)) | Export-Clixml $file
        $net, $prediction = Import-Clixml $file
        ([ParityNet.ParityNetwork] $net).Support | Should -Be @(2, 7)
        $live = [ParityNet.ParityPrediction] $prediction
        $live.Support | Should -Be @(2, 7)
        $live.ExpectedLabel | Should -Be (Get-Xor 5 @(2, 7))
        $json = $trained | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        $fromJson = 0..1023 | Test-Parity -Network $json
        @($fromJson | Where-Object { $_.ExpectedLabel -ne (Get-Xor $_.Number @(2, 7)) }) | Should -HaveCount 0
    }

    It 'through ONNX: the file carries its support, and Test-Parity -OnnxPath labels by it' {
        $file = Join-Path $TestDrive 'sparse.onnx'
        $null = $trained | Export-NetworkOnnx $file
        (Import-NetworkOnnx $file).Support | Should -Be @(2, 7)
        $answers = 0..1023 | Test-Parity -OnnxPath $file
        @($answers | Where-Object { -not $_.Correct }) | Should -HaveCount 0
        @($answers | Where-Object { $_.ExpectedLabel -ne (Get-Xor $_.Number @(2, 7)) }) | Should -HaveCount 0
    }

    It 'a file another tool wrote has no support: -Task SparseParity on it is refused by name' {
        $err = $null
        try { 0 | Test-Parity -OnnxPath $foreign -Task SparseParity -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match 'has no ParityNet metadata, so it has no support for the SparseParity task'
        $err = $null
        try { Import-NetworkOnnx $foreign -Task SparseParity -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match 'no support for the SparseParity task'
    }
}

Describe 'Sparse parity in a sweep' {
    It '-Relevant is a setting: a grid over k, and a CSV row naming the support' {
        $out = Invoke-ParitySweep -Grid @{ Bits = 8; Task = 'SparseParity'; Relevant = 1, 2; Seed = 1, 2 } -Fixed @{ Epochs = 5 } -ThrottleLimit 2 -KeepNetwork -WarningAction SilentlyContinue
        $out | Should -HaveCount 4
        foreach ($r in $out) { $r.Network.Support | Should -HaveCount ([int]$r.Settings.Relevant) }
        $row = [pscustomobject]@{ Bits = 8; Task = 'SparseParity'; Support = '1,6'; Epochs = 5 }
        $one = $row | Invoke-ParitySweep -ThrottleLimit 1 -KeepNetwork -WarningAction SilentlyContinue
        $one.Network.Support | Should -Be @(1, 6)
        $one.Key | Should -Match 'Support=1,6'
        $err = $null
        try { Invoke-ParitySweep -Grid @{ Bits = 8; Task = 'SparseParity'; Seed = 1 } } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.SweepInvalidPoint,*'
        $err.Exception.Message | Should -Match 'needs its support'
    }
}

Describe 'A network wider than a long answers integers of any size (Test-Parity past 2^63)' {
    BeforeAll {
        $script:wide = New-ParityNetwork -Bits 100 -Task SparseParity -Support 0, 70, 99 -HiddenSize 16 -Activation ReLU -SignedInputs -Seed 4
        function Get-WideXor([bigint] $Number, [int[]] $Support) {
            $x = 0
            foreach ($bit in $Support) { $x = $x -bxor [int](($Number -shr $bit) -band 1) }
            $x
        }
        # The network's answer worked out here from its weights, reading each bit off the [bigint]: ±1 inputs, ReLU, σ.
        function Get-DenseAnswer([bigint] $Number) {
            $w = $wide.WeightValues; $b = $wide.Biases
            $z = $b[1][0]
            for ($j = 0; $j -lt 16; $j++) {
                $h = $b[0][$j]
                for ($p = 0; $p -lt 100; $p++) { $h += (2 * [int](($Number -shr (99 - $p)) -band 1) - 1) * $w[0][$p * 16 + $j] }
                $z += [math]::Max($h, 0) * $w[1][$j]
            }
            1 / (1 + [math]::Exp(-$z))
        }
        $rng = [System.Random]::new(7)
        $script:numbers = @([bigint]::Pow(2, 99), ([bigint]::Pow(2, 99) + [bigint]::Pow(2, 70) + 1), [bigint]::Pow(2, 70), ([bigint]::Pow(2, 100) - 1), [bigint]5)
        for ($i = 0; $i -lt 20; $i++) {
            $bytes = [byte[]]::new(14); $rng.NextBytes($bytes); $bytes[13] = 0    # 104 bits, positive
            $script:numbers += [bigint]::new($bytes) % [bigint]::Pow(2, 100)
        }
    }

    It 'labels each number by the XOR of its support bits, 70 and 99 included, and shows all 100 bits' {
        $answers = $numbers | Test-Parity -Network $wide
        $answers | Should -HaveCount $numbers.Count
        for ($i = 0; $i -lt $numbers.Count; $i++) {
            $answers[$i].Number | Should -Be $numbers[$i]
            $answers[$i].Number | Should -BeOfType [bigint]
            $answers[$i].ExpectedLabel | Should -Be (Get-WideXor $numbers[$i] @(0, 70, 99))
            $answers[$i].Bits.Length | Should -Be 100
            $fromBits = [bigint]::Zero
            foreach ($c in $answers[$i].Bits.ToCharArray()) { $fromBits = $fromBits * 2 + [int]"$c" }
            $fromBits | Should -Be $numbers[$i]
        }
        @($answers | Where-Object ExpectedLabel -eq 1).Count | Should -BeGreaterThan 3
        @($answers | Where-Object ExpectedLabel -eq 0).Count | Should -BeGreaterThan 3
        $answers[1].Expected | Should -Be 'OddSupport'   # bits 0, 70 and 99: all three
    }

    It 'takes a [bigint] literal (suffix n), digits, and 0x or 0b text past a long: the same number' {
        $two99plus1 = [bigint]::Pow(2, 99) + 1
        $given = @(633825300114114700748351602689n, '633825300114114700748351602689', '633825300114114700748351602689n', '0x8000000000000000000000001', ('0b1' + '0' * 98 + '1'), '0x8000000000000000000000001n')
        $answers = $given | Test-Parity -Network $wide
        $answers | Should -HaveCount 6
        $answers.Number | Should -Be @($two99plus1, $two99plus1, $two99plus1, $two99plus1, $two99plus1, $two99plus1)
        $answers[0].Expected | Should -Be 'EvenSupport'          # bits 0 and 99
        # Sixteen hex digits from 8 on are past a long, not negative as PowerShell's [long] reads them.
        (Test-Parity '0xFFFFFFFFFFFFFFFF' -Network $wide).Number | Should -Be ([bigint]::Pow(2, 64) - 1)
        (Test-Parity '0x8000000000000000' -Network $wide).Number | Should -Be ([bigint]::Pow(2, 63))
    }

    It 'refuses what it would have to guess at, naming it and the way to give it exactly: <Name>' -ForEach @(
        @{ Name = 'a double past 2^63 (an integer literal without the suffix n)'; Value = [double][math]::Pow(2, 99); Match = 'is a floating-point number past 2\^63, where a double keeps only 53 bits.*suffix n' }
        @{ Name = 'an exponent past a long'; Value = '1e30'; Match = 'written with an exponent.*write its digits' }
        @{ Name = 'hex with no digits'; Value = '0x_'; Match = 'not an integer' }
        @{ Name = 'hex with a separator'; Value = '0x1_0'; Match = 'not an integer' }
    ) {
        $err = $null
        try { Test-Parity -Number $Value -Network $wide -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.Message | Should -Match $Match
    }

    It 'refuses text longer than any network''s integer at once, without parsing it (a megabyte of hex from a file)' {
        $line = '0x' + ('f' * 1000000)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $answers = $line, 3 | Test-Parity -Network $wide -ErrorVariable bad -ErrorAction SilentlyContinue
        $clock.Stop()
        $answers | Should -HaveCount 1
        $bad[0].Exception.Message | Should -Match "^'0xffffffffffffffffff…' is 1000002 characters long, longer than any integer a network takes \(at most 1024 bits"
        $bad[0].Exception.Message.Length | Should -BeLessThan 300
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5   # generous for a busy machine; parsing it digit by digit took minutes
    }

    It 'parameters that take a long still say a number past one is too large, in the user''s own words' {
        $err = $null
        try { New-ParityNetwork -Seed '1e19' -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match '-Seed 1e19 is far too large\. Give a whole number'
        $err = $null
        try { New-ParityNetwork -Seed 1e300 -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match '-Seed 1E\+300 is far too large\. Give a whole number'
        $err = $null
        try { New-ParityNetwork -Seed '0x_' -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
    }

    It 'answers as the weights multiply out, reading every bit; a number a long holds gives the same bits either way' {
        foreach ($n in $numbers) {
            [math]::Abs((Test-Parity $n -Network $wide).Probability - (Get-DenseAnswer $n)) | Should -BeLessOrEqual 1e-12
        }
        $asLong = (Test-Parity ([long]123456789) -Network $wide).Probability
        $asBig = (Test-Parity ([bigint]123456789) -Network $wide).Probability
        [BitConverter]::DoubleToInt64Bits($asBig) | Should -Be ([BitConverter]::DoubleToInt64Bits($asLong))
        (Test-Parity ([bigint]::Pow(2, 99)) -Network $wide).Probability | Should -Not -Be (Test-Parity 0 -Network $wide).Probability
    }

    It 'refuses a number past 2^100 - 1, or below 0, naming it and the range, and still answers the rest' {
        $answers = @([bigint]::Pow(2, 100), 3, -([bigint]::Pow(2, 80))) | Test-Parity -Network $wide -ErrorVariable bad -ErrorAction SilentlyContinue
        $answers | Should -HaveCount 1
        $bad | Should -HaveCount 2
        $bad[0].FullyQualifiedErrorId | Should -Match '^ParityNet.InputOutOfRange'
        $bad[0].Exception.Message | Should -Match '^1267650600228229401496703205376 is outside the range of this 100-bit network\. Give an integer from 0 to 2\^100 - 1'
    }

    It 'a prediction past a long travels through Clixml and JSON to another process: the same number, bits and probability' {
        $p = Test-Parity $numbers[1] -Network $wide
        $xml = Join-Path $TestDrive 'wide-prediction.clixml'
        $json = Join-Path $TestDrive 'wide-prediction.json'
        $p | Export-Clixml $xml
        $p | ConvertTo-Json -Depth 6 | Set-Content $json
        $back = Start-Job {
            param($manifest, $xml, $json)
            Import-Module $manifest
            foreach ($live in @([ParityNet.ParityPrediction](Import-Clixml $xml), [ParityNet.ParityPrediction](Get-Content $json -Raw | ConvertFrom-Json))) {
                '{0} {1} {2} {3}' -f $live.Number.ToString(), $live.Bits, [BitConverter]::DoubleToInt64Bits($live.Probability), $live.Expected
            }
        } -ArgumentList $env:PARITYNET_MANIFEST, $xml, $json | Receive-Job -Wait -AutoRemoveJob
        $expected = '{0} {1} {2} {3}' -f $p.Number.ToString(), $p.Bits, [BitConverter]::DoubleToInt64Bits($p.Probability), $p.Expected
        $back | Should -Be @($expected, $expected)
    }

    It 'Test-Parity -OnnxPath answers past a long too, as the managed engine does (float32: within 1e-6)' {
        $file = Join-Path $TestDrive 'wide.onnx'
        $null = $wide | Export-NetworkOnnx $file
        $onnx = $numbers | Test-Parity -OnnxPath $file
        $managed = $numbers | Test-Parity -Network $wide
        $onnx | Should -HaveCount $numbers.Count
        for ($i = 0; $i -lt $numbers.Count; $i++) {
            $onnx[$i].Number | Should -Be $numbers[$i]
            $onnx[$i].ExpectedLabel | Should -Be $managed[$i].ExpectedLabel
            [math]::Abs($onnx[$i].Probability - $managed[$i].Probability) | Should -BeLessOrEqual 1e-6
        }
        $err = $null
        try { [bigint]::Pow(2, 100) | Test-Parity -OnnxPath $file -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match 'outside the range of this 100-bit network'
    }

    It 'Trace-ParityNetwork, which takes integers a long holds, says so for one past it' {
        $err = $null
        try { Trace-ParityNetwork -Number ([bigint]::Pow(2, 99)) -Network $wide -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -Match '^633825300114114700748351602688 is too large here: this takes integers a long holds.*Test-Parity alone takes larger ones'
    }
}
