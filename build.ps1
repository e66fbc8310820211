<#
.SYNOPSIS
    Builds, tests and demonstrates ParityNet.
.DESCRIPTION
    Tasks run in the order given; each fails loudly (a non-zero exit) on the first error.
      Build  publish the cmdlet assembly and its dependencies into module/bin
      Test   Build and Package, then xunit, then Pester in a fresh pwsh against the built module;
             ends with the line "N passed, N failed" and exits non-zero on any failure
      Demo   Build, then run the design's pipeline in a fresh pwsh
      Bench  Build, then the benchmark: the lesson's network against numpy (cases a-d; numpy as
             installed and in its fast setting: glibc keeping freed memory, OpenBLAS choosing its own
             kernel), ONNX Runtime against the engine (i), other optimizers and layers (t), the parity
             recipe against PyTorch with its floor from the measured peak (p), small batches on wide
             inputs against PyTorch's same loop with their floor (m), Test-Parity in the pipeline
             against Select-Object, the lesson's case a called from the shell against the engine alone
             and numpy (tools/Bench-Call.ps1), and Invoke-ParitySweep on 1 and 2 runspaces and over SSH
             (about 15 minutes). One section, shorter: dotnet run -c Release --project bench/ParityNet.Bench
             -- . --case m --quick. Epochs to solve on both sides, not part of it: --case s (about 20 minutes)
      Package  Build, then lay the module out as it installs (manifest, format file, en-US, bin/ with
             the ONNX Runtime and SkiaSharp native libraries of linux-x64, win-x64, osx-arm64 and, if
             the packages carry them, osx-x64) and compress it to out/ParityNet.<version>.nupkg
             with PSResourceGet's Compress-PSResource
      Clean  remove module/bin, out/, en-US/ and every bin/ and obj/ folder
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$env:NO_COLOR = '1'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:ORT_DISABLE_TELEMETRY = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$PSStyle.OutputRendering = 'PlainText'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleBin = Join-Path $Root 'module/bin'
$Manifest = Join-Path $Root 'ParityNet.psd1'
$Version = (Import-PowerShellDataFile $Manifest).ModuleVersion
$PesterVersion = '6.2.0'

function Write-Step([string] $Name) { Write-Host "==> $Name" }

# Runs a native command and throws if it fails.
function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}

# The command line of a fresh pwsh: the local dotnet tool runs as 'dotnet pwsh.dll'.
function Get-PwshCommand {
    . (Join-Path $PSScriptRoot 'tools/PwshCommand.ps1')
    Get-PwshCommandLine
}

function Invoke-FreshPwsh([string] $What, [string[]] $Arguments) {
    $pwsh = @(Get-PwshCommand)
    $exe = $pwsh[0]
    $rest = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive') + $Arguments
    Invoke-Native $What { & $exe @rest }
}

function Invoke-Build {
    Write-Step "Build ParityNet $Version ($Configuration) into module/bin"
    if (Test-Path $ModuleBin) { Remove-Item $ModuleBin -Recurse -Force }
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $Root 'src/ParityNet.Commands/ParityNet.Commands.csproj') `
            -c $Configuration -o $ModuleBin "-p:Version=$Version" --nologo
    }
    # ONNX Runtime ships native libraries for every platform; keep the ones the module supports.
    # 'osx' holds SkiaSharp's universal macOS library (the chart).
    $keep = 'linux-x64', 'linux-arm64', 'win-x64', 'win-arm64', 'osx-x64', 'osx-arm64', 'osx'
    $runtimes = Join-Path $ModuleBin 'runtimes'
    if (Test-Path $runtimes) {
        Get-ChildItem $runtimes -Directory | Where-Object Name -notin $keep | Remove-Item -Recurse -Force
    }
    foreach ($file in 'ParityNet.Commands.dll', 'ParityNet.Engine.dll', 'ParityNet.Onnx.dll', 'runtimes/linux-x64/native/libonnxruntime.so', 'runtimes/linux-x64/native/libSkiaSharp.so') {
        if (-not (Test-Path (Join-Path $ModuleBin $file))) { throw "Build did not produce module/bin/$file." }
    }
    Invoke-BuildHelp
}

# Help lives in the module base's culture folder, where Get-Help looks for a binary module's MAML and
# about topics: the repository root for this layout (en-US/ is generated, git-ignored), the package
# root once installed. The MAML is compiled from docs/help/*.md in a fresh pwsh (it imports the module).
function Invoke-BuildHelp {
    Write-Step 'Help: docs/help/*.md to en-US/ParityNet.Commands.dll-Help.xml, plus module/en-US'
    $helpOut = Join-Path $Root 'en-US'
    if (Test-Path $helpOut) { Remove-Item $helpOut -Recurse -Force }
    New-Item -ItemType Directory $helpOut | Out-Null
    Copy-Item (Join-Path $Root 'module/en-US/*') $helpOut
    Invoke-FreshPwsh 'the help compiler' @('-File', (Join-Path $Root 'tools/New-MamlHelp.ps1'), '-ManifestPath', $Manifest,
        '-SourcePath', (Join-Path $Root 'docs/help'), '-OutputPath', (Join-Path $helpOut 'ParityNet.Commands.dll-Help.xml'))
}

function Get-PesterModulePath {
    Invoke-Native 'restore Pester' { dotnet restore (Join-Path $Root 'tools/PesterRestore.csproj') --nologo -v quiet }
    $cache = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $cache.Trim() "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $PesterVersion was restored but $path is missing." }
    return $path
}

# The package layout: the module base is the package root, so the manifest's RootModule and
# FormatsToProcess lose the dev layout's module/ prefixes. The manifest is generated from the
# repository's, so ModuleVersion and everything else stay in one place.
function Invoke-Package {
    Invoke-Build
    Write-Step "Package ParityNet $Version into out/ParityNet.$Version.nupkg"
    $stage = Join-Path $Out 'package/ParityNet'
    if (Test-Path (Split-Path $stage)) { Remove-Item (Split-Path $stage) -Recurse -Force }
    New-Item -ItemType Directory $stage | Out-Null

    $text = Get-Content $Manifest -Raw
    $packaged = $text.Replace("'module/bin/", "'bin/").Replace("'module/ParityNet.format.ps1xml'", "'ParityNet.format.ps1xml'").Replace("'module/ParityNet.types.ps1xml'", "'ParityNet.types.ps1xml'")
    if ($packaged -match "'module/" -or $packaged -notmatch "RootModule\s*=\s*'bin/ParityNet.Commands.dll'" -or $packaged -notmatch "FormatsToProcess\s*=\s*@\('ParityNet.format.ps1xml'\)" -or $packaged -notmatch "TypesToProcess\s*=\s*@\('ParityNet.types.ps1xml'\)") {
        throw 'ParityNet.psd1 no longer has the RootModule, FormatsToProcess and TypesToProcess that Package rewrites; update Invoke-Package.'
    }
    Set-Content (Join-Path $stage 'ParityNet.psd1') $packaged -Encoding utf8NoBOM -NoNewline
    Copy-Item (Join-Path $Root 'module/ParityNet.format.ps1xml'), (Join-Path $Root 'module/ParityNet.types.ps1xml'), (Join-Path $Root 'LICENSE') $stage
    Copy-Item (Join-Path $Root 'en-US') $stage -Recurse
    Copy-Item $ModuleBin (Join-Path $stage 'bin') -Recurse
    # The platforms the package carries; import libraries (.lib) are for linking, not loading.
    $platforms = 'linux-x64', 'win-x64', 'osx-arm64', 'osx-x64', 'osx'
    Get-ChildItem (Join-Path $stage 'bin/runtimes') -Directory | Where-Object Name -notin $platforms | Remove-Item -Recurse -Force
    Get-ChildItem (Join-Path $stage 'bin') -Recurse -Include '*.lib', '*.pdb' | Remove-Item -Force
    foreach ($file in 'ParityNet.psd1', 'ParityNet.format.ps1xml', 'ParityNet.types.ps1xml', 'LICENSE', 'en-US/about_ParityNet.help.txt', 'en-US/ParityNet.Commands.dll-Help.xml',
        'bin/ParityNet.Commands.dll', 'bin/runtimes/linux-x64/native/libonnxruntime.so', 'bin/runtimes/linux-x64/native/libSkiaSharp.so',
        'bin/runtimes/win-x64/native/onnxruntime.dll', 'bin/runtimes/osx-arm64/native/libonnxruntime.dylib') {
        if (-not (Test-Path (Join-Path $stage $file))) { throw "The package layout lacks $file." }
    }
    if (-not (Test-Path (Join-Path $stage 'bin/runtimes/osx-x64'))) {
        Write-Warning 'ONNX Runtime carries no osx-x64 native library in this version: the package cannot run ONNX on Intel Macs.'
    }
    $null = Test-ModuleManifest (Join-Path $stage 'ParityNet.psd1')

    $nupkg = Join-Path $Out "ParityNet.$Version.nupkg"
    if (Test-Path $nupkg) { Remove-Item $nupkg -Force }
    Compress-PSResource -Path $stage -DestinationPath $Out
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource did not write $nupkg." }
    Write-Host ("Wrote {0} ({1:N1} MB)" -f $nupkg, ((Get-Item $nupkg).Length / 1MB))
}

# Passed, failed (failed, error, timeout, aborted) and skipped counts of a trx file; no file means the build or the host failed.
function Read-TrxCounters([string] $Path, [string] $What) {
    if (-not (Test-Path $Path)) { throw "xunit wrote no results for $What (exit code $LASTEXITCODE): the build or the test host failed." }
    $c = ([xml](Get-Content $Path -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted; Skipped = [int]$c.notExecuted }
}

function Invoke-Test {
    Invoke-Package
    $results = Join-Path $Out 'test'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory $results | Out-Null

    $passed = 0; $failed = 0; $skipped = 0
    $pwsh = @(Get-PwshCommand)
    $exe = $pwsh[0]
    $pwshArguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive')
    foreach ($project in Get-ChildItem (Join-Path $Root 'tests') -Filter '*.Tests.csproj' -Recurse) {
        Write-Step "xunit: $($project.BaseName)"
        $trx = "$($project.BaseName).trx"
        dotnet test $project.FullName -c $Configuration --nologo --logger "trx;LogFileName=$trx" `
            --logger 'console;verbosity=normal' --results-directory $results
        $counters = Read-TrxCounters (Join-Path $results $trx) $project.BaseName
        $passed += $counters.Passed; $failed += $counters.Failed; $skipped += $counters.Skipped
        if ($LASTEXITCODE -ne 0 -and $counters.Failed -eq 0) { $failed++ ; Write-Warning "dotnet test exited $LASTEXITCODE with no failed test: counted as one failure." }
    }

    # The engine promises the same bits on every machine: the pinned runs, the fused kernels' tests and the kernels' own
    # tests, and those of Barak et al.'s regime (its fold, sums in groups and wide inputs, against the reference
    # trainer), again with the runtime's instruction-set switches. Each run states the sets its test host saw, and
    # InstructionSetTests fails it if a switch did not take (.NET 10 ignores DOTNET_EnableAVX512F, for one).
    #   no-avx512  DOTNET_EnableAVX512=0: an AVX2 machine's paths, the 256-bit kernels (the 512-bit block kernel does not serve)
    #   no-avx2    and DOTNET_EnableAVX2=0: an AVX-only machine's; Vector256 and FMA are off, so the scalar loops serve,
    #              except where Avx.IsSupported alone guards (RowDots four rows at a time, LaneSums' horizontal adds)
    #   no-avx     and DOTNET_EnableAVX=0: every engine kernel takes its scalar loop
    # A test of a kernel that does not serve in a run is reported skipped with that reason, never passed.
    $engineTests = Join-Path $Root 'tests/ParityNet.Engine.Tests/ParityNet.Engine.Tests.csproj'
    $switched = @(
        @{ Name = 'no-avx512'; Variables = @('DOTNET_EnableAVX512'); Expect = 'Vector512=False Vector256=True Avx=True Fma=True' }
        @{ Name = 'no-avx2'; Variables = @('DOTNET_EnableAVX512', 'DOTNET_EnableAVX2'); Expect = 'Vector512=False Vector256=False Avx=True Fma=False' }
        @{ Name = 'no-avx'; Variables = @('DOTNET_EnableAVX512', 'DOTNET_EnableAVX2', 'DOTNET_EnableAVX'); Expect = 'Vector512=False Vector256=False Avx=False Fma=False' })
    foreach ($off in $switched) {
        $trx = "ParityNet.Engine.Tests-$($off.Name).trx"
        foreach ($v in $off.Variables) { Set-Item "env:$v" '0' }
        $env:PARITYNET_EXPECT_ISA = $off.Expect
        try {
            $seen = & $exe @pwshArguments -c '$v = [System.Runtime.Intrinsics.Vector512]::IsHardwareAccelerated, [System.Runtime.Intrinsics.Vector256]::IsHardwareAccelerated, [System.Runtime.Intrinsics.X86.Avx]::IsSupported, [System.Runtime.Intrinsics.X86.Fma]::IsSupported; "Vector512={0} Vector256={1} Avx={2} Fma={3}" -f $v'
            Write-Step "xunit: the same bits with $(($off.Variables | ForEach-Object { "$_=0" }) -join ' '); this runtime then sees $seen"
            dotnet test $engineTests -c $Configuration --nologo --no-build --filter 'FullyQualifiedName~PinnedBits|FullyQualifiedName~ReLUBlock|FullyQualifiedName~FastKernel|FullyQualifiedName~InstructionSet|FullyQualifiedName~BarakRegime|FullyQualifiedName~BarakSpeed|FullyQualifiedName~WideInput|FullyQualifiedName~GroupedSums' `
                --logger "trx;LogFileName=$trx" --logger 'console;verbosity=normal' --results-directory $results
        }
        finally {
            foreach ($v in $off.Variables) { Remove-Item "env:$v" -ErrorAction SilentlyContinue }
            Remove-Item env:PARITYNET_EXPECT_ISA -ErrorAction SilentlyContinue
        }
        $counters = Read-TrxCounters (Join-Path $results $trx) "the $($off.Name) run"
        if ($counters.Passed -eq 0) { $failed++; Write-Warning "The $($off.Name) run passed no test: counted as one failure." }
        $passed += $counters.Passed; $failed += $counters.Failed; $skipped += $counters.Skipped
        if ($LASTEXITCODE -ne 0 -and $counters.Failed -eq 0) { $failed++ ; Write-Warning "dotnet test exited $LASTEXITCODE with no failed test: counted as one failure." }
    }

    Write-Step 'Pester, in a fresh pwsh against the built module'
    $pesterJson = Join-Path $results 'pester.json'
    $arguments = $pwshArguments + @('-File', (Join-Path $Root 'tools/Invoke-PesterRun.ps1'),
        '-PesterPath', (Get-PesterModulePath), '-ManifestPath', $Manifest, '-TestPath', (Join-Path $Root 'tests/pester'),
        '-ResultPath', $pesterJson)
    & $exe @arguments
    if (-not (Test-Path $pesterJson)) { throw "Pester wrote no results (exit code $LASTEXITCODE)." }
    $pester = Get-Content $pesterJson -Raw | ConvertFrom-Json
    $passed += $pester.Passed
    $failed += $pester.Failed
    $skipped += $pester.Skipped

    $summary = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $summary += ", $skipped skipped" }
    Write-Host $summary
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo, in a fresh pwsh'
    Invoke-FreshPwsh 'Demo' @('-File', (Join-Path $Root 'tools/Demo.ps1'), '-ManifestPath', $Manifest)
}

function Invoke-Bench {
    Invoke-Build
    Write-Step 'Benchmark: ParityNet against numpy, ONNX Runtime and PyTorch, and the floors (bench/ParityNet.Bench)'
    $env:OPENBLAS_NUM_THREADS = $null
    Invoke-Native 'the benchmark' {
        dotnet run --project (Join-Path $Root 'bench/ParityNet.Bench/ParityNet.Bench.csproj') -c $Configuration -- $Root
    }
    Write-Step 'Benchmark: Test-Parity in the pipeline, in a fresh pwsh'
    Invoke-FreshPwsh 'the pipeline benchmark' @('-File', (Join-Path $Root 'tools/Bench-Pipeline.ps1'), '-ManifestPath', $Manifest)
    Write-Step 'Benchmark: the cost of a call, case a from the shell against the engine alone and numpy, in a fresh pwsh'
    Invoke-FreshPwsh 'the call benchmark' @('-File', (Join-Path $Root 'tools/Bench-Call.ps1'), '-ManifestPath', $Manifest)
    Write-Step 'Benchmark: Invoke-ParitySweep on 1 and 2 local runspaces, and a loopback SSH session, in a fresh pwsh'
    Invoke-FreshPwsh 'the sweep benchmark' @('-File', (Join-Path $Root 'tools/Bench-Sweep.ps1'), '-ManifestPath', $Manifest)
    Write-Step 'Benchmark: the ONNX cross-check of wide networks, Export-NetworkOnnx and Import-NetworkOnnx, in a fresh pwsh'
    Invoke-FreshPwsh 'the ONNX cross-check benchmark' @('-File', (Join-Path $Root 'tools/Bench-OnnxCrossCheck.ps1'), '-ManifestPath', $Manifest)
}

function Invoke-Clean {
    Write-Step 'Clean'
    foreach ($path in @($ModuleBin, $Out, (Join-Path $Root 'en-US'))) { if (Test-Path $path) { Remove-Item $path -Recurse -Force } }
    Get-ChildItem $Root -Directory -Recurse -Include 'bin', 'obj' |
        Where-Object { $_.FullName -notlike "*$([IO.Path]::DirectorySeparatorChar).git*" } |
        Remove-Item -Recurse -Force
}

Push-Location $Root
try {
    foreach ($t in $Task) {
        switch ($t) {
            'Build' { Invoke-Build }
            'Test' { Invoke-Test }
            'Demo' { Invoke-Demo }
            'Bench' { Invoke-Bench }
            'Package' { Invoke-Package }
            'Clean' { Invoke-Clean }
        }
    }
}
finally {
    Pop-Location
}
