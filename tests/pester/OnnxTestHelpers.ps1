# Shared by the ONNX Pester files. The session's current network is per runspace and Pester runs
# every file in one runspace, so steps that train (and so set the current network) run in a
# separate runspace of this process: other files never see a network these tests made.
function Invoke-InFreshRunspace {
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock, [object[]] $ArgumentList = @(), [switch] $AllowErrors)
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddCommand('Import-Module').AddParameter('Name', $env:PARITYNET_MANIFEST).AddStatement()
        $null = $ps.AddScript($ScriptBlock.ToString())
        foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
        $output = $ps.Invoke()
        if ($ps.HadErrors -and -not $AllowErrors) { throw "The fresh runspace reported errors: $($ps.Streams.Error -join '; ')" }
        $output | ForEach-Object { $_ }
    }
    finally {
        $ps.Dispose()
    }
}

# A trained network, made without touching this runspace's current network.
function New-TrainedNetwork {
    param([int] $Bits = 4, [int[]] $HiddenSize = @(4), [switch] $NoBias, [int] $Epochs = 1000)
    Invoke-InFreshRunspace {
        param($Bits, $HiddenSize, $NoBias, $Epochs)
        New-ParityNetwork -Bits $Bits -HiddenSize $HiddenSize -NoBias:$NoBias | Invoke-NetworkTraining -Alpha 0.5 -Epochs $Epochs
    } -ArgumentList $Bits, $HiddenSize, $NoBias.IsPresent, $Epochs
}
