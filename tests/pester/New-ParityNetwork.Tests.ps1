BeforeAll { Import-Module $env:PARITYNET_MANIFEST }

Describe 'New-ParityNetwork' {
    It 'makes the default 8-4-1 network for the Even task, untrained, with biases' {
        $net = New-ParityNetwork
        $net.GetType().FullName | Should -Be 'ParityNet.ParityNetwork'
        $net.LayerSizes | Should -Be @(8, 4, 1)
        $net.Task | Should -Be 'Even'
        $net.HasBias | Should -BeTrue
        $net.Seed | Should -Be 1
        $net.IsTrained | Should -BeFalse
        $net.Weights.Count | Should -Be 2
        $net.Weights[0].Rows | Should -Be 8
        $net.Weights[0].Columns | Should -Be 4
    }

    It 'takes -Bits, -HiddenSize (several layers), -Task, -Seed and -NoBias' {
        $net = New-ParityNetwork -Bits 5 -HiddenSize 6, 3 -Task BitParity -Seed 42 -NoBias
        $net.LayerSizes | Should -Be @(5, 6, 3, 1)
        $net.Task | Should -Be 'BitParity'
        $net.Seed | Should -Be 42
        $net.HasBias | Should -BeFalse
        $net.Biases | ForEach-Object { $_.Count | Should -Be 0 }
    }

    It 'is reproducible: the same seed gives identical weights, another seed different ones' {
        $a = (New-ParityNetwork -Seed 7).Weights[0].Values | ConvertTo-Json -Compress
        $b = (New-ParityNetwork -Seed 7).Weights[0].Values | ConvertTo-Json -Compress
        $c = (New-ParityNetwork -Seed 8).Weights[0].Values | ConvertTo-Json -Compress
        $a | Should -Be $b
        $a | Should -Not -Be $c
    }

    It 'draws the lesson''s initial weights, uniform in [-1, 1)' {
        $values = (New-ParityNetwork -Bits 10 -HiddenSize 50).Weights[0].Values | ForEach-Object { $_ }
        $values.Count | Should -Be 500
        ($values | Measure-Object -Minimum -Maximum).Minimum | Should -BeGreaterOrEqual -1
        ($values | Measure-Object -Minimum -Maximum).Maximum | Should -BeLessThan 1
    }

    It 'rejects <Name> with <Id> before any work' -ForEach @(
        @{ Name = 'zero bits'; Arguments = @{ Bits = 0 }; Id = 'ParityNet.BitsOutOfRange' }
        @{ Name = '1025 bits'; Arguments = @{ Bits = 1025 }; Id = 'ParityNet.BitsOutOfRange' }
        @{ Name = 'zero hidden units'; Arguments = @{ HiddenSize = 0 }; Id = 'ParityNet.InvalidHiddenSize' }
        @{ Name = 'a negative hidden size'; Arguments = @{ HiddenSize = 4, -2 }; Id = 'ParityNet.InvalidHiddenSize' }
        @{ Name = 'an absurd network'; Arguments = @{ Bits = 20; HiddenSize = 65536, 65536 }; Id = 'ParityNet.NetworkTooLarge' }
    ) {
        $err = $null
        try { New-ParityNetwork @Arguments; throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.Exception.Message | Should -Match 'Give|Use|Choose'
    }

    It 'names the bad value and the valid range' {
        { New-ParityNetwork -Bits 1025 } | Should -Throw -ExpectedMessage '*Bits 1025*1 to 1024*'
    }
}

Describe 'New-ParityNetwork: depth' {
    It 'takes -Activation and -Initialization' {
        $net = New-ParityNetwork -Bits 6 -HiddenSize 8, 4 -Activation Tanh -Initialization Xavier
        $net.Activation | Should -Be 'Tanh'
        $net.Spec.Initialization | Should -Be 'Xavier'
        $limit = [math]::Sqrt(6 / (6 + 8))
        $net.Weights[0].Values | ForEach-Object { $_ } | ForEach-Object { [math]::Abs($_) | Should -BeLessOrEqual $limit }
    }

    It 'makes networks up to 62 bits wide, and wider ones that answer any long' {
        $net = New-ParityNetwork -Bits 62
        $net.MaxNumber | Should -Be ([long]::MaxValue -shr 1)
        $wide = New-ParityNetwork -Bits 200 -HiddenSize 8 -Task SparseParity -Support 1, 150, 199
        $wide.MaxNumber | Should -Be ([long]::MaxValue)
        $answer = Test-Parity -Number ([long]::MaxValue) -Network $wide
        $answer.ExpectedLabel | Should -Be 1     # bit 1 is set; bits 150 and 199 of any long are 0
        $answer.Bits.Length | Should -Be 200
    }

    It 'completes <Parameter> with its values' -ForEach @(
        @{ Parameter = 'Task'; Values = @('BitParity', 'Even', 'SparseParity') }
        @{ Parameter = 'Activation'; Values = @('ReLU', 'Sigmoid', 'Tanh') }
        @{ Parameter = 'Initialization'; Values = @('He', 'PyTorch', 'Uniform', 'Xavier') }
    ) {
        $line = "New-ParityNetwork -$Parameter "
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Sort-Object | Should -Be $Values
    }

    It 'rejects an unknown activation with the valid names' {
        { New-ParityNetwork -Activation Softmax } | Should -Throw -ExpectedMessage '*Sigmoid*Tanh*ReLU*'
    }
}
