# The pictures in docs/ come from a committed script (tools/Pictures.ps1) that runs the commands the docs show (and draws
# the sparse-parity sweep's charts from its committed result file): run again, it makes the same pictures, at the sizes committed.
BeforeAll {
    $script:root = Split-Path $env:PARITYNET_MANIFEST
    $script:made = @(& (Join-Path $root 'tools/Pictures.ps1') -ManifestPath $env:PARITYNET_MANIFEST -DocsPath (Join-Path $TestDrive 'docs'))
}

Describe 'tools/Pictures.ps1' {
    It 'makes every picture under docs/, and only those' {
        $committed = @(Get-ChildItem (Join-Path $root 'docs') -Recurse -Filter *.png | ForEach-Object { [IO.Path]::GetRelativePath($root, $_.FullName).Replace('\', '/') })
        @($made.Path | Sort-Object) | Should -Be @($committed | Sort-Object)
    }

    It '<_> is made at the size the commands give, the same bytes as the committed picture' -ForEach @('docs/lesson/network.png', 'docs/lesson/six.png', 'docs/lesson/alpha-sweep.png', 'docs/hidden-progress/chart.png',
        'docs/sparse-parity/steps-vs-n.png', 'docs/sparse-parity/steps-vs-width.png') {
        $picture = $made | Where-Object Path -eq $_
        # Export-TrainingChart's defaults (900 high with -Show HiddenProgress), BarakSweep.ps1's two sizes, and Export-NetworkDiagram's
        $expected = if ($_ -like '*alpha-sweep*') { 800, 500 } elseif ($_ -like '*hidden-progress*') { 800, 900 }
        elseif ($_ -like '*steps-vs-n*') { 1000, 720 } elseif ($_ -like '*steps-vs-width*') { 900, 620 } else { 1000, 700 }
        $picture.Width, $picture.Height | Should -Be $expected
        $fresh = [IO.File]::ReadAllBytes((Join-Path $TestDrive $_))
        $committed = [IO.File]::ReadAllBytes((Join-Path $root $_))
        (Get-FileHash -InputStream ([IO.MemoryStream]::new($fresh))).Hash |
            Should -Be (Get-FileHash -InputStream ([IO.MemoryStream]::new($committed))).Hash -Because "$_ is remade by tools/Pictures.ps1 after a change to the pictures"
    }
}
