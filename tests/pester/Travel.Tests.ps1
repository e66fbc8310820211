# Objects that leave this process and come back (issue 11): Start-Job, Export-Clixml/Import-Clixml,
# ConvertTo-Json/ConvertFrom-Json and, where sshd can be started, Invoke-Command over SSH. Each round
# trip is checked in another process, bit for bit, against a fingerprint of every double.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/OnnxTestHelpers.ps1"
    $script:manifest = $env:PARITYNET_MANIFEST

    # Every value that defines a network, doubles as their 64 bits: two networks with the same
    # fingerprint are the same network to the last bit (weights, biases, spec, history, loss curve).
    # Defined as text so that a job can define the very same function.
    $script:fingerprintSource = @'
function Get-Fingerprint($n) {
    $bits = { param($d) '{0:x16}' -f [BitConverter]::DoubleToInt64Bits([double]$d) }
    $parts = [System.Collections.Generic.List[string]]::new()
    $s = $n.Spec
    $parts.Add("spec $($s.Bits) $($s.HiddenSizes -join '-') $($s.Task) $($s.Activation) $($s.Initialization) $($s.HasBias) $($s.Seed)")
    foreach ($w in $n.Weights) { $parts.Add("w $($w.Rows)x$($w.Columns) " + (($w.Values | ForEach-Object { $_ | ForEach-Object { & $bits $_ } }) -join ' ')) }
    foreach ($b in $n.Biases) { $parts.Add('b ' + (($b | ForEach-Object { & $bits $_ }) -join ' ')) }
    $h = $n.History
    if ($h) {
        $parts.Add("h $($h.Optimizer) $($h.Settings) $($h.EpochsRun) $($h.BatchSize) $($h.Sampled) $($h.StopReason) $($h.WallTime.Ticks) $(& $bits $h.FinalLoss) $(& $bits $h.FinalAccuracy)")
        $parts.Add('epochs ' + ($h.RecordedEpochs -join ' '))
        $parts.Add('loss ' + (($h.Loss | ForEach-Object { & $bits $_ }) -join ' '))
        $parts.Add('accuracy ' + (($h.Accuracy | ForEach-Object { & $bits $_ }) -join ' '))
    }
    $parts -join "`n"
}
'@
    . ([scriptblock]::Create($fingerprintSource))

    # Networks of several kinds: the lesson's, Adam with every setting, two tanh layers without bias.
    $script:networks = @(
        Invoke-InFreshRunspace { New-ParityNetwork -Seed 3 | Invoke-NetworkTraining -Alpha 0.5 -Epochs 400 }
        Invoke-InFreshRunspace { New-ParityNetwork -Bits 6 -HiddenSize 16 -Task BitParity -Activation ReLU -Initialization He -Seed 21 | Invoke-NetworkTraining -Optimizer Adam -Loss CrossEntropy -BatchSize 16 -Epochs 150 -TargetAccuracy 0.99 -Seed 5 }
        Invoke-InFreshRunspace { New-ParityNetwork -Bits 5 -HiddenSize 6, 3 -Activation Tanh -NoBias -Seed 8 }
    )
}

Describe 'Networks survive PowerShell''s serializer' {
    It 'a network made in Start-Job comes back live, bit-identical to the job''s own, and every cmdlet takes it' {
        $job = Start-Job -ArgumentList $manifest, $fingerprintSource {
            param($manifest, $source)
            Import-Module $manifest
            . ([scriptblock]::Create($source))
            $net = New-ParityNetwork -Bits 6 -HiddenSize 8 -Seed 4 | Invoke-NetworkTraining -Optimizer Momentum -Epochs 300
            $net
            Get-Fingerprint $net
            (0..63 | Test-Parity -Network $net).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }
        }
        $out = $job | Receive-Job -Wait -AutoRemoveJob
        $received = $out[0]
        $received | Should -BeOfType ([ParityNet.ParityNetwork])
        $received.History | Should -BeOfType ([ParityNet.TrainingHistory])
        Get-Fingerprint $received | Should -BeExactly $out[1]
        (0..63 | Test-Parity -Network $received).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) } | Should -Be $out[2..65]
        # From the pipeline, by -Network, and to the other cmdlets.
        ($received | Test-Parity -Number 5).Number | Should -Be 5
        (Invoke-InFreshRunspace { param($n) $n | Invoke-NetworkTraining -Epochs 3 } -ArgumentList $received).History.EpochsRun | Should -Be 3
        $onnx = Join-Path $TestDrive 'from-job.onnx'
        ($received | Export-NetworkOnnx $onnx).InputsCompared | Should -Be 64
        $png = Join-Path $TestDrive 'from-job.png'
        $received | Export-TrainingChart $png | Should -Not -BeNullOrEmpty
    }

    It 'Export-Clixml here, Import-Clixml in another process: <Name> is live and bit-identical' -ForEach @(
        @{ Index = 0; Name = 'the lesson''s network' }
        @{ Index = 1; Name = 'an Adam ReLU network with every setting' }
        @{ Index = 2; Name = 'an untrained two-layer tanh network without bias' }
    ) {
        $net = $networks[$Index]
        $file = Join-Path $TestDrive "net$Index.xml"
        $net | Export-Clixml $file
        $there = Start-Job -ArgumentList $manifest, $fingerprintSource, $file {
            param($manifest, $source, $file)
            Import-Module $manifest
            . ([scriptblock]::Create($source))
            $back = Import-Clixml $file
            $back.GetType().FullName
            Get-Fingerprint $back
            (Test-Parity -Network $back -Number 0, 1, 2, 3).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }
        } | Receive-Job -Wait -AutoRemoveJob
        $there[0] | Should -Be 'ParityNet.ParityNetwork'
        $there[1] | Should -BeExactly (Get-Fingerprint $net)
        $there[2..5] | Should -Be ((Test-Parity -Network $net -Number 0, 1, 2, 3).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) })
    }

    It 'a history, predictions and an export result come back live through Import-Clixml' {
        $net = $networks[0]
        $file = Join-Path $TestDrive 'others.xml'
        $result = $net | Export-NetworkOnnx (Join-Path $TestDrive 'others.onnx')
        $predictions = 0..7 | Test-Parity -Network $net
        @($net.History) + @($predictions) + @($result) | Export-Clixml $file
        $back = Import-Clixml $file
        $back[0] | Should -BeOfType ([ParityNet.TrainingHistory])
        $back[0].Loss.Count | Should -Be $net.History.Loss.Count
        ($back[0].Loss | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }) | Should -Be ($net.History.Loss | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) })
        $back[1..8] | ForEach-Object { $_ | Should -BeOfType ([ParityNet.ParityPrediction]) }
        $back[1..8].Probability | Should -Be $predictions.Probability
        $back[1..8].Bits | Should -Be $predictions.Bits
        $back[9] | Should -BeOfType ([ParityNet.OnnxExportResult])
        $back[9].MaxAbsDifference | Should -Be $result.MaxAbsDifference
        Get-Fingerprint $back[9].Network | Should -BeExactly (Get-Fingerprint $net)
        ($back[9] | Test-Parity -Number 3).Probability | Should -Be (Test-Parity -Network $net -Number 3).Probability
        # A history on its own charts; it cannot stand for a network it did not bring.
        $back[0] | Export-TrainingChart (Join-Path $TestDrive 'history.png') | Should -Not -BeNullOrEmpty
        { $back[0] | Test-Parity -Number 3 -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.InvalidNetwork,*'
    }

    It 'ConvertTo-Json -Depth 6 here, ConvertFrom-Json in another process: accepted by -Network and from the pipeline, bit-identical' {
        $index = 0
        foreach ($net in $networks) {
            $file = Join-Path $TestDrive "net$index.json"
            $net | ConvertTo-Json -Depth 6 | Set-Content $file -Encoding utf8
            $there = Start-Job -ArgumentList $manifest, $fingerprintSource, $file {
                param($manifest, $source, $file)
                Import-Module $manifest
                . ([scriptblock]::Create($source))
                $json = Get-Content $file -Raw | ConvertFrom-Json
                Get-Fingerprint ([ParityNet.ParityNetwork]$json)
                (Test-Parity -Network $json -Number 0, 1).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }
                ($json | Test-Parity -Number 2).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }
                $hash = Get-Content $file -Raw | ConvertFrom-Json -AsHashtable
                (Test-Parity -Network $hash -Number 3).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }
            } | Receive-Job -Wait -AutoRemoveJob
            $there[0] | Should -BeExactly (Get-Fingerprint $net)
            $there[1..4] | Should -Be ((Test-Parity -Network $net -Number 0, 1, 2, 3).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) })
            $index++
        }
    }

    It 'JSON at ConvertTo-Json''s default depth keeps the weights as numbers (WeightValues): bit-identical in another process' {
        $file = Join-Path $TestDrive 'default-depth.json'
        $networks[1] | ConvertTo-Json -WarningAction SilentlyContinue | Set-Content $file -Encoding utf8
        $there = Start-Job -ArgumentList $manifest, $fingerprintSource, $file {
            param($manifest, $source, $file)
            Import-Module $manifest
            . ([scriptblock]::Create($source))
            $json = Get-Content $file -Raw | ConvertFrom-Json
            ($json.Weights[0].Values -is [string]) -or ($json.Weights[0].Values[0] -is [string])   # the matrices were cut to text...
            Get-Fingerprint ([ParityNet.ParityNetwork]$json)   # ...and the flat weights stand in
        } | Receive-Job -Wait -AutoRemoveJob
        $there[0] | Should -BeTrue
        $there[1] | Should -BeExactly (Get-Fingerprint $networks[1])
    }

    It 'JSON cut with no flat weights is refused by name and says which -Depth to use' {
        $json = $networks[0] | ConvertTo-Json -WarningAction SilentlyContinue | ConvertFrom-Json
        $json.PSObject.Properties.Remove('WeightValues')
        $failure = { Test-Parity -Network $json -Number 1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.InvalidNetwork,*' -PassThru
        $failure.Exception.Message | Should -Match 'Weights'
        $failure.Exception.Message | Should -Match 'ConvertTo-Json -Depth 6'
    }

    It 'flat weights that contradict the matrices are refused by name' {
        $json = $networks[0] | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        $json.WeightValues[1][2] = 7
        $failure = { Test-Parity -Network $json -Number 1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.InvalidNetwork,*' -PassThru
        $failure.Exception.Message | Should -Match ([regex]::Escape('WeightValues[1][2] is 7'))
    }
}

Describe 'A tampered or incomplete network is refused by name' {
    BeforeAll {
        $script:json = $networks[0] | ConvertTo-Json -Depth 6
        function Get-Tampered([scriptblock] $Change) {
            $o = $json | ConvertFrom-Json
            & $Change $o
            $o
        }
        function Get-Failure($object) {
            try { $null = Test-Parity -Network $object -Number 1 -ErrorAction Stop; return $null }
            catch { return $_ }
        }
    }

    It '<Case>: ParityNet.InvalidNetwork naming <Field>' -ForEach @(
        @{ Case = 'a NaN weight'; Field = 'Weights[0].Values[1][2]'; Change = { param($o) $o.Weights[0].Values[1][2] = [double]::NaN } }
        @{ Case = 'an infinite bias'; Field = 'Biases[1][0]'; Change = { param($o) $o.Biases[1][0] = [double]::PositiveInfinity } }
        @{ Case = 'a weight row too short'; Field = 'Weights[1].Values[2]'; Change = { param($o) $o.Weights[1].Values[2] = @() } }
        @{ Case = 'a missing row'; Field = 'Weights[0].Values'; Change = { param($o) $o.Weights[0].Values = @($o.Weights[0].Values | Select-Object -Skip 1) } }
        @{ Case = 'a matrix of the wrong shape'; Field = 'Weights[0].Rows'; Change = { param($o) $o.Weights[0].Rows = 7 } }
        @{ Case = 'a missing field'; Field = 'Biases'; Change = { param($o) $o.PSObject.Properties.Remove('Biases') } }
        @{ Case = 'a missing spec'; Field = 'Spec'; Change = { param($o) $o.PSObject.Properties.Remove('Spec') } }
        @{ Case = 'bits out of range'; Field = 'Spec'; Change = { param($o) $o.Spec.Bits = 1070 } }
        @{ Case = 'bits changed in one place only'; Field = 'Bits'; Change = { param($o) $o.Bits = 9 } }
        @{ Case = 'an unknown task'; Field = 'Spec.Task'; Change = { param($o) $o.Spec.Task = 'Prime' } }
        @{ Case = 'a weight as text'; Field = 'Weights[0].Values[0][0]'; Change = { param($o) $o.Weights[0].Values[0][0] = 'abc' } }
        @{ Case = 'a loss curve shorter than its epochs'; Field = 'History.Loss'; Change = { param($o) $o.History.Loss = @($o.History.Loss | Select-Object -Skip 1) } }
        @{ Case = 'an accuracy above 1'; Field = 'History.Accuracy'; Change = { param($o) $o.History.Accuracy[0] = 1.5 } }
        @{ Case = 'a negative alpha in the settings'; Field = 'History.Settings'; Change = { param($o) $o.History.Settings.Alpha = -1 } }
        @{ Case = 'an optimizer its settings do not name'; Field = 'History.Optimizer'; Change = { param($o) $o.History.Optimizer = 'RmsProp' } }
    ) {
        $failure = Get-Failure (Get-Tampered $Change)
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidNetwork,*'
        $failure.Exception.Message | Should -Match ([regex]::Escape($Field))
    }

    It 'a tampered Clixml file: Import-Clixml leaves the object deserialized, and using it names the field' {
        $file = Join-Path $TestDrive 'tampered.xml'
        $networks[0] | Export-Clixml $file
        $xml = Get-Content $file -Raw
        # The first weight of the first row, as the serializer wrote it.
        $first = $networks[0].Weights[0].Values[0][0].ToString('R', [cultureinfo]::InvariantCulture)
        $xml.Contains("<D>$first</D>") -or $xml.Contains("<Db>$first</Db>") | Should -BeTrue
        $xml = ([regex]"<(Db|D)>$([regex]::Escape($first))</(Db|D)>").Replace($xml, '<Db>NaN</Db>', 1)
        Set-Content $file $xml -NoNewline
        $back = Import-Clixml $file
        $back | Should -Not -BeOfType ([ParityNet.ParityNetwork])
        $back.PSObject.TypeNames[0] | Should -Be 'Deserialized.ParityNet.ParityNetwork'
        $failure = Get-Failure $back
        $failure.FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidNetwork,*'
        $failure.Exception.Message | Should -Match ([regex]::Escape('Weights[0].Values[0][0]'))
    }

    It 'something that is not a network at all is named, from -Network and from the pipeline' {
        (Get-Failure ([pscustomobject]@{ Name = 'x' })).FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidNetwork,*'
        $errors = @()
        $null = 'abc' | Invoke-NetworkTraining -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.InvalidNetwork,*'
        $errors[0].Exception.Message | Should -Match "'abc' is not a network"
    }
}

Describe 'Rehydration is linear and bounded (issue 20)' {
    # Each hostile file is read in a child pwsh under a wall clock and an address-space limit (helpers/Bounded.ps1),
    # so that a quadratic reading or a blow-up fails the test instead of the run.
    BeforeAll {
        . "$PSScriptRoot/helpers/Bounded.ps1"

        # A network as plain objects (ConvertTo-Json, ConvertFrom-Json) carrying the live type names, so that
        # PowerShell's own serializer writes it as a ParityNet object: what the file then holds (a <QUE>, a <Ref>
        # to a list written before) is the serializer's doing, and Import-Clixml rehydrates it as it would a real one.
        function ConvertTo-PlainNetwork($net) {
            $plain = $net | ConvertTo-Json -Depth 6 | ConvertFrom-Json
            $plain.PSObject.TypeNames.Insert(0, 'ParityNet.ParityNetwork')
            if ($plain.History) { $plain.History.PSObject.TypeNames.Insert(0, 'ParityNet.TrainingHistory') }
            $plain
        }

        # Every weight, bias and curve value of a network, hashed as its 64 bits: equal hashes, the same network.
        $script:hashSource = @'
function Get-ParameterHash($n) {
    $sha = [Security.Cryptography.IncrementalHash]::CreateHash('SHA256')
    $add = { param([double[]] $values) $bytes = [byte[]]::new($values.Length * 8); [Buffer]::BlockCopy($values, 0, $bytes, 0, $bytes.Length); $sha.AppendData($bytes) }
    foreach ($m in $n.Weights) { foreach ($row in $m.Values) { & $add $row } }
    foreach ($b in $n.Biases) { & $add $b }
    if ($n.History) { & $add $n.History.Loss; & $add $n.History.Accuracy; & $add $n.History.RecordedEpochs }
    "$($n.Spec) $($n.History) " + [Convert]::ToHexString($sha.GetHashAndReset())
}
'@
        . ([scriptblock]::Create($hashSource))

        # Lines 'NAME value ...' the child printed.
        function Get-Reported($run, [string] $name) {
            $line = ($run.Output -split "`r?`n") | Where-Object { $_ -like "$name *" } | Select-Object -First 1
            if (-not $line) { throw "The child printed no $name line. Output: $($run.Output)" }
            , ($line.Substring($name.Length + 1) -split ' ')
        }

        $script:trained = Invoke-InFreshRunspace { New-ParityNetwork -Bits 3 -HiddenSize 2 -Seed 1 | Invoke-NetworkTraining -Epochs 5 }
        $script:wide = Invoke-InFreshRunspace { New-ParityNetwork -Bits 10 -HiddenSize 128, 128 -Seed 1 }
    }

    It 'a history whose curves are 40 000-entry queues (Clixml QUE) is read in linear time: Import-Clixml, a cast and -Network each in under 5 s' {
        $file = Join-Path $TestDrive 'queue-curves.xml'
        $plain = ConvertTo-PlainNetwork $trained
        $h = $plain.History
        $last = 39999
        $h.Settings.Epochs = $last; $h.EpochsRequested = $last; $h.EpochsRun = $last
        $h.RecordedEpochs = [Collections.Queue]::new([int[]](0..$last))
        $h.Loss = [Collections.Queue]::new([double[]](1..40000 | ForEach-Object { 1 / $_ }))
        $h.Accuracy = [Collections.Queue]::new([double[]]@(, 0.5) * 40000)
        $h.FinalLoss = 1 / 40000; $h.FinalAccuracy = 0.5
        $h.HiddenProgress = $null   # its measures, one a record, would no longer match the 40 000 records: a history without them
        $h.StepsRun = $last * $h.StepsPerEpoch
        $plain | Export-Clixml $file -Depth 8
        ([regex]::Matches((Get-Content $file -Raw), '<QUE>')).Count | Should -Be 3 -Because 'the serializer writes each curve as a queue'

        $run = Invoke-Bounded -TimeoutSeconds 120 -AddressSpaceBytes 6GB -Script @"
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$live = Import-Clixml '$file'
'IMPORT ' + `$clock.Elapsed.TotalSeconds + ' ' + `$live.GetType().FullName + ' ' + `$live.History.Loss.Count + ' ' + `$live.History.Loss[39999].ToString('R')
# Without the types file's target type, Import-Clixml keeps the deserialized objects, queues and all: the path a cast and -Network take.
foreach (`$name in 'Deserialized.ParityNet.ParityNetwork', 'Deserialized.ParityNet.TrainingHistory') { Remove-TypeData -TypeName `$name }
`$kept = Import-Clixml '$file'
'KEPT ' + `$kept.History.Loss.GetType().FullName
`$clock.Restart(); `$cast = [ParityNet.ParityNetwork]`$kept
'CAST ' + `$clock.Elapsed.TotalSeconds + ' ' + `$cast.History.Accuracy.Count
`$other = Import-Clixml '$file'
`$clock.Restart(); `$answer = Test-Parity -Network `$other -Number 5
'NETWORK ' + `$clock.Elapsed.TotalSeconds + ' ' + `$answer.Number
"@
        $run.TimedOut | Should -BeFalse -Because "reading must be linear: $($run.Output)"
        $import = Get-Reported $run 'IMPORT'
        [double]$import[0] | Should -BeLessThan 5
        $import[1..3] | Should -Be 'ParityNet.ParityNetwork', '40000', (1 / 40000).ToString('R')
        (Get-Reported $run 'KEPT')[0] | Should -Be 'System.Collections.Queue'
        $cast = Get-Reported $run 'CAST'
        [double]$cast[0] | Should -BeLessThan 5
        $cast[1] | Should -Be '40000'
        $network = Get-Reported $run 'NETWORK'
        [double]$network[0] | Should -BeLessThan 5
        $network[1] | Should -Be '5'
    }

    It 'one network and 2000 Clixml Refs to it come back as one live network, not 2000 copies' {
        $file = Join-Path $TestDrive 'refs.xml'
        Export-Clixml -InputObject (@($wide) * 2000) -Path $file
        $xml = Get-Content $file -Raw
        ([regex]::Matches($xml, '<Ref RefId="\d+" />')).Count | Should -BeGreaterOrEqual 1999 -Because 'the serializer writes the repeats as <Ref>s'
        $run = Invoke-Bounded -TimeoutSeconds 60 -AddressSpaceBytes 6GB -Script @"
`$before = [GC]::GetTotalMemory(`$true)
`$all = Import-Clixml '$file'
'READ ' + `$all.Count + ' ' + @(`$all | Where-Object { `$_ -is [ParityNet.ParityNetwork] }).Count + ' ' +
    @(`$all | ForEach-Object { [Runtime.CompilerServices.RuntimeHelpers]::GetHashCode(`$_) } | Sort-Object -Unique).Count + ' ' +
    [int](([GC]::GetTotalMemory(`$true) - `$before) / 1MB)
"@
        $run.TimedOut | Should -BeFalse -Because $run.Output
        $read = Get-Reported $run 'READ'
        $read[0..2] | Should -Be '2000', '2000', '1' -Because 'a <Ref> is the object written before: all 2000 are that one live network'
        [int]$read[3] | Should -BeLessThan 50 -Because "2000 copies of a 10-128-128-1 network would take hundreds of MiB, not $($read[3])"
    }

    It 'network objects whose lists are Refs to another''s are one input with one budget: past it each is refused with ParityNet.InputTooLarge and reported' {
        # 6000 objects of a few hundred bytes, each a 10-128-128-1 network (36 118 list entries) made of <Ref>s to the
        # first one's lists: 217 million entries, where one input may read 83.7 million, about 2316 networks.
        $file = Join-Path $TestDrive 'shared-lists.xml'
        $plain = ConvertTo-PlainNetwork $wide
        $copies = foreach ($i in 1..6000) {
            $copy = [pscustomobject]@{ Spec = $plain.Spec; Weights = $plain.Weights; WeightValues = $plain.WeightValues; Biases = $plain.Biases; History = $null }
            $copy.PSObject.TypeNames.Insert(0, 'ParityNet.ParityNetwork')
            $copy
        }
        Export-Clixml -InputObject (@($plain) + $copies) -Path $file -Depth 8
        (Get-Item $file).Length | Should -BeLessThan 6MB -Because 'the copies are <Ref>s, a few hundred bytes each'
        $run = Invoke-Bounded -TimeoutSeconds 180 -AddressSpaceBytes 6GB -Script @"
`$before = [GC]::GetTotalMemory(`$true)
`$all = Import-Clixml '$file'
`$left = @(`$all | Where-Object { `$_ -isnot [ParityNet.ParityNetwork] })
'READ ' + @(`$all | Where-Object { `$_ -is [ParityNet.ParityNetwork] }).Count + ' ' + `$left.Count + ' ' + [int](([GC]::GetTotalMemory(`$true) - `$before) / 1MB)
`$ids = foreach (`$object in `$left) { try { `$null = Test-Parity -Network `$object -Number 1; 'none' } catch { (`$_.FullyQualifiedErrorId -split ',')[0] } }
'IDS ' + ((`$ids | Sort-Object -Unique) -join ' ') + ' ' + @(`$ids).Count
"@
        $run.TimedOut | Should -BeFalse -Because $run.Output
        $read = Get-Reported $run 'READ'
        [int]$read[0] | Should -BeGreaterThan 2000 -Because 'the budget holds about 2316 of these networks'
        [int]$read[0] | Should -BeLessThan 2400 -Because 'past the budget no more are read'
        [int]$read[0] + [int]$read[1] | Should -Be 6001
        [int]$read[2] | Should -BeLessThan 600 -Because "6001 live copies would take about 870 MiB; the budget keeps it near 330 MiB, not $($read[2])"
        (Get-Reported $run 'IDS') | Should -Be 'ParityNet.InputTooLarge', $read[1]
        # Import-Clixml itself says so, once per object left, naming it, the count so far and how far the input read.
        $warnings = @(($run.Output -split "`r?`n") | Where-Object { $_ -like 'WARNING: ParityNet left a Deserialized.ParityNet.ParityNetwork*' })
        $warnings.Count | Should -Be ([int]$read[1])
        $warnings[0] | Should -Match 'the 1st in this process.*ParityNet\.InputTooLarge.*past 83,741,277 list entries, read in all by the \d+ deserialized objects whose lists are shared through <Ref>s'
        $warnings[-1] | Should -Match "the $($read[1])(st|nd|rd|th) in this process"
    }

    It 'Refs inside one network are read as what they name, each counted: rows that are one row written once make that network' {
        $file = Join-Path $TestDrive 'repeated-row.xml'
        $plain = ConvertTo-PlainNetwork (Invoke-InFreshRunspace { New-ParityNetwork -Bits 12 -HiddenSize 64 -Seed 2 })
        $plain.PSObject.Properties.Remove('WeightValues')
        $rows = $plain.Weights[0].Values
        for ($i = 1; $i -lt $rows.Count; $i++) { $rows[$i] = $rows[0] }
        $plain | Export-Clixml $file -Depth 8
        ([regex]::Matches((Get-Content $file -Raw), '<Ref RefId="\d+" />')).Count | Should -Be 11 -Because 'the serializer writes rows 1 to 11 as <Ref>s to row 0'
        $run = Invoke-Bounded -TimeoutSeconds 60 -AddressSpaceBytes 6GB -Script @"
`$back = Import-Clixml '$file'
'READ ' + `$back.GetType().Name + ' ' + @(`$back.Weights[0].Values | ForEach-Object { (`$_ | ForEach-Object { `$_.ToString('R') }) -join ',' } | Sort-Object -Unique).Count
"@
        $run.Output | Should -Not -Match 'WARNING'
        (Get-Reported $run 'READ') | Should -Be 'ParityNetwork', '1'
    }

    It 'one list read past the limit (here a script''s 30-million-entry array set as all three curves) is ParityNet.InputTooLarge, naming the limit' {
        # Counted each time it is read: 3 x 30 million is past the 83.7 million entries the largest network holds.
        $script = @'
$json = New-ParityNetwork -Bits 3 -HiddenSize 2 | Invoke-NetworkTraining -Epochs 5 | ConvertTo-Json -Depth 6 | ConvertFrom-Json -AsHashtable
$curve = [double[]]::new(30000000)
$json.History.RecordedEpochs = $curve; $json.History.Loss = $curve; $json.History.Accuracy = $curve
Test-Parity -Network $json -Number 1
'@
        Get-BoundedErrorId -TimeoutSeconds 60 -AddressSpaceBytes 6GB -Script $script | Should -Be 'ParityNet.InputTooLarge'
        $LastBoundedMessage | Should -Match 'History\.Accuracy takes the reading past 83,741,277 list entries'
        $LastBoundedMessage | Should -Match '41,297,762 weights and biases'
    }

    It 'networks trained from one network share its spec, a Ref in Clixml, and all come back live (16 hidden layers: the longest list ParityNet objects share)' {
        $family = Invoke-InFreshRunspace {
            $base = New-ParityNetwork -Bits 4 -HiddenSize (@(3) * 16) -Activation Tanh -Seed 5
            $base
            $base | Invoke-NetworkTraining -Epochs 3
            $base | Invoke-NetworkTraining -Epochs 4 -Optimizer Adam
        }
        $family[0].HiddenSizes.Count | Should -Be 16
        $file = Join-Path $TestDrive 'family.xml'
        $family | Export-Clixml $file
        ([regex]::Matches((Get-Content $file -Raw), '<Ref N="Spec" RefId="\d+" />')).Count | Should -Be 2 -Because 'the trained networks hold their parent''s spec'
        $run = Invoke-Bounded -TimeoutSeconds 60 -AddressSpaceBytes 6GB -Script @"
$hashSource
`$back = Import-Clixml '$file'
'TYPES ' + ((`$back | ForEach-Object { `$_.GetType().Name }) -join ' ')
'HASH ' + ((`$back | ForEach-Object { Get-ParameterHash `$_ }) -join '|').Replace(' ', '_')
"@
        $run.TimedOut | Should -BeFalse -Because $run.Output
        $run.Output | Should -Not -Match 'WARNING'
        (Get-Reported $run 'TYPES') | Should -Be 'ParityNetwork', 'ParityNetwork', 'ParityNetwork'
        (Get-Reported $run 'HASH') | Should -Be (($family | ForEach-Object { Get-ParameterHash $_ }) -join '|').Replace(' ', '_')
    }

    It 'a large network (12-512-512-1, 270 000 parameters) and a history of the most epochs a run records still travel, bit for bit' {
        $big = Invoke-InFreshRunspace { New-ParityNetwork -Bits 12 -HiddenSize 512, 512 -Seed 7 }
        $long = Invoke-InFreshRunspace { New-ParityNetwork -Bits 2 -HiddenSize 2 -Seed 3 | Invoke-NetworkTraining -Epochs 19999 }
        $long.History.RecordedEpochs.Count | Should -Be 10001 -Because 'the most epochs a history records'
        $xml = Join-Path $TestDrive 'large.xml'
        $json = Join-Path $TestDrive 'large.json'
        $big, $long | Export-Clixml $xml
        $big | ConvertTo-Json -Depth 6 -Compress | Set-Content $json -Encoding utf8
        $run = Invoke-Bounded -TimeoutSeconds 180 -AddressSpaceBytes 6GB -Script @"
$hashSource
`$back = Import-Clixml '$xml'
'TYPES ' + ((`$back | ForEach-Object { `$_.GetType().Name }) -join ' ')
'HASH ' + ((`$back | ForEach-Object { Get-ParameterHash `$_ }) -join '|').Replace(' ', '_')
'JSON ' + (Get-ParameterHash ([ParityNet.ParityNetwork](Get-Content '$json' -Raw | ConvertFrom-Json))).Replace(' ', '_')
"@
        $run.TimedOut | Should -BeFalse -Because $run.Output
        (Get-Reported $run 'TYPES') | Should -Be 'ParityNetwork', 'ParityNetwork'
        (Get-Reported $run 'HASH') | Should -Be ((Get-ParameterHash $big), (Get-ParameterHash $long) -join '|').Replace(' ', '_')
        (Get-Reported $run 'JSON') | Should -Be (Get-ParameterHash $big).Replace(' ', '_')
    }
}

Describe 'Invoke-Command over SSH remoting (loopback)' {
    BeforeAll {
        # A private sshd on a loopback port, with its own host key, config and authorized key in
        # $TestDrive (helpers/Sshd.ps1); nothing of the system's SSH set-up is touched. Skipped, saying why, where it cannot start.
        . "$PSScriptRoot/helpers/Sshd.ps1"
        $script:skip = Get-SshdSkipReason
        if ($skip) { return }
        $script:sshd = Start-LoopbackSshd (Join-Path $TestDrive 'sshd')
        $script:port = $sshd.Port
        $script:key = $sshd.KeyFilePath
        $script:options = $sshd.Options
        $script:user = $sshd.UserName
    }
    AfterAll {
        if (-not $skip) { Stop-LoopbackSshd $sshd }
    }

    It 'a network trained on the other side of Invoke-Command -HostName comes back whole: every cmdlet takes it, and a cast makes it live and bit-identical' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $out = Invoke-Command -HostName 127.0.0.1 -Port $port -UserName $user -KeyFilePath $key -Options $options -ArgumentList $manifest, $fingerprintSource -ScriptBlock {
            param($manifest, $source)
            Import-Module $manifest
            . ([scriptblock]::Create($source))
            $net = New-ParityNetwork -Bits 5 -Seed 12 | Invoke-NetworkTraining -Epochs 200
            $net
            Get-Fingerprint $net
            (0..31 | Test-Parity -Network $net).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) }
        } -ErrorAction Stop
        # PowerShell 7.6's SSH remoting client does not apply a module's TargetTypeForDeserialization
        # (Start-Job and Import-Clixml do): the network arrives as its full deserialized form.
        $out[0].PSObject.TypeNames[0] | Should -BeIn 'ParityNet.ParityNetwork', 'Deserialized.ParityNet.ParityNetwork'
        (0..31 | Test-Parity -Network $out[0]).Probability | ForEach-Object { [BitConverter]::DoubleToInt64Bits($_) } | Should -Be $out[2..33]
        ($out[0] | Test-Parity -Number 6).Number | Should -Be 6
        $live = [ParityNet.ParityNetwork]$out[0]
        $live | Should -BeOfType ([ParityNet.ParityNetwork])
        Get-Fingerprint $live | Should -BeExactly $out[1]
    }
}
