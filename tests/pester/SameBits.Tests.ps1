# "The same bits on every machine" (issue 26), shown through the cmdlets: three trainings, each on a different fast path
# of the engine, run in child processes whose runtime has AVX-512, then AVX2, then AVX switched off, as on machines that
# lack them. Each child states the instruction sets it saw, so a switch the runtime ignores fails here rather than
# repeating the default run; the weights and biases of every run must hash to the default run's bits.
BeforeAll {
    . "$PSScriptRoot/helpers/Bounded.ps1"

    $script:childScript = @'
$sets = [System.Runtime.Intrinsics.Vector512]::IsHardwareAccelerated, [System.Runtime.Intrinsics.Vector256]::IsHardwareAccelerated,
    [System.Runtime.Intrinsics.X86.Avx]::IsSupported, [System.Runtime.Intrinsics.X86.Fma]::IsSupported
'SETS:Vector512={0} Vector256={1} Avx={2} Fma={3}' -f $sets
function Get-WeightHash($network) {
    $sha = [System.Security.Cryptography.IncrementalHash]::CreateHash('SHA256')
    for ($l = 0; $l -lt $network.Weights.Count; $l++) {
        foreach ($row in $network.Weights[$l].Values) { foreach ($v in $row) { $sha.AppendData([BitConverter]::GetBytes([double]$v)) } }
        foreach ($v in $network.Biases[$l]) { $sha.AppendData([BitConverter]::GetBytes([double]$v)) }
    }
    [Convert]::ToHexString($sha.GetHashAndReset())
}
# The parity recipe (the 512-bit block kernel where it serves), small batches of sampled 50-bit numbers, two tanh layers.
$recipe = New-ParityNetwork -Bits 12 -HiddenSize 128 -Activation ReLU -Initialization He -Task BitParity -Seed 1 |
    Invoke-NetworkTraining -Optimizer Adam -Alpha 0.01 -Loss CrossEntropy -Epochs 40 -BatchSize 4096
'HASH:recipe-12:' + (Get-WeightHash $recipe)
$small = New-ParityNetwork -Bits 50 -HiddenSize 1000 -Activation ReLU -Initialization He -Task BitParity -Seed 1 |
    Invoke-NetworkTraining -Optimizer Sgd -Alpha 0.1 -Loss CrossEntropy -BatchSize 32 -SampleSize 640 -Epochs 3 -Seed 1
'HASH:small-batch-50-1000:' + (Get-WeightHash $small)
$tanh = New-ParityNetwork -Bits 10 -HiddenSize 32, 16 -Activation Tanh -Seed 1 | Invoke-NetworkTraining -Epochs 50
'HASH:tanh-10-32-16:' + (Get-WeightHash $tanh)
'@

    # Runs the child with the given DOTNET_Enable* switches set to 0; returns its SETS line and its hashes by name.
    function Invoke-Switched([string[]] $Off) {
        foreach ($v in $Off) { Set-Item "env:$v" '0' }
        try { $run = Invoke-Bounded -Script $childScript -TimeoutSeconds 300 }
        finally { foreach ($v in $Off) { Remove-Item "env:$v" -ErrorAction SilentlyContinue } }
        $lines = $run.Output -split "`r?`n"
        $sets = ($lines | Where-Object { $_ -like 'SETS:*' } | Select-Object -First 1) -replace '^SETS:', ''
        $hashes = @{}
        foreach ($line in $lines | Where-Object { $_ -like 'HASH:*' }) { $parts = $line -split ':'; $hashes[$parts[1]] = $parts[2] }
        if ($run.TimedOut -or $hashes.Count -ne 3) { throw "The child with $($Off -join ', ') = 0 did not finish its three runs (exit $($run.ExitCode)): $($run.Output)" }
        [pscustomobject]@{ Sets = $sets; Hashes = $hashes }
    }
    $script:default = Invoke-Switched @()
}

Describe 'The same bits on every instruction set, through the cmdlets' {
    It 'the default run states its instruction sets and hashes three runs' {
        $default.Sets | Should -Match '^Vector512=(True|False) Vector256=(True|False) Avx=(True|False) Fma=(True|False)$'
        $default.Hashes.Keys | Sort-Object | Should -Be @('recipe-12', 'small-batch-50-1000', 'tanh-10-32-16')
    }

    It 'with <Name> the runtime sees <Expect>, and every weight keeps its bits' -ForEach @(
        @{ Name = 'DOTNET_EnableAVX512=0'; Off = @('DOTNET_EnableAVX512'); Expect = 'Vector512=False Vector256=True Avx=True Fma=True' }
        @{ Name = 'AVX-512 and AVX2 off'; Off = @('DOTNET_EnableAVX512', 'DOTNET_EnableAVX2'); Expect = 'Vector512=False Vector256=False Avx=True Fma=False' }
        @{ Name = 'AVX-512, AVX2 and AVX off'; Off = @('DOTNET_EnableAVX512', 'DOTNET_EnableAVX2', 'DOTNET_EnableAVX'); Expect = 'Vector512=False Vector256=False Avx=False Fma=False' }
    ) {
        $switched = Invoke-Switched $Off
        # The switch took: otherwise this run would only repeat the default one.
        $switched.Sets | Should -Be $Expect
        foreach ($name in $default.Hashes.Keys) { $switched.Hashes[$name] | Should -Be $default.Hashes[$name] -Because "$name must train to the same bits" }
    }

    It 'a switch .NET 10 ignores is caught: DOTNET_EnableAVX512F = 0 leaves 512-bit vectors on where the machine has them' {
        if (-not [System.Runtime.Intrinsics.Vector512]::IsHardwareAccelerated) {
            Set-ItResult -Skipped -Because 'this machine has no accelerated 512-bit vectors, so an ignored AVX-512 switch cannot be told from one that took'
            return
        }
        $ignored = Invoke-Switched @('DOTNET_EnableAVX512F')
        $ignored.Sets | Should -BeLike 'Vector512=True *'
    }
}
