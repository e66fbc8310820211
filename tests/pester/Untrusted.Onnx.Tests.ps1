# Issue 20: hostile ONNX through the built module. Each hostile model is read by Import-NetworkOnnx and by
# Test-Parity -OnnxPath in a child pwsh under a wall clock and an address-space limit (helpers/Bounded.ps1),
# so a hang or a memory blow-up fails the test instead of the run. The models are the committed fixtures of
# tests/ParityNet.Onnx.Tests/corpus/hostile, written by make_hostile.py with the onnx package; two more are
# written by that script here, at test time, where python3-onnx is installed.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Bounded.ps1"
    . "$PSScriptRoot/helpers/Stop.ps1"
    $script:hostile = Join-Path $PSScriptRoot '../ParityNet.Onnx.Tests/corpus/hostile' | Resolve-Path | Select-Object -ExpandProperty Path
    $script:maker = Join-Path $hostile 'make_hostile.py'
    . "$PSScriptRoot/helpers/Python.ps1"
    $script:noOnnx = Get-OnnxPythonSkipReason

    # Both readers on one model in one child: the error id each ends in ('no error' when it answers), the
    # messages, the answers Test-Parity gave, and the child's peak working set in MiB.
    function Read-Hostile([string] $Path, [string] $Extra = '', [int] $TimeoutSeconds = 60) {
        $script = @"
try { Import-NetworkOnnx '$Path' -ErrorAction Stop | Out-Null; 'IMPORT:no error' } catch { 'IMPORT:' + (`$_.FullyQualifiedErrorId -split ',')[0]; 'IMPORTMSG:' + (`$_.Exception.Message -replace '\s+', ' ') }
`$errors = @()
try {
    `$answers = @(0, 1, 2 | Test-Parity -OnnxPath '$Path' $Extra -ErrorAction SilentlyContinue -ErrorVariable +errors)
    if (`$errors.Count -gt 0) { 'TEST:' + (`$errors[0].FullyQualifiedErrorId -split ',')[0]; 'TESTMSG:' + (`$errors[0].Exception.Message -replace '\s+', ' ') } else { 'TEST:no error' }
    'ANSWERS:' + `$answers.Count
    foreach (`$a in `$answers) { 'ANSWER:' + `$a.Number + '=' + `$a.Probability }
    'ERRORS:' + `$errors.Count
} catch { 'TEST:' + (`$_.FullyQualifiedErrorId -split ',')[0]; 'TESTMSG:' + (`$_.Exception.Message -replace '\s+', ' ') }
'PEAK:' + [int]((Get-Process -Id `$PID).PeakWorkingSet64 / 1MB)
"@
        $run = Invoke-Bounded -Script $script -TimeoutSeconds $TimeoutSeconds
        if ($run.TimedOut) { throw "'$Path' was still being read after $TimeoutSeconds s: a hang. Output: $($run.Output)" }
        $lines = $run.Output -split "`r?`n"
        function Get-Value([string] $Key) { (($lines | Where-Object { $_ -like "${Key}:*" } | Select-Object -First 1) -replace "^${Key}:", '') }
        if (-not (Get-Value 'PEAK')) { throw "The child pwsh ended (exit $($run.ExitCode)) before it finished: a crash. Output: $($run.Output)" }
        [pscustomobject]@{
            Import        = Get-Value 'IMPORT'
            ImportMessage = Get-Value 'IMPORTMSG'
            Test          = Get-Value 'TEST'
            TestMessage   = Get-Value 'TESTMSG'
            Answers       = @($lines | Where-Object { $_ -like 'ANSWER:*' } | ForEach-Object { $_ -replace '^ANSWER:', '' })
            Errors        = [int](Get-Value 'ERRORS')
            PeakMiB       = [int](Get-Value 'PEAK')
            Seconds       = $run.Seconds
        }
    }
}

Describe 'Hostile ONNX: refused by name by both readers, within a time and memory limit' {
    It '<Name>: <Id>, naming <Named>' -ForEach @(
        @{ Name = 'cycle-redefine'; Id = 'ParityNet.OnnxGraphMalformed'; Named = "writes 'x', which an input or an earlier node already defines" }
        @{ Name = 'cycle-identity'; Id = 'ParityNet.OnnxGraphMalformed'; Named = "node 1 (Identity) writes 'x'" }
        @{ Name = 'cycle-mutual'; Id = 'ParityNet.OnnxGraphMalformed'; Named = "reads 'b', which no input, initializer or earlier node defines" }
        @{ Name = 'loop-huge'; Id = 'ParityNet.OnnxOperatorNotAllowed'; Named = 'the operator Loop' }
        @{ Name = 'function-op'; Id = 'ParityNet.OnnxOperatorNotAllowed'; Named = 'model-local function' }
        @{ Name = 'sparse-initializer'; Id = 'ParityNet.OnnxOperatorNotAllowed'; Named = 'sparse tensors' }
        @{ Name = 'external-absolute'; Id = 'ParityNet.OnnxExternalData'; Named = "'/etc/hostname'" }
        @{ Name = 'duplicate-attribute'; Id = 'ParityNet.OnnxOperatorNotAllowed'; Named = "gives its attribute 'axis' twice" }
        @{ Name = 'shared-weights'; Id = 'ParityNet.OnnxUnsupportedGraph'; Named = "reads 'W', which an earlier layer reads too" }
        @{ Name = 'unused-initializer'; Id = 'ParityNet.OnnxUnsupportedGraph'; Named = "the tensor 'ballast' is read by no layer" }
    ) {
        $read = Read-Hostile (Join-Path $hostile "$Name.onnx")
        $read.Import | Should -Be $Id
        $read.Test | Should -Be $Id
        $read.ImportMessage | Should -Match ([regex]::Escape($Named))
        $read.TestMessage | Should -Match ([regex]::Escape($Named))
        $read.Answers | Should -HaveCount 0
        $read.Seconds | Should -BeLessThan 30
        $read.PeakMiB | Should -BeLessThan 1024
    }

    It 'external data relative to the working directory: refused, and the file there is never read into an answer' {
        # The child runs in TestDrive (Invoke-Bounded's working directory), where secret.bin now holds 32 floats of 0.75:
        # loaded from bytes, ONNX Runtime would resolve 'secret.bin' there and answer from it.
        $bytes = [byte[]]::new(128)
        for ($i = 0; $i -lt 32; $i++) { [BitConverter]::GetBytes([float]0.75).CopyTo($bytes, 4 * $i) }
        [IO.File]::WriteAllBytes((Join-Path $TestDrive 'secret.bin'), $bytes)
        $read = Read-Hostile (Join-Path $hostile 'external-relative.onnx')
        $read.Import | Should -Be 'ParityNet.OnnxExternalData'
        $read.Test | Should -Be 'ParityNet.OnnxExternalData'
        $read.TestMessage | Should -Match "'secret.bin' \(ONNX external data\)"
        $read.TestMessage | Should -Match 'save_as_external_data=False'
        $read.Answers | Should -HaveCount 0
    }

    It 'external data at an absolute path the test made: refused, nothing read' {
        if ($noOnnx) { Set-ItResult -Skipped -Because $noOnnx; return }
        $secret = Join-Path $TestDrive 'elsewhere/secret.bin'
        $null = New-Item -ItemType Directory (Split-Path $secret) -Force
        [IO.File]::WriteAllBytes($secret, [byte[]]::new(128))
        $model = Join-Path $TestDrive 'external-at.onnx'
        & $python $maker $model 'external-at' $secret
        $LASTEXITCODE | Should -Be 0
        $read = Read-Hostile $model
        $read.Import | Should -Be 'ParityNet.OnnxExternalData'
        $read.Test | Should -Be 'ParityNet.OnnxExternalData'
        $read.TestMessage | Should -Match ([regex]::Escape("'$secret'"))
    }
}

Describe 'Declared sizes do not drive work' {
    It '<Name>: the batch it declares is not run; three answers in seconds and little memory' -ForEach @(
        @{ Name = 'fixed-batch-2p24' }
        @{ Name = 'fixed-batch-2p40' }
    ) {
        $read = Read-Hostile (Join-Path $hostile "$Name.onnx")
        $read.Import | Should -Be 'no error'
        $read.Test | Should -Be 'no error'
        $read.Answers | Should -HaveCount 3
        # Before issue 20: 2^24 took 1 GiB and 3 s for one answer; 2^40 ended in an unnamed OutOfMemoryException.
        $read.PeakMiB | Should -BeLessThan 700
        $read.Seconds | Should -BeLessThan 20
    }

    It 'a 9000-wide honest MLP (324 MB of weights) is refused as too large before its weights are read as doubles' {
        if ($noOnnx) { Set-ItResult -Skipped -Because $noOnnx; return }
        $model = Join-Path $TestDrive 'wide9000.onnx'
        & $python $maker $model 'gemm-wide' 9000
        $LASTEXITCODE | Should -Be 0
        $id = Get-BoundedErrorId "Import-NetworkOnnx '$model'" -TimeoutSeconds 60
        $id | Should -Be 'ParityNet.NetworkTooLarge'
        $script:LastBoundedMessage | Should -Match '8-9000-9000-1 network'
        $script:LastBoundedMessage | Should -Match 'Its weights were not read'
        # The file and its parsed form: about 650 MiB; reading it as doubles and transposing took 2 GiB more.
        $script:LastBoundedPeakMiB | Should -BeLessThan 1200
        Remove-Item $model
    }
}

Describe 'An answer is a probability or an error' {
    It 'a model that answers NaN: an error per number naming it, no prediction, never Correct' {
        $read = Read-Hostile (Join-Path $hostile 'nan-weights.onnx')
        $read.Test | Should -Be 'ParityNet.OnnxOutputNotProbability'
        $read.TestMessage | Should -Match "answered 0 with NaN"
        $read.Answers | Should -HaveCount 0
        $read.Errors | Should -Be 3
        $read.Import | Should -Be 'ParityNet.OnnxUnsupportedGraph'
        $read.ImportMessage | Should -Match 'non-finite value NaN'
    }

    It 'a model whose output is 7.7 read as a probability: an error naming the number and the value, and the fix' {
        $read = Read-Hostile (Join-Path $hostile 'relu-output.onnx') '-OutputKind Probability'
        $read.Test | Should -Be 'ParityNet.OnnxOutputNotProbability'
        $read.TestMessage | Should -Match 'answered 0 with 7\.6999'
        $read.TestMessage | Should -Match 'outside \[0, 1\]'
        $read.TestMessage | Should -Match '-OutputKind Logit'
        $read.Answers | Should -HaveCount 0
    }

    It 'the other numbers of a pipeline are still answered when some answers are bad, in order' {
        # y = 2 * the top bit: 126 and 127 answer 0, a probability; 128 and 129 answer 2, which is not one.
        $errors = @()
        $out = 126..129 | Test-Parity -OnnxPath (Join-Path $hostile 'msb-doubled.onnx') -OutputKind Probability -ErrorAction SilentlyContinue -ErrorVariable errors
        @($out).Number | Should -Be @(126, 127)
        $out | ForEach-Object { $_.Probability | Should -Be 0 }
        $errors | Should -HaveCount 2
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ParityNet.OnnxOutputNotProbability,*' }
        $errors[0].Exception.Message | Should -Match 'answered 128 with 2,'
        $errors[1].TargetObject | Should -Be 129
    }
}

Describe 'Ctrl+C stops the ONNX cmdlets within seconds, leaving no temporary file and keeping what was done' {
    BeforeAll {
        $script:stopDir = Join-Path $TestDrive 'stop'
        $null = New-Item -ItemType Directory $stopDir -Force
        $script:small = Join-Path $stopDir 'small.onnx'
        # A small network written by the module itself, in another runspace so this one's current network is untouched.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$($env:PARITYNET_MANIFEST)'; New-ParityNetwork -Bits 4 -HiddenSize 3 -Seed 2 | Export-NetworkOnnx '$small'").Invoke()
        $ps.Dispose()
        $script:wide = $null
        if (-not $noOnnx) {
            # 16-4096-4096-1 (64 MB): a cross-check of 16 384 sampled inputs, or 65 536 answers, take tens of seconds.
            $script:wide = Join-Path $stopDir 'wide.onnx'
            & $python $maker $wide 'gemm-wide' 4096 16
            # 16-1024-1024-1 (4 MB): its cross-check is long enough to report progress (2^34 multiply-adds, tens of seconds
            # here) while the first tenth of it comes in under a second; the wide one's first tenth took 7 minutes at a load of 26.
            $script:mid = Join-Path $stopDir 'mid.onnx'
            & $python $maker $mid 'gemm-wide' 1024 16
        }

    }

    It 'Import-NetworkOnnx: stopped in its cross-check; the network imported before it is kept' {
        if ($noOnnx) { Set-ItResult -Skipped -Because $noOnnx; return }
        # The cross-check reports progress at each tenth of the way: its first record is the signal.
        $activity = "Import-NetworkOnnx: checking '$mid'*"
        $stop = Stop-When "'$small', '$mid' | Import-NetworkOnnx" -Folder $stopDir -Until {
            param($run) $run.Progress | Where-Object { $_.Activity -like $activity } }
        Assert-StoppedEarly $stop -SecondsLeft (Get-ProgressSecondsLeft $stop $activity)
        $stop.Progress | Where-Object { $_.Activity -like $activity -and $_.RecordType -eq 'Completed' } | Should -BeNullOrEmpty -Because 'the cross-check did not finish'
        $stop.Output | Should -HaveCount 1
        $stop.Output[0].LayerSizes | Should -Be @(4, 3, 1)
    }

    It 'Test-Parity -OnnxPath: stopped mid-run; the answers already written are kept' {
        if ($noOnnx) { Set-ItResult -Skipped -Because $noOnnx; return }
        # Stopped once answers have come out twice, so the pace of the remaining ones is measured under the same load.
        $stop = Stop-When "0..65535 | Test-Parity -OnnxPath '$wide'" -Folder $stopDir -Until { param($run) $run.Arrivals.Count -ge 2 }
        Assert-StoppedEarly $stop -SecondsLeft (Get-SecondsLeft $stop -Total 65536)
        $stop.Output.Count | Should -BeGreaterOrEqual $stop.Arrivals[-1].Count -Because 'a wide model answers a few rows a run, and the answers of each run are written at once and kept'
        $stop.Output.Count | Should -BeLessThan 65536
        $stop.Output[0].Number | Should -Be 0
    }

    It 'Export-NetworkOnnx: stopped in its cross-check; no file, no temporary file' {
        $target = Join-Path $stopDir 'export.onnx'
        # The cross-check of a 16-1024-1024-1 network reports progress at each tenth of the way: its first record is
        # the signal. (A 2048-wide one's first tenth took a minute and a half at a load of 29.)
        $activity = "Export-NetworkOnnx: checking '$target'*"
        $stop = Stop-When "New-ParityNetwork -Bits 16 -HiddenSize 1024, 1024 -Seed 3 | Export-NetworkOnnx '$target'" -Folder $stopDir -Until {
            param($run) $run.Progress | Where-Object { $_.Activity -like $activity } }
        Assert-StoppedEarly $stop -SecondsLeft (Get-ProgressSecondsLeft $stop $activity)
        $stop.Progress | Where-Object { $_.Activity -like $activity -and $_.RecordType -eq 'Completed' } | Should -BeNullOrEmpty -Because 'the cross-check did not finish'
        Test-Path $target | Should -BeFalse
    }
}
