BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    $script:trained = New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5
}

Describe 'Test-Parity' {
    It 'answers 0..15 from the pipeline with 16 correct predictions' {
        $results = 0..15 | Test-Parity
        $results.Count | Should -Be 16
        $results | ForEach-Object { $_.GetType().FullName | Should -Be 'ParityNet.ParityPrediction' }
        $results.Number | Should -Be (0..15)
        @($results | Where-Object Correct).Count | Should -Be 16
    }

    It 'describes each number: bits, probability, prediction, expected, engine' {
        $five = 5 | Test-Parity -Network $trained
        $five.Number | Should -Be 5
        $five.Bits | Should -Be '00000101'
        $five.Prediction | Should -Be 'Odd'
        $five.Expected | Should -Be 'Odd'
        $five.Probability | Should -BeLessThan 0.5
        $five.Probability | Should -BeGreaterThan 0
        $five.Correct | Should -BeTrue
        $five.Engine | Should -Be 'Managed'
        (Test-Parity -Number 6 -Network $trained).Prediction | Should -Be 'Even'
    }

    It 'takes several numbers with -Number or by position' {
        (Test-Parity -Number 1, 2, 3).Number | Should -Be @(1, 2, 3)
        (Test-Parity 4, 5).Number | Should -Be @(4, 5)
    }

    It 'uses -Network over the current network' {
        $wide = New-ParityNetwork -Bits 10 -Seed 3 | Invoke-NetworkTraining -Epochs 5
        $null = New-ParityNetwork -Bits 4 | Invoke-NetworkTraining -Epochs 5   # now current
        (1000 | Test-Parity -Network $wide).Bits | Should -Be '1111101000'
        (15 | Test-Parity).Bits | Should -Be '1111'
    }

    It 'agrees with the network''s own forward pass' {
        $p = 77 | Test-Parity -Network $trained
        $p.Probability | Should -Be $trained.Predict(77)
    }

    It 'uses the built-in default network when the session has none, saying so once' {
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:PARITYNET_MANIFEST'; 0..15 | Test-Parity -Verbose")
            $results = $ps.Invoke()
            $results.Count | Should -Be 16
            @($results | Where-Object Correct).Count | Should -Be 16
            @($ps.Streams.Verbose | Where-Object Message -Match 'built-in default').Count | Should -Be 1
        }
        finally { $ps.Dispose() }
    }

    It 'gives <Name> a named non-terminating error and still answers the numbers around it' -ForEach @(
        @{ Name = 'a negative number'; Bad = -1; Id = 'ParityNet.InputOutOfRange'; Category = 'InvalidArgument'; Shown = '-1' }
        @{ Name = 'a number too large for 8 bits'; Bad = 256; Id = 'ParityNet.InputOutOfRange'; Category = 'InvalidArgument'; Shown = '256' }
        @{ Name = '2^63'; Bad = [bigint]::Pow(2, 63); Id = 'ParityNet.InputOutOfRange'; Category = 'InvalidArgument'; Shown = '9223372036854775808' }
        @{ Name = 'a fraction'; Bad = 3.5; Id = 'ParityNet.InputNotInteger'; Category = 'InvalidType'; Shown = '3.5' }
        @{ Name = 'NaN'; Bad = [double]::NaN; Id = 'ParityNet.InputNotInteger'; Category = 'InvalidType'; Shown = 'NaN' }
        @{ Name = 'a word'; Bad = 'abc'; Id = 'ParityNet.InputNotInteger'; Category = 'InvalidType'; Shown = 'abc' }
        @{ Name = '$null'; Bad = $null; Id = 'ParityNet.InputNotInteger'; Category = 'InvalidType'; Shown = 'null' }
        @{ Name = 'a Boolean'; Bad = $true; Id = 'ParityNet.InputNotInteger'; Category = 'InvalidType'; Shown = 'true' }
        @{ Name = 'a nested array'; Bad = (, @(1, 2)); Id = 'ParityNet.InputNotInteger'; Category = 'InvalidType'; Shown = 'collection' }
        @{ Name = 'an object'; Bad = [pscustomobject]@{ A = 1 }; Id = 'ParityNet.InputNotInteger'; Category = 'InvalidType'; Shown = 'A=1' }
    ) {
        $errors = $null
        $results = @(2, $Bad, 3) | Test-Parity -Network $trained -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Number | Should -Be @(2, 3)
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $errors[0].CategoryInfo.Category | Should -Be $Category
        $errors[0].Exception.Message | Should -BeLike "*$Shown*"
    }

    It 'names the valid range for a number out of range' {
        $errors = $null
        $null = 300 | Test-Parity -Network $trained -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].Exception.Message | Should -BeLike '*300*0 to 255*'
    }

    It 'accepts whole numbers in any numeric type and numeric strings' {
        $results = @([byte]1, [int16]2, [long]3, 4.0, [decimal]5, '6', ' 7 ', [uint64]8) | Test-Parity -Network $trained
        $results.Number | Should -Be (1..8)
    }

    It 'turns errors into catchable terminating errors with -ErrorAction Stop' {
        $err = $null
        try { 1, -5, 2 | Test-Parity -Network $trained -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputOutOfRange,*'
    }
}

Describe 'Test-Parity takes Number by property name (issue 11)' {
    BeforeAll { $script:net12 = New-ParityNetwork -Bits 12 -Seed 2 }

    It 'reads the Number column of Import-Csv rows, as PowerShell''s [long] reads text' {
        $csv = Join-Path $TestDrive 'numbers.csv'
        @('Number,Note', '5,five', '0x10,hex', '1e3,exponent', ' 12 ,spaces', '2kb,suffix') | Set-Content $csv
        $rows = Import-Csv $csv
        (Import-Csv $csv | Test-Parity -Network $net12).Number | Should -Be @(5, 16, 1000, 12, 2048)
        foreach ($row in $rows) { (Test-Parity -Network $net12 -Number $row).Number | Should -Be ([long]$row.Number) }
    }

    It 'takes objects and hashtables with a Number property, and predictions piped on' {
        ([pscustomobject]@{ Number = 5; Other = 'x' } | Test-Parity -Network $net12).Number | Should -Be 5
        (@{ Number = 9 } | Test-Parity -Network $net12).Number | Should -Be 9
        (0..3 | Test-Parity -Network $net12 | Test-Parity -Network $net12).Number | Should -Be @(0, 1, 2, 3)
    }

    It 'refuses what [long] would round or invent: <Value>' -ForEach @(
        @{ Value = '2.5' }, @{ Value = '1.5e0' }, @{ Value = '' }, @{ Value = '   ' }, @{ Value = 'abc' }, @{ Value = '1_000' }
    ) {
        $errors = @()
        $out = [pscustomobject]@{ Number = $Value } | Test-Parity -Network $net12 -ErrorVariable errors -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
        $errors[0].Exception.Message | Should -Match ([regex]::Escape("'$Value'"))
    }

    It 'an object without a Number property is still refused by name' {
        $errors = @()
        $null = [pscustomobject]@{ Count = 5 } | Test-Parity -Network $net12 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
    }

    It 'plain numbers still bind by value, as before' {
        (1, '2', 3.0, [decimal]4 | Test-Parity -Network $net12).Number | Should -Be @(1, 2, 3, 4)
    }
}

Describe 'Test-Parity''s parameters as laid out for speed (issue 22): same answers, same errors' {
    BeforeAll { $script:net8 = New-ParityNetwork -Bits 8 -Seed 5 | Invoke-NetworkTraining -Epochs 50 }

    It 'a list piped whole or given to -Number is its numbers, in order, with the errors in place' {
        $seen = @(, @(1, 'x', 2) | Test-Parity -Network $net8 -ErrorAction Continue 2>&1)
        $seen.Count | Should -Be 3
        $seen[0].Number | Should -Be 1
        $seen[1].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
        $seen[2].Number | Should -Be 2
        (, [int[]](3, 4) | Test-Parity -Network $net8).Number | Should -Be @(3, 4)
        (, [System.Collections.Generic.List[object]]@(5, '6') | Test-Parity -Network $net8).Number | Should -Be @(5, 6)
        (Test-Parity -Network $net8 -Number ([System.Collections.ArrayList]@(7, 8))).Number | Should -Be @(7, 8)
        (Test-Parity -Network $net8 -Number @()) | Should -BeNullOrEmpty
    }

    It 'a list inside a list, a set and a dictionary without Number are refused by name, as before' {
        foreach ($bad in @((, @(1, 2)), [System.Collections.Generic.HashSet[int]]@(1, 2), @{ Count = 1 })) {
            $errors = @()
            $out = Test-Parity -Network $net8 -Number @(1, $bad, 2) -ErrorVariable errors -ErrorAction SilentlyContinue
            $out.Number | Should -Be @(1, 2)
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InputNotInteger,*'
            $errors[0].Exception.Message | Should -Match 'collection'
        }
    }

    It 'a network piped in with -Number binds to the hidden -InputObject; -Number with -Network is not ambiguous' {
        (TabExpansion2 -inputScript 'Test-Parity -' -cursorColumn 13).CompletionMatches.CompletionText | Should -Not -Contain '-InputObject' -Because 'it is hidden (DontShow)'
        ($net8 | Test-Parity -Number 9).Probability | Should -Be $net8.Predict(9)
        (Test-Parity -Number 9 -Network $net8).Probability | Should -Be $net8.Predict(9)
        $errors = @()
        $out = @(5, $net8 | Test-Parity -Number 9 -ErrorVariable errors -ErrorAction SilentlyContinue)
        $out.Probability | Should -Be $net8.Predict(9)
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidNetwork,*'
    }

    It 'predictions keep every property and value through Export-Clixml' {
        $predictions = 0..9 | Test-Parity -Network $net8
        @($predictions[0].PSObject.Properties.Name) | Should -Be @('Number', 'Bits', 'Task', 'Support', 'Probability', 'Label', 'ExpectedLabel', 'Prediction', 'Expected', 'Correct', 'Engine', 'Source')
        $file = Join-Path $TestDrive 'predictions.xml'
        $predictions | Export-Clixml $file
        $back = @(Import-Clixml $file)
        $back.Count | Should -Be 10
        for ($i = 0; $i -lt 10; $i++) {
            $back[$i] | Should -BeOfType ([ParityNet.ParityPrediction])
            foreach ($name in $predictions[$i].PSObject.Properties.Name) {
                $back[$i].$name | Should -Be $predictions[$i].$name -Because "$name of $i"
            }
            [BitConverter]::DoubleToInt64Bits($back[$i].Probability) | Should -Be ([BitConverter]::DoubleToInt64Bits($net8.Predict($i)))
        }
    }
}
