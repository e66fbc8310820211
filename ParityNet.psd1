@{
    RootModule           = 'module/bin/ParityNet.Commands.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f6b1c7e-2a1d-4d8e-9b7a-5c4e0f9a1d22'
    Author               = 'ParityNet contributors'
    CompanyName          = 'ParityNet'
    Copyright            = '(c) ParityNet contributors. MIT License.'
    Description          = 'Train small sigmoid neural networks from scratch on integers as bit vectors (even/odd, N-bit parity), with a compiled C# engine.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    CmdletsToExport      = @('New-ParityNetwork', 'Invoke-NetworkTraining', 'Test-Parity', 'Get-ParityNetwork', 'Export-NetworkOnnx', 'Import-NetworkOnnx')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('NeuralNetwork', 'MachineLearning', 'Parity', 'Backpropagation', 'Teaching')
        }
    }
}
