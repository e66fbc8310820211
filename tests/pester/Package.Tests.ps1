# The package built by build.ps1 Package, installed with PowerShell's own tooling from a local folder
# repository, in a temporary scope: HOME and XDG_DATA_HOME point into TestDrive, so the repository
# registration and the CurrentUser install never touch the real profile, and a fresh pwsh then
# imports ParityNet by name from there, from a folder outside the repository.
BeforeAll {
    $manifest = Import-PowerShellDataFile $env:PARITYNET_MANIFEST
    $script:version = $manifest.ModuleVersion
    $script:repoRoot = Split-Path $env:PARITYNET_MANIFEST
    $script:nupkg = Join-Path $script:repoRoot "out/ParityNet.$($script:version).nupkg"
    . "$PSScriptRoot/../../tools/PwshCommand.ps1"

    function Invoke-IsolatedPwsh([string] $Script, [string] $HomePath) {
        $pwsh = @(Get-PwshCommandLine)
        $process = $pwsh[0]
        [string[]] $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Script)
        $saved = @{}
        foreach ($name in 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath', 'PARITYNET_MANIFEST') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        try {
            $env:HOME = $HomePath
            $env:XDG_DATA_HOME = Join-Path $HomePath '.local/share'
            $env:XDG_CONFIG_HOME = Join-Path $HomePath '.config'
            $env:XDG_CACHE_HOME = Join-Path $HomePath '.cache'
            $env:PSModulePath = $null
            $env:PARITYNET_MANIFEST = $null
            # Started inside the temporary home: PSResourceGet writes a PSResourceGet folder relative to
            # the working directory (seen on Linux), which must not land in the repository.
            Push-Location $HomePath
            try { $output = & $process @arguments 2>&1 } finally { Pop-Location }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

Describe 'The ParityNet package' {
    It 'was built by build.ps1 Package' {
        Test-Path $script:nupkg | Should -BeTrue -Because 'build.ps1 Test runs Package first'
    }

    It 'installs from a local repository with Install-PSResource, imports by name in a new session and runs the design''s pipeline' {
        $homeDir = Join-Path $TestDrive 'home'
        $repo = Join-Path $TestDrive 'repo'
        $work = Join-Path $TestDrive 'work'
        New-Item -ItemType Directory $homeDir, $repo, $work | Out-Null
        Copy-Item $script:nupkg $repo

        $install = Invoke-IsolatedPwsh -HomePath $homeDir -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name local -Uri '$repo' -Trusted
try {
    Install-PSResource ParityNet -Repository local -Scope CurrentUser -Version '$($script:version)'
    (Get-InstalledPSResource ParityNet).InstalledLocation
}
finally {
    Unregister-PSResourceRepository -Name local
}
if (Get-PSResourceRepository -Name local -ErrorAction SilentlyContinue) { throw 'the repository is still registered' }
'INSTALLED'
"@
        $install.Output | Should -Match 'INSTALLED'
        $install.ExitCode | Should -Be 0
        $install.Output | Should -Match ([regex]::Escape($homeDir))

        $run = Invoke-IsolatedPwsh -HomePath $homeDir -Script @"
`$ErrorActionPreference = 'Stop'
`$PSStyle.OutputRendering = 'PlainText'
Set-Location '$work'
Import-Module ParityNet
`$module = Get-Module ParityNet
"BASE=`$(`$module.ModuleBase)"
"VERSION=`$(`$module.Version)"
New-ParityNetwork | Invoke-NetworkTraining -Alpha 0.5 | Out-Null
`$p = 0..15 | Test-Parity
"CORRECT=`$(@(`$p | Where-Object Correct).Count)"
"SYNOPSIS=`$((Get-Help Test-Parity).Synopsis)"
"ABOUT=`$((Get-Help about_ParityNet | Out-String) -match 'backpropagation')"
`$r = Export-NetworkOnnx ./m.onnx
"ONNX=`$(`$r.InputsCompared)"
`$f = Export-TrainingChart ./loss.png -Width 320 -Height 240
"CHART=`$(`$f.Length)"
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "BASE=$([regex]::Escape($homeDir))"
        $run.Output | Should -Not -Match "BASE=$([regex]::Escape($script:repoRoot))"
        $run.Output | Should -Match "VERSION=$([regex]::Escape($script:version))"
        $run.Output | Should -Match 'CORRECT=16'
        $run.Output | Should -Match 'SYNOPSIS=Asks a network about integers'
        $run.Output | Should -Match 'ABOUT=True'
        $run.Output | Should -Match 'ONNX=256'
        $run.Output | Should -Match 'CHART=\d{4,}'
    }

    It 'carries the native libraries where the .NET resolvers look, for linux-x64, win-x64 and osx-arm64' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:nupkg)
        try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        foreach ($file in 'ParityNet.psd1', 'ParityNet.format.ps1xml', 'en-US/about_ParityNet.help.txt', 'en-US/ParityNet.Commands.dll-Help.xml',
            'bin/ParityNet.Commands.dll', 'bin/runtimes/linux-x64/native/libonnxruntime.so', 'bin/runtimes/linux-x64/native/libSkiaSharp.so',
            'bin/runtimes/win-x64/native/onnxruntime.dll', 'bin/runtimes/win-x64/native/libSkiaSharp.dll',
            'bin/runtimes/osx-arm64/native/libonnxruntime.dylib', 'bin/runtimes/osx/native/libSkiaSharp.dylib') {
            $entries | Should -Contain $file
        }
    }
}

Describe 'The manifest' {
    It 'passes Test-ModuleManifest and states what a gallery needs' {
        $info = Test-ModuleManifest $env:PARITYNET_MANIFEST
        $data = Import-PowerShellDataFile $env:PARITYNET_MANIFEST
        $data.CmdletsToExport | Should -Contain 'Export-TrainingChart'
        $data.CmdletsToExport | Should -Contain 'Trace-ParityNetwork'
        $data.CmdletsToExport | Should -Contain 'Export-NetworkDiagram'
        $data.CmdletsToExport | Should -Contain 'Invoke-ParitySweep'
        $data.CmdletsToExport | Should -Contain 'Measure-ParitySweep'
        $data.CmdletsToExport.Count | Should -Be 11
        $data.FunctionsToExport.Count | Should -Be 0
        $data.PowerShellVersion | Should -Not -BeNullOrEmpty
        $data.CompatiblePSEditions | Should -Be @('Core')
        $info.Description | Should -Not -BeNullOrEmpty
        $data.PrivateData.PSData.Tags.Count | Should -BeGreaterThan 3
        $data.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $data.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        Test-Path (Join-Path $script:repoRoot 'LICENSE') | Should -BeTrue
        foreach ($format in $data.FormatsToProcess) { Test-Path (Join-Path $script:repoRoot $format) | Should -BeTrue }
    }
}
