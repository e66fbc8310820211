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
        // The curves first: reading them counts against the input's budget before anything is checked against them.
        var recordedEpochs = bag.Ints("RecordedEpochs");
        var lossCurve = bag.Doubles("Loss");
        var accuracyCurve = bag.Doubles("Accuracy");
        var progress = ReadHiddenProgress(bag, recordedEpochs.Length);
        // The optimizer's name is the one its settings hold (what training writes): another would travel on into ONNX
        // metadata, where it is refused.
        string optimizer = settings.Optimizer.ToString();
        bag.Same("Optimizer", optimizer, v => v.AsString() is var text && string.Equals(text, optimizer, StringComparison.OrdinalIgnoreCase) ? optimizer : text);
        TrainingHistory history;
        try
        {
            history = TrainingHistory.Restore(
                optimizer, settings, bag.Int("EpochsRun"),
                recordedEpochs,
                lossCurve,
                accuracyCurve,
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

    // A history's hidden-progress measures (issue 28): absent in one kept by an older version, and left out, not refused,
    // when ConvertTo-Json's depth cut every one of its lists to text (the default depth of 2 does; -Depth 6 keeps them).
    private static HiddenProgress? ReadHiddenProgress(Bag bag, int records)
    {
        if (!bag.Has("HiddenProgress") || bag.Value("HiddenProgress") is not { IsNull: false } hp) return null;
        if (hp.IsText) return null;
        var h = hp.AsBag();
        string[] lists = ["SupportBits", "ControlBits", "DriftMax", "DriftSum", "SupportWeightMax", "OtherWeightMax", "SupportMovement", "ControlMovement"];
        if (lists.All(name => h.Has(name) && h.Value(name).IsText)) return null;
        try
        {
            return HiddenProgress.Restore(records, h.Ints("SupportBits"), h.Ints("ControlBits"), h.Doubles("DriftMax"), h.Doubles("DriftSum"),
                h.Doubles("SupportWeightMax"), h.Doubles("OtherWeightMax"), h.Doubles("SupportMovement"), h.Doubles("ControlMovement"));
        }
        catch (ArgumentException ex)
        {
            string field = ex.ParamName is { Length: > 0 } name ? char.ToUpperInvariant(name[0]) + name[1..] : "";
            int cut = ex.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            throw Invalid(h.Path(field), cut > 0 ? ex.Message[..cut] : ex.Message);
        }
    }
}
