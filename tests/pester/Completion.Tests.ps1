BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    function Get-Completions([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

Describe 'Tab completion of enum-like parameters' {
    It '<Line> completes to <Expected>' -TestCases @(
        @{ Line = 'New-ParityNetwork -Task '; Expected = @('BitParity', 'Even', 'SparseParity') }
        @{ Line = 'New-ParityNetwork -Activation '; Expected = @('ReLU', 'Sigmoid', 'Tanh') }
        @{ Line = 'New-ParityNetwork -Initialization '; Expected = @('He', 'PyTorch', 'Uniform', 'Xavier') }
        @{ Line = 'Invoke-NetworkTraining -Optimizer '; Expected = @('AdaGrad', 'Adam', 'GradientDescent', 'Momentum', 'Sgd') }
        @{ Line = 'Invoke-NetworkTraining -Loss '; Expected = @('CrossEntropy', 'Hinge', 'MeanSquaredError') }
    ) {
        param($Line, $Expected)
        @(Get-Completions $Line | Sort-Object) | Should -Be $Expected
    }

    It 'completes a prefix: -Optimizer Ad gives AdaGrad and Adam' {
        @(Get-Completions 'Invoke-NetworkTraining -Optimizer Ad' | Sort-Object) | Should -Be @('AdaGrad', 'Adam')
    }

    It 'takes what it completes, case-insensitively' {
        (New-ParityNetwork -Bits 3 -Task bitparity -Activation tanh).Task | Should -Be ([ParityNet.ParityTask]::BitParity)
    }

    It 'no string parameter takes a fixed set of words without completing them' {
        # Every parameter with a fixed set of values is an enum (completed by PowerShell) or has a ValidateSet/ArgumentCompleter.
        foreach ($command in Get-Command -Module ParityNet) {
            foreach ($parameter in $command.Parameters.Values) {
                if ($parameter.ParameterType -ne [string] -or $parameter.Name -in [System.Management.Automation.PSCmdlet]::CommonParameters) { continue }
                $parameter.Name | Should -BeIn @('Path', 'OnnxPath', 'Title', 'ResultPath', 'ModulePath') -Because "$($command.Name) -$($parameter.Name) is a free string (a path or a title), else it needs a completer"
            }
        }
    }
}
