namespace ParityNet;

/// <summary>How to train. Validated before any work by <see cref="Validate"/>.</summary>
public sealed record TrainingOptions
{
    /// <summary>The default learning rate of gradient descent (the lesson's optimizer).</summary>
    public const double DefaultAlpha = 0.5;

    /// <summary>The default number of epochs.</summary>
    public const int DefaultEpochs = 1000;

    /// <summary>The default mini-batch size of the mini-batch optimizers.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>The default number of integers drawn per epoch, and held out, for inputs too wide to enumerate.</summary>
    public const int DefaultSampleSize = 4096;

    /// <summary>Each optimizer's default learning rate, with which it learns the 8-bit Even task in the default epochs.</summary>
    public static double DefaultAlphaFor(OptimizerKind optimizer) => optimizer switch
    {
        OptimizerKind.GradientDescent => DefaultAlpha,
        OptimizerKind.Sgd => 0.5,
        OptimizerKind.Momentum => 0.1,
        OptimizerKind.AdaGrad => 0.1,
        OptimizerKind.Adam => 0.01,
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, null),
    };

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.GradientDescent;

    /// <summary>The learning rate; positive and finite. Null: the optimizer's default (<see cref="DefaultAlphaFor"/>).</summary>
    public double? Alpha { get; init; }

    /// <summary>The learning rate in force.</summary>
    public double EffectiveAlpha => Alpha ?? DefaultAlphaFor(Optimizer);

    /// <summary>What training minimises.</summary>
    public LossFunction Loss { get; init; } = LossFunction.MeanSquaredError;

    /// <summary>The most epochs (passes over the data) to run.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Rows per update for the mini-batch optimizers (null: <see cref="DefaultBatchSize"/>, at most the data).
    /// Gradient descent always takes the full batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Momentum's μ, in [0, 1).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov's variant of momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's first-moment decay, in [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay, in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>AdaGrad's and Adam's ε (null: 1e-10 for AdaGrad, 1e-8 for Adam).</summary>
    public double? Epsilon { get; init; }

    /// <summary>The ε in force.</summary>
    public double EffectiveEpsilon => Epsilon ?? (Optimizer == OptimizerKind.AdaGrad ? 1e-10 : 1e-8);

    /// <summary>The seed of shuffling and sampling; null: the network's seed.</summary>
    public long? Seed { get; init; }

    /// <summary>For inputs wider than <see cref="EngineLimits.MaxEnumerableBits"/>: integers drawn per epoch, and held out for measuring.</summary>
    public int SampleSize { get; init; } = DefaultSampleSize;

    /// <summary>For sampled inputs: how many held-out integers each check measures on (null: <see cref="SampleSize"/>).
    /// Barak et al. (2022) check on 8,192 fresh samples.</summary>
    public int? HeldOutSize { get; init; }

    /// <summary>The held-out size in force.</summary>
    public int EffectiveHeldOutSize => HeldOutSize ?? SampleSize;

    /// <summary>For sampled inputs and the mini-batch optimizers: measure every this many steps (updates). Each
    /// "epoch" is then this many fresh batches, so <see cref="Epochs"/> counts checks, and training runs
    /// <see cref="Epochs"/> × CheckEvery steps at most. Null: an epoch is <see cref="SampleSize"/> fresh integers.</summary>
    public int? CheckEvery { get; init; }

    /// <summary>PyTorch SGD's weight_decay λ, for every optimizer: each gradient g of a parameter p becomes g + λ·p
    /// before the optimizer's step (biases included, as torch.optim applies it). 0: none.</summary>
    public double WeightDecay { get; init; }

    /// <summary>The control run of Barak et al. (2022): training batches get random labels (a fixed random 0/1 for each
    /// integer, from the run's seed) instead of the task's; checks still measure the task's labels, so accuracy stays
    /// at chance while the weights move. Sampled inputs only.</summary>
    public bool RandomLabels { get; init; }

    /// <summary>Stop as soon as the accuracy (0 to 1) reaches this.</summary>
    public double? TargetAccuracy { get; init; }

    /// <summary>Stop as soon as the loss falls to this.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>How often at most progress is reported.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The settings in a line, only those that apply: e.g. "Adam, alpha 0.01, CrossEntropy, 5000 epochs,
    /// batches of 32, beta1 0.9, beta2 0.999, epsilon 1e-08, target accuracy 1".</summary>
    public override string ToString()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var parts = new List<string> { Optimizer.ToString(), $"alpha {EffectiveAlpha.ToString(c)}", Loss.ToString(),
            CheckEvery is int every ? $"{(long)Epochs * every} steps, checked every {every}" : $"{Epochs} epochs" };
        if (BatchSize is int b) parts.Add($"batches of {b}");
        if (Optimizer == OptimizerKind.Momentum) parts.Add($"momentum {Momentum.ToString(c)}{(Nesterov ? ", Nesterov" : "")}");
        if (Optimizer == OptimizerKind.Adam) { parts.Add($"beta1 {Beta1.ToString(c)}"); parts.Add($"beta2 {Beta2.ToString(c)}"); }
        if (Optimizer is OptimizerKind.Adam or OptimizerKind.AdaGrad) parts.Add($"epsilon {EffectiveEpsilon.ToString(c)}");
        if (Seed is long s) parts.Add($"seed {s}");
        if (SampleSize != DefaultSampleSize && CheckEvery is null) parts.Add($"samples of {SampleSize}");
        if (HeldOutSize is int h) parts.Add($"{h} held out");
        if (WeightDecay != 0) parts.Add($"weight decay {WeightDecay.ToString(c)}");
        if (RandomLabels) parts.Add("random labels");
        if (TargetAccuracy is double ta) parts.Add($"target accuracy {ta.ToString(c)}");
        if (TargetLoss is double tl) parts.Add($"target loss {tl.ToString(c)}");
        return string.Join(", ", parts);
    }

    /// <summary>Throws a <see cref="ParityNetException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Optimizer)) throw Bad(ErrorIds.InvalidArgument, $"Optimizer {Optimizer} is unknown. Choose one of {string.Join(", ", Enum.GetNames<OptimizerKind>())}.", Optimizer);
        if (!Enum.IsDefined(Loss)) throw Bad(ErrorIds.InvalidArgument, $"Loss {Loss} is unknown. Choose one of {string.Join(", ", Enum.GetNames<LossFunction>())}.", Loss);
        double alpha = EffectiveAlpha;
        if (!(alpha > 0) || !double.IsFinite(alpha))
            throw Bad(ErrorIds.InvalidAlpha, $"Alpha {alpha} is not a positive finite learning rate. Give ⟦Alpha⟧ a number above 0, such as {DefaultAlphaFor(Optimizer)}.", alpha);
        if (Epochs < 1)
            throw Bad(ErrorIds.InvalidEpochs, $"Epochs {Epochs} is not positive. Give ⟦Epochs⟧ a whole number of at least 1, such as {DefaultEpochs}.", Epochs);
        if (BatchSize is int b)
        {
            if (Optimizer == OptimizerKind.GradientDescent)
                throw Bad(ErrorIds.InvalidBatchSize, $"BatchSize {b} was given, but GradientDescent always takes the full batch. Use ⟦Optimizer⟧ Sgd (or Momentum, AdaGrad, Adam) for mini-batches.", b);
            if (b < 1)
                throw Bad(ErrorIds.InvalidBatchSize, $"BatchSize {b} is not positive. Give ⟦BatchSize⟧ a whole number of at least 1, such as {DefaultBatchSize}.", b);
        }
        if (!(Momentum >= 0 && Momentum < 1))
            throw Bad(ErrorIds.InvalidArgument, $"Momentum {Momentum} is outside [0, 1). Give a value such as 0.9.", Momentum);
        if (!(Beta1 >= 0 && Beta1 < 1))
            throw Bad(ErrorIds.InvalidArgument, $"Beta1 {Beta1} is outside [0, 1). Give a value such as 0.9.", Beta1);
        if (!(Beta2 >= 0 && Beta2 < 1))
            throw Bad(ErrorIds.InvalidArgument, $"Beta2 {Beta2} is outside [0, 1). Give a value such as 0.999.", Beta2);
        if (!(EffectiveEpsilon > 0) || !double.IsFinite(EffectiveEpsilon))
            throw Bad(ErrorIds.InvalidArgument, $"Epsilon {EffectiveEpsilon} is not a small positive number. Give a value such as 1e-8.", EffectiveEpsilon);
        if (SampleSize < 1 || SampleSize > EngineLimits.MaxSampleSize)
            throw Bad(ErrorIds.InvalidArgument, $"SampleSize {SampleSize} is outside 1 to {EngineLimits.MaxSampleSize}. Give a size such as {DefaultSampleSize}.", SampleSize);
        if (HeldOutSize is int held && (held < 1 || held > EngineLimits.MaxSampleSize))
            throw Bad(ErrorIds.InvalidArgument, $"HeldOutSize {held} is outside 1 to {EngineLimits.MaxSampleSize}. Give a size such as 8192.", held);
        if (CheckEvery is int every)
        {
            if (every < 1)
                throw Bad(ErrorIds.InvalidArgument, $"CheckEvery {every} is not positive. Give ⟦CheckEvery⟧ a number of steps such as 100.", every);
            if (Optimizer == OptimizerKind.GradientDescent)
                throw Bad(ErrorIds.InvalidArgument, $"CheckEvery {every} counts mini-batch steps, but GradientDescent takes one full-batch step per epoch. Use ⟦Optimizer⟧ Sgd (or Momentum, AdaGrad, Adam).", every);
            long rows = (long)every * (BatchSize ?? DefaultBatchSize);
            if (rows > EngineLimits.MaxSampleSize)
                throw Bad(ErrorIds.InvalidArgument, $"CheckEvery {every} steps of {BatchSize ?? DefaultBatchSize} rows draws {rows} integers between checks, more than {EngineLimits.MaxSampleSize}. Check more often (a smaller ⟦CheckEvery⟧).", every);
        }
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
            throw Bad(ErrorIds.InvalidArgument, $"WeightDecay {WeightDecay} is not a finite number ≥ 0. Give ⟦WeightDecay⟧ a small value such as 0.0001, or 0 for none.", WeightDecay);
        if (TargetAccuracy is double a && !(a > 0 && a <= 1))
            throw Bad(ErrorIds.InvalidTarget, $"TargetAccuracy {a} is outside (0, 1]. Give a fraction such as 1 (every input right) or 0.95.", a);
        if (TargetLoss is double l && !(l >= 0 && double.IsFinite(l)))
            throw Bad(ErrorIds.InvalidTarget, $"TargetLoss {l} is not a finite number ≥ 0. Give a loss such as 0.01.", l);
    }

    private static ParityNetException Bad(string id, string message, object value) =>
        new(id, ParityErrorKind.InvalidArgument, message, value);
}

/// <summary>A snapshot of a running training, reported a few times a second at most.</summary>
/// <param name="Epoch">Epochs (with CheckEvery: check intervals) finished so far.</param>
/// <param name="Epochs">The most epochs the run will take.</param>
/// <param name="Loss">The loss at the last finished epoch.</param>
/// <param name="Accuracy">The accuracy at the last finished epoch.</param>
/// <param name="Elapsed">Wall time so far.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, double Loss, double Accuracy, TimeSpan Elapsed);
