# The command line that starts a fresh pwsh like this one. The repository's pwsh is a local dotnet tool, which
# runs as 'dotnet pwsh.dll': the process alone would start dotnet, not PowerShell. Dot-source it; used by
# build.ps1 and the test helpers that start a child pwsh.
function Get-PwshCommandLine {
    $process = [Environment]::ProcessPath
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if ((Split-Path $process -Leaf) -like 'dotnet*' -and (Test-Path $dll)) { return @($process, $dll) }
    return @($process)
}
