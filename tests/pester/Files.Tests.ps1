# One file service for every write and read (issue 11): links are followed and stay links, special
# files are refused by name and never replaced, permission bits are kept, reads are capped. Every
# device node, FIFO and socket is made inside $TestDrive; nothing touches a real system path.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/OnnxTestHelpers.ps1"
    $script:net = New-TrainedNetwork -Bits 4 -HiddenSize 3 -Epochs 50
    $script:other = New-ParityNetwork -Bits 4 -HiddenSize 3 -Seed 77
    $script:isUnix = -not $IsWindows

    function Get-ErrorId([scriptblock] $Script) {
        $ErrorActionPreference = 'Stop'
        try { $null = & $Script; return '(no error)' } catch { return ($_.FullyQualifiedErrorId -split ',')[0] }
    }
    function Get-Mode([string] $Path) { (& stat -c '%a' $Path).Trim() }
    function Get-Kind([string] $Path) { (& stat -c '%F' $Path).Trim() }

    # Writers: each takes the path and -Force.
    $script:writers = @(
        @{ Name = 'Export-NetworkOnnx'; Write = { param($path, $force) $net | Export-NetworkOnnx $path -Force:$force } }
        @{ Name = 'Export-TrainingChart'; Write = { param($path, $force) $net | Export-TrainingChart $path -Force:$force } }
    )
}

Describe 'Writes through symbolic links' -Skip:($IsWindows) {
    BeforeEach {
        $script:folder = Join-Path $TestDrive ([guid]::NewGuid())
        $null = New-Item -ItemType Directory $folder
    }

    It '<Name> -Force on a link replaces the file it points to; the link stays a link' -ForEach @(
        @{ Name = 'Export-NetworkOnnx' }, @{ Name = 'Export-TrainingChart' }
    ) {
        $write = ($writers | Where-Object Name -eq $Name).Write
        $real = Join-Path $folder 'real.bin'
        Set-Content $real 'old contents' -NoNewline
        $link = Join-Path $folder 'link.bin'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target 'real.bin'
        $null = & $write $link $true
        (Get-Item $link).LinkType | Should -Be 'SymbolicLink'
        (Get-Item $link).LinkTarget | Should -Be 'real.bin'
        Get-Content $real -Raw | Should -Not -Be 'old contents'
        (Get-Item $real).Length | Should -BeGreaterThan 100
        @(Get-ChildItem $folder -Force).Name | Sort-Object | Should -Be @('link.bin', 'real.bin')
    }

    It 'a chain of links is followed to the last target, in another folder' {
        $elsewhere = Join-Path $folder 'elsewhere'
        $null = New-Item -ItemType Directory $elsewhere
        $real = Join-Path $elsewhere 'model.onnx'
        $net | Export-NetworkOnnx $real | Out-Null
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'one.onnx') -Target $real
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'two.onnx') -Target (Join-Path $folder 'one.onnx')
        $other | Export-NetworkOnnx (Join-Path $folder 'two.onnx') -Force | Out-Null
        (Import-NetworkOnnx $real).Seed | Should -Be 77
        (Get-Item (Join-Path $folder 'two.onnx')).LinkType | Should -Be 'SymbolicLink'
        (Get-Item (Join-Path $folder 'one.onnx')).LinkType | Should -Be 'SymbolicLink'
        @(Get-ChildItem $elsewhere -Force).Name | Should -Be @('model.onnx')   # no temporary file left
    }

    It 'a link to a missing file creates that file; the link then points to it' {
        $link = Join-Path $folder 'dangling.onnx'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target 'target.onnx'
        $net | Export-NetworkOnnx $link | Out-Null
        (Get-Item $link).LinkType | Should -Be 'SymbolicLink'
        (Import-NetworkOnnx (Join-Path $folder 'target.onnx')).Bits | Should -Be 4
    }

    It 'without -Force a link to an existing file is FileExists, and -WhatIf writes nothing' {
        $real = Join-Path $folder 'real.onnx'
        Set-Content $real 'precious' -NoNewline
        $link = Join-Path $folder 'link.onnx'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target 'real.onnx'
        Get-ErrorId { $net | Export-NetworkOnnx $link } | Should -Be 'ParityNet.FileExists'
        $net | Export-NetworkOnnx $link -Force -WhatIf
        $net | Export-TrainingChart $link -Force -WhatIf
        Get-Content $real -Raw | Should -Be 'precious'
    }

    It 'an overwritten file keeps its permission bits (<Name>)' -ForEach @(
        @{ Name = 'Export-NetworkOnnx' }, @{ Name = 'Export-TrainingChart' }
    ) {
        $write = ($writers | Where-Object Name -eq $Name).Write
        $target = Join-Path $folder 'kept.bin'
        Set-Content $target 'x'
        & chmod 640 $target
        $null = & $write $target $true
        Get-Mode $target | Should -Be '640'
        & chmod 604 $target
        $null = & $write $target $true
        Get-Mode $target | Should -Be '604'
    }
}

Describe 'Special files are refused by name, never replaced' -Skip:($IsWindows) {
    BeforeAll {
        $script:specials = Join-Path $TestDrive 'specials'
        $null = New-Item -ItemType Directory $specials
        $script:fifo = Join-Path $specials 'fifo'
        & mkfifo $fifo
        # A character device node like /dev/null (1, 3), made here; needs root (CAP_MKNOD).
        $script:device = Join-Path $specials 'null-device'
        & mknod $device c 1 3 2>$null
        $script:deviceSkip = if (-not (Test-Path $device)) { 'mknod is not permitted here (needs root and CAP_MKNOD)' } else { $null }
        # A Unix domain socket, bound and left open while the tests run.
        $script:socketPath = Join-Path $specials 'socket'
        $script:socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
        $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new($socketPath))
        $script:deviceLink = Join-Path $specials 'link-to-device'
        if (-not $deviceSkip) { $null = New-Item -ItemType SymbolicLink -Path $deviceLink -Target $device }
    }
    AfterAll { $socket.Dispose() }

    It '<Writer> on a <Kind>, with and without -Force: ParityNet.NotARegularFile, the <Kind> left as it was' -ForEach @(
        foreach ($writer in 'Export-NetworkOnnx', 'Export-TrainingChart') {
            @{ Writer = $writer; Kind = 'FIFO'; Target = 'fifo'; Type = 'fifo' }
            @{ Writer = $writer; Kind = 'character device'; Target = 'device'; Type = 'character special file' }
            @{ Writer = $writer; Kind = 'socket'; Target = 'socket'; Type = 'socket' }
            @{ Writer = $writer; Kind = 'link to a character device'; Target = 'deviceLink'; Type = 'symbolic link' }
        }
    ) {
        $path = switch ($Target) { 'fifo' { $fifo } 'device' { $device } 'socket' { $socketPath } 'deviceLink' { $deviceLink } }
        if ($Target -like 'device*' -and $deviceSkip) { Set-ItResult -Skipped -Because $deviceSkip; return }
        $write = ($writers | Where-Object Name -eq $Writer).Write
        foreach ($force in $false, $true) {
            $record = $null
            try { $ErrorActionPreference = 'Stop'; $null = & $write $path $force } catch { $record = $_ }
            $record.FullyQualifiedErrorId | Should -BeLike 'ParityNet.NotARegularFile,*'
            $record.Exception.Message | Should -Match 'not a regular file'
        }
        Get-Kind $path | Should -Be $Type
        if ($Target -eq 'deviceLink') { Get-Kind $device | Should -Be 'character special file' }
        @(Get-ChildItem $specials -Force -Filter '*.tmp').Count | Should -Be 0
    }

    It 'Import-NetworkOnnx and Test-Parity -OnnxPath refuse a <Kind> with ParityNet.NotARegularFile, without opening it' -ForEach @(
        @{ Kind = 'FIFO'; Target = 'fifo' }, @{ Kind = 'character device'; Target = 'device' }, @{ Kind = 'socket'; Target = 'socket' }
    ) {
        $path = switch ($Target) { 'fifo' { $fifo } 'device' { $device } 'socket' { $socketPath } }
        if ($Target -eq 'device' -and $deviceSkip) { Set-ItResult -Skipped -Because $deviceSkip; return }
        # Opening a FIFO for reading would block until a writer came: the refusal must come first.
        Get-ErrorId { Import-NetworkOnnx $path } | Should -Be 'ParityNet.NotARegularFile'
        Get-ErrorId { Test-Parity -OnnxPath $path -Number 1 } | Should -Be 'ParityNet.NotARegularFile'
    }

    It 'a folder given to Import-NetworkOnnx is named as a folder' {
        Get-ErrorId { Import-NetworkOnnx $specials } | Should -Be 'ParityNet.NotARegularFile'
    }
}

Describe 'Reads are capped whatever the file claims' -Skip:($IsWindows) {
    It 'a sparse file of 1 GiB + 1 byte is ParityNet.OnnxFileTooLarge, read no further than its size' {
        $big = Join-Path $TestDrive 'huge.onnx'
        $stream = [System.IO.File]::Create($big)
        try { $stream.SetLength(1GB + 1) } finally { $stream.Dispose() }
        Get-ErrorId { Import-NetworkOnnx $big } | Should -Be 'ParityNet.OnnxFileTooLarge'
        Get-ErrorId { Test-Parity -OnnxPath $big -Number 1 } | Should -Be 'ParityNet.OnnxFileTooLarge'
    }
}
