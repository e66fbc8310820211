<#
.SYNOPSIS
    Runs the Pester suite in this (fresh) process against the built module and saves the counts.
    Called by build.ps1 Test; binary modules cannot be unloaded, so never run it in the build's session.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultPath
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterPath -Force
# The tests import the module themselves from this path.
$env:PARITYNET_MANIFEST = $ManifestPath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $configuration

[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount + $result.InconclusiveCount   # an inconclusive test checked nothing: not a pass
} | ConvertTo-Json | Set-Content -Path $ResultPath -Encoding utf8
