BeforeAll { Import-Module $env:PARITYNET_MANIFEST }

Describe 'Get-ParityNetwork' {
    It 'has no current network in a new session: a named non-terminating error' {
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:PARITYNET_MANIFEST'; Get-ParityNetwork; 'after'")
            $out = $ps.Invoke()
            $out | Should -Be @('after')
            $ps.Streams.Error.Count | Should -Be 1
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'ParityNet.NoCurrentNetwork,*'
            $ps.Streams.Error[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        finally { $ps.Dispose() }
    }

    It 'returns the network the last training made' {
        $trained = New-ParityNetwork -Seed 3 | Invoke-NetworkTraining -Epochs 20
        $current = Get-ParityNetwork
        [object]::ReferenceEquals($current, $trained) | Should -BeTrue
    }

    It 'returns the trained built-in default with -Default' {
        $default = Get-ParityNetwork -Default
        $default.IsTrained | Should -BeTrue
        $default.LayerSizes | Should -Be @(8, 4, 1)
        $default.History.FinalAccuracy | Should -Be 1
    }

    It 'keeps one current network per runspace' {
        $mine = New-ParityNetwork -Seed 4 | Invoke-NetworkTraining -Epochs 5
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:PARITYNET_MANIFEST'; New-ParityNetwork -Seed 9 | Invoke-NetworkTraining -Epochs 5 | Out-Null; (Get-ParityNetwork).Seed")
            $ps.Invoke() | Should -Be @(9)
        }
        finally { $ps.Dispose() }
        (Get-ParityNetwork).Seed | Should -Be 4
    }
}
