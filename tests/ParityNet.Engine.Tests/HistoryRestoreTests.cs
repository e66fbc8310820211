namespace ParityNet.Tests;

/// <summary>TrainingHistory.Restore, what rehydration after a serializer builds on: the same history
/// back from its own values, and each inconsistency named by its parameter.</summary>
public class HistoryRestoreTests
{
    private static readonly TrainingHistory s_trained = Trainer.Train(
        ParityNetwork.Create(new NetworkSpec { Bits = 4 }), new TrainingOptions { Epochs = 40, Optimizer = OptimizerKind.Adam, BatchSize = 4 }).History!;

    private static TrainingHistory Restore(TrainingHistory h, IReadOnlyList<int>? epochs = null, IReadOnlyList<double>? loss = null,
        IReadOnlyList<double>? accuracy = null, int? epochsRun = null, TrainingOptions? settings = null) =>
        TrainingHistory.Restore(h.Optimizer, settings ?? h.Settings, epochsRun ?? h.EpochsRun, epochs ?? h.RecordedEpochs, loss ?? h.Loss,
            accuracy ?? h.Accuracy, h.FinalLoss, h.FinalAccuracy, h.WallTime, h.StopReason, h.BatchSize, h.Sampled);

    [Fact]
    public void Restore_OfAHistorysOwnValues_GivesTheSameHistory()
    {
        var back = Restore(s_trained);
        Assert.Equal(s_trained.Settings, back.Settings);
        Assert.Equal(s_trained.RecordedEpochs, back.RecordedEpochs);
        Assert.Equal(s_trained.Loss.Select(BitConverter.DoubleToInt64Bits), back.Loss.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(s_trained.Accuracy, back.Accuracy);
        Assert.Equal(s_trained.ToString(), back.ToString());
        Assert.Equal(s_trained.BatchSize, back.BatchSize);
        Assert.Equal(s_trained.Alpha, back.Alpha);
    }

    [Fact]
    public void Restore_NamesTheInconsistentValue()
    {
        Assert.Equal("loss", Assert.ThrowsAny<ArgumentException>(() => Restore(s_trained, loss: s_trained.Loss.Skip(1).ToArray())).ParamName);
        Assert.Equal("accuracy", Assert.ThrowsAny<ArgumentException>(() => Restore(s_trained, accuracy: s_trained.Accuracy.Select(a => a + 2).ToArray())).ParamName);
        Assert.Equal("recordedEpochs", Assert.ThrowsAny<ArgumentException>(() => Restore(s_trained, epochs: s_trained.RecordedEpochs.Reverse().ToArray())).ParamName);
        Assert.Equal("epochsRun", Assert.ThrowsAny<ArgumentException>(() => Restore(s_trained, epochsRun: s_trained.Settings.Epochs + 1)).ParamName);
        Assert.Equal("settings", Assert.ThrowsAny<ArgumentException>(() => Restore(s_trained, settings: s_trained.Settings with { Alpha = -1 })).ParamName);
    }
}
