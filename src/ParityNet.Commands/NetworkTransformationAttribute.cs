using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Lets a -Network parameter take what a pipeline naturally carries: a network, a training history
/// (its network), or Export-NetworkOnnx's result (the network it wrote). Anything else is passed on
/// unchanged, so that the binder reports it or tries the next parameter.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class NetworkTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => ToNetwork(inputData) ?? inputData;

    /// <summary>The network <paramref name="input"/> is or carries, else null.</summary>
    public static ParityNetwork? ToNetwork(object? input) =>
        (input is PSObject pso ? pso.BaseObject : input) switch
        {
            ParityNetwork network => network,
            TrainingHistory history => history.Owner,
            OnnxExportResult result => result.Network,
            _ => null,
        };
}
