namespace ParityNet.Commands;

internal static partial class Serialized
{
    private static TrainingHistory ReadHistory(Bag bag)
    {
        var s = bag.Object("Settings");
        var settings = new TrainingOptions
        {
            Optimizer = s.Enum<OptimizerKind>("Optimizer"),
            Alpha = s.NullableDouble("Alpha"),
            Loss = s.Enum<LossFunction>("Loss"),
            Epochs = s.Int("Epochs"),
            BatchSize = s.Value("BatchSize") is { IsNull: false } b ? b.AsInt() : null,
            Momentum = s.Double("Momentum"),
            Nesterov = s.Bool("Nesterov"),
            Beta1 = s.Double("Beta1"),
            Beta2 = s.Double("Beta2"),
            Epsilon = s.NullableDouble("Epsilon"),
            Seed = s.Value("Seed") is { IsNull: false } seed ? seed.AsLong() : null,
            SampleSize = s.Int("SampleSize"),
            TargetAccuracy = s.NullableDouble("TargetAccuracy"),
            TargetLoss = s.NullableDouble("TargetLoss"),
            ReportInterval = s.Value("ReportInterval").AsTimeSpan(),
        };
        TrainingHistory history;
        try
        {
            history = TrainingHistory.Restore(
                bag.String("Optimizer"), settings, bag.Int("EpochsRun"),
                bag.Ints("RecordedEpochs"),
                bag.Doubles("Loss"),
                bag.Doubles("Accuracy"),
                bag.Double("FinalLoss"), bag.Double("FinalAccuracy"), bag.Value("WallTime").AsTimeSpan(),
                bag.Enum<StopReason>("StopReason"),
                bag.Value("BatchSize") is { IsNull: false } batch ? batch.AsInt() : null,
                bag.Bool("Sampled"));
        }
        catch (ArgumentException ex)
        {
            string field = ex.ParamName is { Length: > 0 } p ? char.ToUpperInvariant(p[0]) + p[1..] : "";
            string message = ex.InnerException is ParityNetException inner ? inner.Message : ex.Message;
            int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            throw Invalid(bag.Path(field), cut > 0 ? message[..cut] : message);
        }
        bag.Same("Alpha", history.Alpha, v => v.AsDouble());
        bag.Same("LossFunction", history.LossFunction, v => v.AsEnum<LossFunction>());
        bag.Same("EpochsRequested", history.EpochsRequested, v => v.AsInt());
        return history;
    }
}
