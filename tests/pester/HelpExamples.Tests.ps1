# Every help example runs as written (issue 26): each example's code, read from the built help (Get-Help, what a
# reader sees), runs in a fresh pwsh that imports the module by its manifest path, as a clone does, in a folder of
# its own under a time limit. It must end without errors, and with the output its remarks state where a check
# below holds that statement.
#
# What an example needs is said in its remarks, in a paragraph of its own that readers see too:
#   Needs ./model.onnx: <why>        the files (or folders) it reads; this test makes the ones in $fixtures
#                                    below, and an example needing anything else (remote hosts, hours of
#                                    training) is skipped with that paragraph as the reason
#   Runs after Example 1.            the example continues another's session (its current network)
#   Runs from an installed module or a clone.
#                                    it is run twice: importing the manifest by path, and ParityNet by name
#                                    from PSModulePath (a folder that links to the clone)
BeforeDiscovery {
    Import-Module $env:PARITYNET_MANIFEST
    $script:examples = foreach ($name in (Import-PowerShellDataFile $env:PARITYNET_MANIFEST).CmdletsToExport) {
        $n = 0
        foreach ($example in @((Get-Help $name -Examples).examples.example)) {
            $n++
            $remarks = @($example.remarks | ForEach-Object Text | Where-Object { $_ })
            @{
                Command = $name; Number = $n; Code = [string]$example.code
                Title   = ($example.title -replace '^[-\s]*Example \d+:\s*', '' -replace '[-\s]*$', '')
                Needs   = @($remarks | Where-Object { $_ -match '^Needs ' })
                Installed = [bool]($remarks -match '^Runs from an installed module or a clone\.')
                After   = @($remarks | Where-Object { $_ -match '^Runs after Example (\d+)\.' } | ForEach-Object { [int]($_ -replace '^Runs after Example (\d+)\..*', '$1') })
            }
        }
    }
}

BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    . "$PSScriptRoot/helpers/Bounded.ps1"
    $script:corpus = Join-Path $PSScriptRoot '../ParityNet.Onnx.Tests/corpus/foreign' | Resolve-Path | Select-Object -ExpandProperty Path
    $script:cache = New-Item -ItemType Directory (Join-Path $TestDrive 'fixtures')

    # A network exported once, in a fresh pwsh (this runspace's current network is left alone), copied where needed.
    function Get-CachedModel([int] $Bits) {
        $path = Join-Path $cache "model$Bits.onnx"
        if (-not (Test-Path $path)) {
            $run = Invoke-Bounded -TimeoutSeconds 120 -WorkingDirectory $cache -Script "`$null = New-ParityNetwork -Bits $Bits | Invoke-NetworkTraining | Export-NetworkOnnx '$path'"
            if (-not (Test-Path $path)) { throw "Could not make the fixture $path (exit $($run.ExitCode)): $($run.Output)" }
        }
        $path
    }

    # What the examples' "Needs" paragraphs name, made in the example's folder $Dir.
    $script:fixtures = @{
        './model.onnx'        = { param($Dir) Copy-Item (Get-CachedModel 8) (Join-Path $Dir 'model.onnx') }
        './models'            = { param($Dir) $m = New-Item -ItemType Directory (Join-Path $Dir 'models'); Copy-Item (Get-CachedModel 8) (Join-Path $m 'eight.onnx'); Copy-Item (Get-CachedModel 4) (Join-Path $m 'four.onnx') }
        './torch.onnx'        = { param($Dir) Copy-Item (Join-Path $corpus 'torch-gemm-sigmoid-op13.onnx') (Join-Path $Dir 'torch.onnx') }
        './torch-logits.onnx' = { param($Dir) Copy-Item (Join-Path $corpus 'torch-relu-logit-op17.onnx') (Join-Path $Dir 'torch-logits.onnx') }
        './numbers.csv'       = { param($Dir) Set-Content (Join-Path $Dir 'numbers.csv') "Number`n1`n6`n0xA`n15" }
        './parity.jsonl'      = { param($Dir)
            $run = Invoke-Bounded -TimeoutSeconds 300 -WorkingDirectory $Dir -Script "`$null = Invoke-ParitySweep -Grid @{ Bits = 4; Seed = 1, 2 } -Fixed @{ Epochs = 200 } -ResultPath ./parity.jsonl"
            if (-not (Test-Path (Join-Path $Dir 'parity.jsonl'))) { throw "Could not make parity.jsonl (exit $($run.ExitCode)): $($run.Output)" }
        }
    }

    # The items a "Needs" paragraph names (before its colon), and whether this test can make them all.
    function Get-NeededItems([string] $Paragraph) { @((($Paragraph -replace '^Needs ', '') -split ':')[0] -split ',\s*|\s+and\s+' | ForEach-Object Trim) }

    # What each example's remarks say it outputs, where that can be checked. $r: Output (the objects, deserialized),
    # Text (them as a table), Host (what the child printed), Errors (ids), Files (in its folder).
    $script:checks = @{
        'Export-NetworkDiagram/1' = { param($r) $r.Files | Should -Contain 'network.png'; $r.Output.Name | Should -Be 'network.png' }
        'Export-NetworkDiagram/2' = { param($r) $r.Files | Should -Contain 'six.png' }
        'Export-NetworkOnnx/1'    = { param($r) $r.Files | Should -Contain 'model.onnx'; $r.Text | Should -Match 'Opset' }
        'Export-NetworkOnnx/2'    = { param($r) $r.Output.Number | Should -Be 6 }
        'Export-NetworkOnnx/3'    = { param($r) $r.Files | Should -Not -Contain 'default.onnx'; $r.Host | Should -Match 'What if' }
        'Export-TrainingChart/1'  = { param($r) $r.Files | Should -Contain 'loss.png' }
        'Export-TrainingChart/2'  = { param($r) $r.Files | Should -Contain 'alpha.png' }
        'Export-TrainingChart/3'  = { param($r) $r.Files | Should -Contain 'sweep.png' }
        'Get-ParityNetwork/1'     = { param($r) $r.Text | Should -Match '4-4-1' }
        'Import-NetworkOnnx/1'    = { param($r) $r.Output.Number | Should -Be 5 }
        'Import-NetworkOnnx/2'    = { param($r) @($r.Output).Count | Should -Be 2 }
        'Import-NetworkOnnx/3'    = { param($r) @($r.Output).Count | Should -Be 16 }
        'Invoke-NetworkTraining/1' = { param($r) @($r.Output | Where-Object Number -NE $null).Number | Should -Be (0..15) }
        'Invoke-NetworkTraining/2' = { param($r) $r.Text | Should -Match 'TargetReached' }
        'Invoke-NetworkTraining/3' = { param($r) $r.Files | Should -Contain 'optimizers.png' }
        'New-ParityNetwork/2'     = { param($r) @($r.Output).Count | Should -Be 6 -Because 'a 6-8 matrix has six rows' }
        'Test-Parity/1'           = { param($r) foreach ($h in 'Number', 'Bits', 'Prediction', 'Probability', 'Correct') { $r.Text | Should -Match $h }; @($r.Output | Where-Object Number -NE $null).Count | Should -Be 16 }
        'Test-Parity/2'           = { param($r) $r.Output.Number | Should -Be 5 }
        'Test-Parity/4'           = { param($r) $r.Verbose | Should -Not -BeNullOrEmpty }
        'Test-Parity/5'           = { param($r) @($r.Output | Where-Object Number -NE $null).Number | Should -Be 1, 2 }
        'Test-Parity/6'           = { param($r) @($r.Output).Count | Should -Be 4; $r.Output.Bits | ForEach-Object { $_.Length | Should -Be 4 -Because "the job's 4-bit network answers, not the 8-bit default" } }
        'Trace-ParityNetwork/1'   = { param($r) $r.Output.Number | Should -Be 6, 7 }
    }
    # The errors an example shows on purpose (ids before the comma, in order).
    $script:expectedErrors = @{
        'Test-Parity/5' = @('ParityNet.InputOutOfRange', 'ParityNet.InputNotInteger', 'ParityNet.InputNotInteger')
    }
    # Runs one example in a fresh pwsh (importing $Manifest: a path, or the name of an installed module) and holds it
    # to its remarks; skipped when its help says it needs what this test cannot make.
    function Invoke-HelpExample([hashtable] $Example, [string] $Manifest = $env:PARITYNET_MANIFEST, [string] $Tag = 'clone') {
        $Command = $Example.Command; $Number = $Example.Number; $Code = $Example.Code; $Needs = $Example.Needs; $After = $Example.After
        $unmade = @($Needs | Where-Object { @(Get-NeededItems $_ | Where-Object { -not $fixtures.ContainsKey($_) }).Count -gt 0 })
        if ($unmade) { Set-ItResult -Skipped -Because "its help says: $($unmade -join ' ')"; return }

        $dir = New-Item -ItemType Directory (Join-Path $TestDrive "$Command-$Number-$Tag/work")
        foreach ($item in $Needs | ForEach-Object { Get-NeededItems $_ }) { & $fixtures[$item] $dir.FullName }
        $report = Join-Path $TestDrive "$Command-$Number-$Tag/report.xml"
        $before = foreach ($n in $After) { (@((Get-Help $Command -Examples).examples.example)[$n - 1]).code; "`n" }
        # The example runs dot-sourced, as typed at a prompt; every stream is kept, and the report says what happened.
        $script = @"
`$ErrorActionPreference = 'Continue' # as at a prompt: an example's non-terminating errors are its to show
Set-Location -LiteralPath '$($dir.FullName)'
`$null = . { $($before -join '') } *>&1
`$records = [System.Collections.Generic.List[object]]::new()
try { . {
$Code
} *>&1 | ForEach-Object { `$records.Add(`$_) } } catch { `$records.Add(`$_) }
`$kinds = 'ErrorRecord', 'WarningRecord', 'VerboseRecord', 'InformationRecord', 'DebugRecord'
`$output = @(`$records | Where-Object { `$_ -and `$_.GetType().Name -notin `$kinds })
[pscustomobject]@{
    Output  = `$output
    Text    = `$output | Out-String -Width 250
    Errors  = @(`$records | Where-Object { `$_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { (`$_.FullyQualifiedErrorId -split ',')[0] + ': ' + `$_.Exception.Message })
    Verbose = @(`$records | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    Files   = @(Get-ChildItem -Name)
} | Export-Clixml -Depth 4 -LiteralPath '$report'
"@
        $clone = $env:PARITYNET_MANIFEST
        $env:PARITYNET_MANIFEST = $Manifest # what Invoke-Bounded's child imports
        try { $run = Invoke-Bounded -Script $script -TimeoutSeconds $limit -WorkingDirectory $dir.FullName }
        finally { $env:PARITYNET_MANIFEST = $clone }
        $run.TimedOut | Should -BeFalse -Because "the example must finish within $limit s. Output: $($run.Output)"
        Test-Path $report | Should -BeTrue -Because "the child must report (exit $($run.ExitCode)). Output: $($run.Output)"
        $r = Import-Clixml $report
        $r | Add-Member Host $run.Output
        $key = "$Command/$Number"
        $ids = @($r.Errors | ForEach-Object { ($_ -split ':')[0] })
        if ($expectedErrors.ContainsKey($key)) { $ids | Should -Be $expectedErrors[$key] }
        else { $r.Errors | Should -BeNullOrEmpty -Because 'a help example runs without errors' }
        if ($checks.ContainsKey($key)) { & $checks[$key] $r }
    }
    # Seconds an example may take, with both cores busy; the longest examples here train a few thousand epochs.
    $script:limit = 240
}

Describe 'Help examples run as written, from a clone' {
    It '<Command> example <Number>: <Title>' -ForEach $examples {
        Invoke-HelpExample $_
    }
}

Describe 'Help examples that say they run installed too' {
    It '<Command> example <Number>: <Title>, with ParityNet imported by name from PSModulePath' -ForEach @($examples | Where-Object { $_.Installed }) {
        # An installed module is a folder named ParityNet on PSModulePath; a link to the clone is one, for this test.
        $modules = Join-Path $TestDrive 'modules'
        if (-not (Test-Path $modules)) { $null = New-Item -ItemType Directory $modules; $null = New-Item -ItemType SymbolicLink (Join-Path $modules 'ParityNet') -Target (Split-Path $env:PARITYNET_MANIFEST) }
        $path = $env:PSModulePath
        $env:PSModulePath = $modules + [IO.Path]::PathSeparator + $path
        try { Invoke-HelpExample $_ -Manifest 'ParityNet' -Tag 'installed' }
        finally { $env:PSModulePath = $path }
    }
}
