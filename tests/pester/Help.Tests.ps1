BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters
}

Describe 'Help for every cmdlet' {
    $cases = (Import-PowerShellDataFile $env:PARITYNET_MANIFEST).CmdletsToExport | ForEach-Object { @{ Name = $_ } }

    It '<Name> has a synopsis and a description from the MAML' -TestCases $cases {
        param($Name)
        $help = Get-Help $Name -Full
        # Without MAML, Get-Help makes the synopsis from the syntax.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + ' \[')
        ($help.description.Text -join ' ').Length | Should -BeGreaterThan 100
    }

    It '<Name> documents every parameter' -TestCases $cases {
        param($Name)
        $command = Get-Command $Name
        $parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $script:common })
        $parameters.Count | Should -BeGreaterThan 0
        foreach ($parameter in $parameters) {
            $text = (Get-Help $Name -Parameter $parameter).description.Text -join ' '
            $text | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs help"
        }
    }

    It '<Name> has at least two examples with code' -TestCases $cases {
        param($Name)
        $examples = @((Get-Help $Name -Examples).examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) { $example.code | Should -Match $Name.Split('-')[0] -Because 'an example runs real commands' }
        @($examples.code | Where-Object { $_ -match [regex]::Escape($Name) }).Count | Should -BeGreaterOrEqual 2
    }

    It '<Name> says what each example does' -TestCases $cases {
        param($Name)
        foreach ($example in @((Get-Help $Name -Examples).examples.example)) {
            ($example.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title.Trim('- ')) of $Name needs a description"
        }
    }

    It '<Name> names its input and output types' -TestCases $cases {
        param($Name)
        $help = Get-Help $Name -Full
        @($help.returnValues.returnValue).Count | Should -BeGreaterOrEqual 1
        $declared = (Get-Command $Name).OutputType.Name
        $declared | Should -Not -BeNullOrEmpty
        ($help.returnValues.returnValue.type.name -join ' ') | Should -Match ([regex]::Escape(($declared -split '\.')[-1]))
    }
}

Describe 'about_ParityNet' {
    It 'is found by Get-Help and explains the lesson' {
        $text = Get-Help about_ParityNet | Out-String
        $text | Should -Match 'TOPIC\s+about_ParityNet'
        foreach ($word in 'bits', 'sigmoid', 'weighted error', 'synapse', 'backpropagation', 'alpha') {
            $text | Should -Match $word -Because "the page explains $word"
        }
    }
}
