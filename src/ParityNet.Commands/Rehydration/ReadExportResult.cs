namespace ParityNet.Commands;

internal static partial class Serialized
{
    private static OnnxExportResult ReadExportResult(Bag bag)
    {
        var networkValue = bag.Value("Network");
        var network = networkValue.IsNull ? null : Network(networkValue.AsBag());
        double maxDiff = bag.Double("MaxAbsDifference");
        if (!(maxDiff >= 0)) throw Invalid(bag.Path("MaxAbsDifference"), "is not a difference ≥ 0");
        long NonNegative(string name) => bag.Long(name) is var v && v >= 0 ? v : throw Invalid(bag.Path(name), "is negative");
        double tolerance = bag.Has("Tolerance") ? bag.Double("Tolerance") : OnnxExporter.ToleranceFloor;
        if (!(tolerance > 0 && double.IsFinite(tolerance))) throw Invalid(bag.Path("Tolerance"), "is not a positive tolerance");
        return new OnnxExportResult(bag.String("Path"), NonNegative("Opset"), NonNegative("IrVersion"), NonNegative("Bytes"),
            NonNegative("InputsCompared"), maxDiff, network) { Tolerance = tolerance };
    }
}
