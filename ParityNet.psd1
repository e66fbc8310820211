@{
    RootModule           = 'module/bin/ParityNet.Commands.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f6b1c7e-2a1d-4d8e-9b7a-5c4e0f9a1d22'
    Author               = 'ParityNet contributors'
    CompanyName          = 'ParityNet'
    Copyright            = '(c) ParityNet contributors. MIT License.'
    Description          = 'Train small sigmoid neural networks from scratch on integers as bit vectors (even/odd, N-bit parity), with a compiled C# engine; export them to ONNX and chart their training.'
    # 7.5: ConvertTo-Json writes a [bigint] (a prediction's Number) as a number from 7.5 on; 7.4 (out of support since
    # November 2026) wrote its properties instead. Tested on 7.6.9, the pinned tool.
    PowerShellVersion    = '7.5'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('module/ParityNet.format.ps1xml')
    # Loaded before the types file, which names their types (TargetTypeForDeserialization).
    RequiredAssemblies   = @('module/bin/ParityNet.Engine.dll', 'module/bin/ParityNet.Onnx.dll', 'module/bin/ParityNet.Commands.dll')
    TypesToProcess       = @('module/ParityNet.types.ps1xml')
    CmdletsToExport      = @('New-ParityNetwork', 'Invoke-NetworkTraining', 'Test-Parity', 'Get-ParityNetwork', 'Export-NetworkOnnx', 'Import-NetworkOnnx', 'Export-TrainingChart', 'Trace-ParityNetwork', 'Export-NetworkDiagram', 'Invoke-ParitySweep', 'Measure-ParitySweep')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('NeuralNetwork', 'MachineLearning', 'Parity', 'Backpropagation', 'Teaching', 'ONNX', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri = 'https://github.com/paritynet/ParityNet'
            LicenseUri = 'https://github.com/paritynet/ParityNet/blob/main/LICENSE'
        }
    }
}
