using System.Collections.ObjectModel;

namespace ParityNet;

/// <summary>Why a training run stopped.</summary>
public enum StopReason
{
    /// <summary>All requested epochs ran.</summary>
    EpochsDone,
    /// <summary>The target accuracy or loss was reached.</summary>
    TargetReached,
    /// <summary>The run was cancelled (Ctrl+C); the last finished epoch is kept.</summary>
    Cancelled,
    /// <summary>The loss or weights stopped being finite; the last finite weights are kept.</summary>
    Diverged,
}

/// <summary>What happened in one training run.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(string optimizer, TrainingOptions options, int epochsRun, IList<int> epochs,
        IList<double> loss, IList<double> accuracy, double finalLoss, double finalAccuracy, TimeSpan wallTime, StopReason stopReason,
        int? batchSize = null, bool sampled = false, int? stepsPerEpoch = null, HiddenProgress? hiddenProgress = null)
    {
        StepsPerEpoch = stepsPerEpoch;
        HiddenProgress = hiddenProgress;
        Optimizer = optimizer;
        Settings = options;
        Alpha = options.EffectiveAlpha;
        LossFunction = options.Loss;
        BatchSize = batchSize;
        Sampled = sampled;
        EpochsRequested = options.Epochs;
        TargetAccuracy = options.TargetAccuracy;
        TargetLoss = options.TargetLoss;
        EpochsRun = epochsRun;
        RecordedEpochs = new ReadOnlyCollection<int>(epochs);
        Loss = new ReadOnlyCollection<double>(loss);
        Accuracy = new ReadOnlyCollection<double>(accuracy);
        FinalLoss = finalLoss;
        FinalAccuracy = finalAccuracy;
        WallTime = wallTime;
        StopReason = stopReason;
    }

    /// <summary>A history that holds only a run's summary: its settings and final epoch, recorded once.
    /// For a network whose curves were not kept, such as one read back from an ONNX file.</summary>
    /// <exception cref="ArgumentException">a value is outside its range.</exception>
    public static TrainingHistory FromSummary(string optimizer, TrainingOptions options, int epochsRun,
        double finalLoss, double finalAccuracy, TimeSpan wallTime, StopReason stopReason) =>
        Restore(optimizer, options, epochsRun, new[] { epochsRun }, new[] { finalLoss }, new[] { finalAccuracy },
            finalLoss, finalAccuracy, wallTime, stopReason, batchSize: null, sampled: false);

    /// <summary>A whole history with its curves, as a serializer kept it (Import-Clixml, Receive-Job, JSON).
    /// Every value is checked; the first that cannot belong to a training run is named.</summary>
    /// <exception cref="ArgumentException">a value is outside its range or the curves differ in length;
    /// <see cref="ArgumentException.ParamName"/> names it.</exception>
    public static TrainingHistory Restore(string optimizer, TrainingOptions settings, int epochsRun,
        IReadOnlyList<int> recordedEpochs, IReadOnlyList<double> loss, IReadOnlyList<double> accuracy,
        double finalLoss, double finalAccuracy, TimeSpan wallTime, StopReason stopReason, int? batchSize, bool sampled,
        int? stepsPerEpoch = null, HiddenProgress? hiddenProgress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(optimizer);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(recordedEpochs);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(accuracy);
        try
        {
            settings.Validate();
        }
        catch (ParityNetException ex)
        {
            throw new ArgumentException(ex.Message, nameof(settings), ex);
        }
        ArgumentOutOfRangeException.ThrowIfNegative(epochsRun);
        if (epochsRun > settings.Epochs)
            throw new ArgumentOutOfRangeException(nameof(epochsRun), epochsRun, $"more epochs ran than the {settings.Epochs} asked for.");
        if (loss.Count != recordedEpochs.Count)
            throw new ArgumentException($"{loss.Count} loss values for {recordedEpochs.Count} recorded epochs.", nameof(loss));
        if (accuracy.Count != recordedEpochs.Count)
            throw new ArgumentException($"{accuracy.Count} accuracy values for {recordedEpochs.Count} recorded epochs.", nameof(accuracy));
        for (int i = 0; i < recordedEpochs.Count; i++)
        {
            if (recordedEpochs[i] < 0 || recordedEpochs[i] > epochsRun || i > 0 && recordedEpochs[i] <= recordedEpochs[i - 1])
                throw new ArgumentOutOfRangeException(nameof(recordedEpochs), recordedEpochs[i], $"recorded epoch {i} is {recordedEpochs[i]}; epochs must rise from 0 to {epochsRun}.");
            if (double.IsNegative(loss[i]) && !double.IsNaN(loss[i]))
                throw new ArgumentOutOfRangeException(nameof(loss), loss[i], $"loss value {i} is negative.");
            if (!(accuracy[i] >= 0 && accuracy[i] <= 1))
                throw new ArgumentOutOfRangeException(nameof(accuracy), accuracy[i], $"accuracy value {i} is outside 0 to 1.");
        }
        if (double.IsNegative(finalLoss) && !double.IsNaN(finalLoss))
            throw new ArgumentOutOfRangeException(nameof(finalLoss), finalLoss, "the final loss is negative.");
        if (!(finalAccuracy >= 0 && finalAccuracy <= 1))
            throw new ArgumentOutOfRangeException(nameof(finalAccuracy), finalAccuracy, "accuracy must be 0 to 1.");
        if (wallTime < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(wallTime), wallTime, "wall time must not be negative.");
        if (!Enum.IsDefined(stopReason))
            throw new ArgumentOutOfRangeException(nameof(stopReason), stopReason, "unknown stop reason.");
        if (batchSize is < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch holds at least one row.");
        if (stepsPerEpoch is < 1)
            throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, "an epoch takes at least one step.");
        if (hiddenProgress is not null && hiddenProgress.DriftMax.Count != recordedEpochs.Count)
            throw new ArgumentException($"{hiddenProgress.DriftMax.Count} hidden-progress records for {recordedEpochs.Count} recorded epochs.", nameof(hiddenProgress));
        return new TrainingHistory(optimizer, settings, epochsRun, recordedEpochs.ToArray(), loss.ToArray(), accuracy.ToArray(),
            finalLoss, finalAccuracy, wallTime, stopReason, batchSize, sampled, stepsPerEpoch, hiddenProgress);
    }

    /// <summary>Updates (steps) per epoch: 1 for full-batch gradient descent, one per mini-batch otherwise, and with
    /// CheckEvery the steps between checks. Null when not known (a history kept by an older version).</summary>
    public int? StepsPerEpoch { get; }

    /// <summary>How many updates (steps) ran: <see cref="EpochsRun"/> × <see cref="StepsPerEpoch"/>.</summary>
    public long? StepsRun => StepsPerEpoch is int s ? (long)EpochsRun * s : null;

    /// <summary>The step of each recorded value: <see cref="RecordedEpochs"/> × <see cref="StepsPerEpoch"/> (empty when not known).</summary>
    public IReadOnlyList<long> RecordedSteps => StepsPerEpoch is int s ? RecordedEpochs.Select(e => (long)e * s).ToArray() : Array.Empty<long>();

    /// <summary>The first layer's hidden-progress measures at each recorded epoch (see <see cref="ParityNet.HiddenProgress"/>);
    /// null when not known (a history from an ONNX file or an older version).</summary>
    public HiddenProgress? HiddenProgress { get; }

    /// <summary>The optimizer, e.g. GradientDescent.</summary>
    public string Optimizer { get; }

    /// <summary>Every setting of the run, optimizer parameters included.</summary>
    public TrainingOptions Settings { get; }

    /// <summary>The learning rate.</summary>
    public double Alpha { get; }

    /// <summary>What was minimised; <see cref="Loss"/> holds its values.</summary>
    public LossFunction LossFunction { get; }

    /// <summary>Rows per update, when known.</summary>
    public int? BatchSize { get; }

    /// <summary>Whether the input was too wide to enumerate: training drew seeded samples, and loss and
    /// accuracy were measured on a held-out seeded sample.</summary>
    public bool Sampled { get; }

    /// <summary>The most epochs asked for.</summary>
    public int EpochsRequested { get; }

    /// <summary>The accuracy target, if any.</summary>
    public double? TargetAccuracy { get; }

    /// <summary>The loss target, if any.</summary>
    public double? TargetLoss { get; }

    /// <summary>How many epochs (passes over the data) ran; an epoch makes one weight update with
    /// gradient descent, one per mini-batch with the other optimizers.</summary>
    public int EpochsRun { get; }

    /// <summary>The epochs at which loss and accuracy were recorded (each value is measured before that epoch's update).
    /// Every epoch up to 10 000; beyond that, evenly spaced.</summary>
    public IReadOnlyList<int> RecordedEpochs { get; }

    /// <summary>The loss, of <see cref="LossFunction"/>, at each recorded epoch.</summary>
    public IReadOnlyList<double> Loss { get; }

    /// <summary>Accuracy (0 to 1) at each recorded epoch.</summary>
    public IReadOnlyList<double> Accuracy { get; }

    /// <summary>The loss of the returned weights.</summary>
    public double FinalLoss { get; }

    /// <summary>Accuracy of the returned weights.</summary>
    public double FinalAccuracy { get; }

    /// <summary>How long the run took.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>Why it stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>The loss curve as one line of block characters (▁ lowest to █ highest), at most
    /// <see cref="SparklineWidth"/> wide: each character is the mean loss of its share of the recorded epochs.</summary>
    public string LossSparkline => _sparkline ??= Sparkline.Render(Loss, SparklineWidth);

    /// <summary>The widest <see cref="LossSparkline"/>.</summary>
    public const int SparklineWidth = 18;

    private string? _sparkline;

    // The network this history belongs to, set once when that network is made; not public, so that
    // serialisers see no cycle. The cmdlets use it to find the network of a history piped to them.
    internal ParityNetwork? Owner { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{EpochsRun} epochs, loss {FinalLoss:0.######}, accuracy {FinalAccuracy:P1}, {StopReason}";
}
