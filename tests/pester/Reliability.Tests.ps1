# Faults, hostile files and concurrency through the built module (issue 7). Training that would set
# this runspace's current network runs in fresh runspaces (OnnxTestHelpers.ps1).
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/OnnxTestHelpers.ps1"
    . "$PSScriptRoot/helpers/Stop.ps1"
    $script:net = New-TrainedNetwork -Bits 6 -HiddenSize 5 -Epochs 300
    $script:isRoot = (& id -u) -eq '0'

    # The id of the first error the script raises, terminating or not.
    function Get-ErrorId([scriptblock] $Script) {
        $ErrorActionPreference = 'Stop'
        try { $null = & $Script; return '(no error)' } catch { return ($_.FullyQualifiedErrorId -split ',')[0] }
    }
}

Describe 'Writes that fail leave nothing behind' {
    BeforeEach {
        $script:folder = Join-Path $TestDrive ([guid]::NewGuid())
        $null = New-Item -ItemType Directory $folder
    }

    It 'a missing folder: FileNotFound, nothing created' {
        $target = Join-Path $folder 'no/such/folder/m.onnx'
        Get-ErrorId { $net | Export-NetworkOnnx $target } | Should -Be 'ParityNet.FileNotFound'
        Test-Path (Join-Path $folder 'no') | Should -BeFalse
    }

    It 'a path that is a folder: a named error, the folder untouched' {
        $dir = New-Item -ItemType Directory (Join-Path $folder 'model.onnx')
        Get-ErrorId { $net | Export-NetworkOnnx $dir.FullName -Force } | Should -BeLike 'ParityNet.*'
        (Get-Item $dir.FullName).PSIsContainer | Should -BeTrue
        @(Get-ChildItem $dir.FullName -Force).Count | Should -Be 0
    }

    It 'an existing read-only file: kept as it was without -Force' {
        $target = Join-Path $folder 'm.onnx'
        Set-Content $target 'precious' -NoNewline
        (Get-Item $target).Attributes = 'ReadOnly'
        Get-ErrorId { $net | Export-NetworkOnnx $target } | Should -Be 'ParityNet.FileExists'
        Get-Content $target -Raw | Should -Be 'precious'
    }

    It 'an unwritable folder: FileWriteFailed, no file and no temporary file' {
        $locked = Join-Path $folder 'locked'
        $null = New-Item -ItemType Directory $locked
        if ($isRoot) { & mount -t tmpfs -o ro,size=64k tmpfs $locked; if ($LASTEXITCODE) { Set-ItResult -Skipped -Because 'mount is not allowed here'; return } }
        else { & chmod 555 $locked }
        try {
            Get-ErrorId { $net | Export-NetworkOnnx (Join-Path $locked 'm.onnx') } | Should -Be 'ParityNet.FileWriteFailed'
            @(Get-ChildItem $locked -Force).Count | Should -Be 0
        }
        finally {
            if ($isRoot) { & umount $locked } else { & chmod 755 $locked }
        }
    }

    It 'a full disk: FileWriteFailed, no partial file, an existing file untouched' {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'a tiny tmpfs needs root to mount'; return }
        $tiny = Join-Path $folder 'tiny'
        $null = New-Item -ItemType Directory $tiny
        & mount -t tmpfs -o size=4k tmpfs $tiny
        if ($LASTEXITCODE) { Set-ItResult -Skipped -Because 'mount is not allowed here'; return }
        try {
            $big = New-TrainedNetwork -Bits 10 -HiddenSize 64 -Epochs 1
            Set-Content (Join-Path $tiny 'm.onnx') 'old model' -NoNewline
            Get-ErrorId { $big | Export-NetworkOnnx (Join-Path $tiny 'm.onnx') -Force } | Should -Be 'ParityNet.FileWriteFailed'
            @(Get-ChildItem $tiny -Force).Name | Should -Be @('m.onnx')
            Get-Content (Join-Path $tiny 'm.onnx') -Raw | Should -Be 'old model'
        }
        finally { & umount $tiny }
    }

    It 'a failed write reads clearly: the path and the reason' {
        $err = $null
        try { $net | Export-NetworkOnnx (Join-Path $folder 'missing/m.onnx') -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -BeLike '*missing*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Hostile model files' {
    BeforeAll {
        $script:hostile = Join-Path $TestDrive 'hostile'
        $null = New-Item -ItemType Directory $hostile -Force
        $script:good = Join-Path $hostile 'good.onnx'
        $null = $net | Export-NetworkOnnx $good -Force
        $script:goodBytes = [IO.File]::ReadAllBytes($good)
        function Write-Hostile([string] $Name, [byte[]] $Bytes) {
            if ($null -eq $Bytes) { $Bytes = [byte[]]::new(0) }   # an empty array unrolls to nothing
            $path = Join-Path $hostile $Name
            [IO.File]::WriteAllBytes($path, $Bytes)
            $path
        }
    }

    It '<Name> gets <Id> from Import-NetworkOnnx and Test-Parity -OnnxPath' -ForEach @(
        @{ Name = 'an empty file'; Make = { [byte[]]@() }; Id = 'ParityNet.OnnxNotOnnx' }
        @{ Name = 'random bytes'; Make = { $r = [Random]::new(7); $b = [byte[]]::new(4096); $r.NextBytes($b); $b[0] = 0xFF; $b }; Id = 'ParityNet.OnnxNotOnnx' }
        @{ Name = 'text'; Make = { [Text.Encoding]::UTF8.GetBytes('this is not a model') }; Id = 'ParityNet.OnnxNotOnnx' }
        @{ Name = 'protobuf that is not ONNX'; Make = { [byte[]](0xA2, 0x06, 0x03, 0x61, 0x62, 0x63) }; Id = 'ParityNet.OnnxNotOnnx' }
        @{ Name = 'the first half of a model'; Make = { $goodBytes[0..($goodBytes.Length / 2)] }; Id = 'ParityNet.OnnxTruncated' }
        @{ Name = 'a model less its last byte'; Make = { $goodBytes[0..($goodBytes.Length - 2)] }; Id = 'ParityNet.OnnxTruncated' }
    ) {
        $path = Write-Hostile "$([guid]::NewGuid()).onnx" (& $Make)
        Get-ErrorId { Import-NetworkOnnx $path } | Should -Be $Id
        Get-ErrorId { 1 | Test-Parity -OnnxPath $path } | Should -Be $Id
    }

    It 'a truncation at every 97th length is named truncated, never a crash' {
        for ($length = 1; $length -lt $goodBytes.Length; $length += 97) {
            $path = Write-Hostile "cut$length.onnx" $goodBytes[0..($length - 1)]
            Get-ErrorId { Import-NetworkOnnx $path } | Should -BeIn @('ParityNet.OnnxTruncated', 'ParityNet.OnnxNotOnnx') -Because "cut at $length"
        }
    }

    It 'a folder given as the model: a named error' {
        Get-ErrorId { Import-NetworkOnnx $hostile } | Should -BeLike 'ParityNet.*'
        Get-ErrorId { 1 | Test-Parity -OnnxPath $hostile } | Should -BeLike 'ParityNet.*'
    }

    It 'the session survives and the good model still works' {
        (Import-NetworkOnnx $good).Bits | Should -Be 6
        (5 | Test-Parity -OnnxPath $good).Engine | Should -Be 'OnnxRuntime'
    }
}

Describe 'Ctrl+C during an export' {
    It 'leaves either the whole file or nothing, and no temporary file' {
        $folder = Join-Path $TestDrive 'stopped'
        $null = New-Item -ItemType Directory $folder
        $target = Join-Path $folder 'big.onnx'
        # The marker comes as the network enters Export-NetworkOnnx, so the stop lands in the export or just after
        # it, never in Import-Module; either outcome is allowed, a partial file or a temporary one is not.
        $stop = Stop-When "New-ParityNetwork -Bits 16 -HiddenSize 256 | ForEach-Object { Write-Information 'export'; `$_ } | Export-NetworkOnnx '$target'" -Folder $folder -Until {
            param($run) $run.Information.MessageData -contains 'export' }
        $stop.Reached | Should -BeTrue
        $stop.Hung | Should -BeFalse
        $stop.StopSeconds | Should -BeLessThan 15
        $left = @(Get-ChildItem $folder -Force)
        $left.Where({ $_.Name -ne 'big.onnx' }).Count | Should -Be 0 -Because 'no temporary file may be left'
        if (Test-Path $target) { (Import-NetworkOnnx $target).Bits | Should -Be 16 }
    }
}

Describe 'Divergence' {
    It 'stops with Diverged and finite weights' {
        $result = Invoke-InFreshRunspace {
            New-ParityNetwork -Bits 4 -HiddenSize 4 -Activation Tanh -Task BitParity |
                Invoke-NetworkTraining -Alpha 1e307 -Loss CrossEntropy -Epochs 200 -WarningAction SilentlyContinue
        }
        $result.History.StopReason | Should -Be 'Diverged'
        $result.Weights | ForEach-Object { $_.Values | ForEach-Object { $_ } } | ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
    }

    It 'at alpha 1e6 the lesson''s sigmoid network saturates instead: finite weights, no divergence' {
        $result = Invoke-InFreshRunspace { New-ParityNetwork | Invoke-NetworkTraining -Alpha 1e6 -Epochs 200 }
        $result.History.StopReason | Should -Be 'EpochsDone'
        $result.Weights | ForEach-Object { $_.Values | ForEach-Object { $_ } } | ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
    }
}

Describe 'Concurrency' {
    It 'one network from ForEach-Object -Parallel -ThrottleLimit 8 over 0..65535 gives exactly the serial predictions' {
        # 0..65535 goes to the parallel runspaces in 64 runs of 1024 numbers: one script block per
        # number costs ForEach-Object -Parallel about 3 ms (measured: 213 s for 65 536), not ParityNet.
        $wide = New-TrainedNetwork -Bits 16 -HiddenSize 8 -Epochs 3
        $serial = 0..65535 | Test-Parity -Network $wide | ForEach-Object Probability
        $manifest = $env:PARITYNET_MANIFEST
        $parallel = 0..63 | ForEach-Object -ThrottleLimit 8 -Parallel {
            if (-not (Get-Module ParityNet)) { Import-Module $using:manifest }
            ($_ * 1024)..($_ * 1024 + 1023) | Test-Parity -Network $using:wide |
                ForEach-Object { [pscustomobject]@{ Number = $_.Number; Probability = $_.Probability } }
        } | Sort-Object Number
        $parallel.Count | Should -Be 65536
        for ($i = 0; $i -lt 65536; $i++) {
            if ($parallel[$i].Probability -ne $serial[$i]) { throw "number $i differs: $($parallel[$i].Probability) vs $($serial[$i])" }
        }
    }

    It 'two networks trained at once in parallel runspaces get the serial weights' {
        $manifest = $env:PARITYNET_MANIFEST
        $specs = @(@{ Seed = 1; Optimizer = 'Adam' }, @{ Seed = 2; Optimizer = 'GradientDescent' })
        $serial = $specs | ForEach-Object {
            $s = $_
            Invoke-InFreshRunspace { param($seed, $opt) New-ParityNetwork -Bits 12 -HiddenSize 16 -Seed $seed | Invoke-NetworkTraining -Optimizer $opt -Epochs 20 } -ArgumentList $s.Seed, $s.Optimizer
        }
        $parallel = $specs | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:manifest
            New-ParityNetwork -Bits 12 -HiddenSize 16 -Seed $_.Seed | Invoke-NetworkTraining -Optimizer $_.Optimizer -Epochs 20
        } | Sort-Object Seed
        for ($k = 0; $k -lt 2; $k++) {
            ($parallel[$k].Weights | ForEach-Object { $_.Values } | ConvertTo-Json -Depth 4 -Compress) |
                Should -Be ($serial[$k].Weights | ForEach-Object { $_.Values } | ConvertTo-Json -Depth 4 -Compress)
        }
    }
}
