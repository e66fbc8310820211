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
            // Settings added with issue 28; a history kept by an older version has none of them.
            HeldOutSize = s.Has("HeldOutSize") && s.Value("HeldOutSize") is { IsNull: false } held ? held.AsInt() : null,
            CheckEvery = s.Has("CheckEvery") && s.Value("CheckEvery") is { IsNull: false } every ? every.AsInt() : null,
            WeightDecay = s.Has("WeightDecay") ? s.Double("WeightDecay") : 0,
            RandomLabels = s.Has("RandomLabels") && s.Bool("RandomLabels"),
        };
        int? stepsPerEpoch = bag.Has("StepsPerEpoch") && bag.Value("StepsPerEpoch") is { IsNull: false } spe ? spe.AsInt() : null;
        HiddenProgress? progress = null;
        int records = bag.List("RecordedEpochs").Count;
        if (bag.Has("HiddenProgress") && bag.Value("HiddenProgress") is { IsNull: false } hp)
        {
            if (hp.IsText) throw Invalid(bag.Path("HiddenProgress"), "is cut to text; use ConvertTo-Json -Depth 6");
            var h = hp.AsBag();
            try
            {
                progress = HiddenProgress.Restore(records, h.Ints("SupportBits"), h.Ints("ControlBits"), h.Doubles("DriftMax"), h.Doubles("DriftSum"),
                    h.Doubles("SupportWeightMax"), h.Doubles("OtherWeightMax"), h.Doubles("SupportMovement"), h.Doubles("ControlMovement"));
            }
            catch (ArgumentException ex)
            {
                string field = ex.ParamName is { Length: > 0 } name ? char.ToUpperInvariant(name[0]) + name[1..] : "";
                int cut = ex.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
                throw Invalid(h.Path(field), cut > 0 ? ex.Message[..cut] : ex.Message);
            }
        }
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
                bag.Bool("Sampled"), stepsPerEpoch, progress);
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
        if (bag.Has("StepsRun")) bag.Same("StepsRun", history.StepsRun, v => v.IsNull ? null : v.AsLong());
        return history;
    }
}
