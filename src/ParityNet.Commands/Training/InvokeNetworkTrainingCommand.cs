using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Invoke-NetworkTraining: trains a copy of a network and outputs it; the trained network becomes
/// the session's current one. Ctrl+C stops after the current epoch and keeps what was learned.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "NetworkTraining")]
[OutputType(typeof(ParityNetwork))]
public sealed class InvokeNetworkTrainingCommand : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();
    private TrainingOptions _options = new();

    /// <summary>The network to train (or a TrainingHistory or export result, for its network); from the pipeline, else the session's current network.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public object? Network { get; set; }

    /// <summary>The learning rate; by default the optimizer's own (0.5 for GradientDescent).</summary>
    [Parameter]
    [RealNumber(Example = "0.5")]
    public double? Alpha { get; set; }

    /// <summary>The most epochs to run.</summary>
    [Parameter]
    [WholeNumber(Example = "1000")]
    public int Epochs { get; set; } = TrainingOptions.DefaultEpochs;

    /// <summary>The optimizer: GradientDescent (the lesson's, full batch), Sgd, Momentum, AdaGrad or Adam.</summary>
    [Parameter]
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.GradientDescent;

    /// <summary>What to minimise: MeanSquaredError (the lesson's) or CrossEntropy.</summary>
    [Parameter]
    public LossFunction Loss { get; set; } = LossFunction.MeanSquaredError;

    /// <summary>Rows per update for the mini-batch optimizers (default 32).</summary>
    [Parameter]
    [WholeNumber(Example = "32")]
    public int? BatchSize { get; set; }

    /// <summary>Momentum's μ (default 0.9).</summary>
    [Parameter]
    [RealNumber(Example = "0.9")]
    public double Momentum { get; set; } = 0.9;

    /// <summary>Use Nesterov momentum.</summary>
    [Parameter]
    public SwitchParameter Nesterov { get; set; }

    /// <summary>Adam's first-moment decay (default 0.9).</summary>
    [Parameter]
    [RealNumber(Example = "0.9")]
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam's second-moment decay (default 0.999).</summary>
    [Parameter]
    [RealNumber(Example = "0.999")]
    public double Beta2 { get; set; } = 0.999;

    /// <summary>AdaGrad's and Adam's ε (defaults 1e-10 and 1e-8).</summary>
    [Parameter]
    [RealNumber(Example = "1e-8")]
    public double? Epsilon { get; set; }

    /// <summary>The seed of shuffling and sampling; by default the network's seed.</summary>
    [Parameter]
    [WholeNumber(long.MinValue, long.MaxValue, Example = "42")]
    public long? Seed { get; set; }

    /// <summary>For inputs wider than 16 bits: integers drawn per epoch, and held out for measuring (default 4096).</summary>
    [Parameter]
    [WholeNumber(Example = "4096")]
    public int SampleSize { get; set; } = TrainingOptions.DefaultSampleSize;

    /// <summary>For inputs wider than 16 bits: how many held-out integers each check measures on (default: -SampleSize).</summary>
    [Parameter]
    [WholeNumber(Example = "8192")]
    public int? HeldOutSize { get; set; }

    /// <summary>For inputs wider than 16 bits and the mini-batch optimizers: check every this many steps, each on a fresh batch.</summary>
    [Parameter]
    [WholeNumber(Example = "100")]
    public int? CheckEvery { get; set; }

    /// <summary>With -CheckEvery: the most steps (updates) to take, a multiple of -CheckEvery; instead of -Epochs.</summary>
    [Parameter]
    [WholeNumber(Example = "200000")]
    public int? Steps { get; set; }

    /// <summary>PyTorch's weight_decay: each gradient g of a parameter p becomes g + WeightDecay·p (default 0).</summary>
    [Parameter]
    [RealNumber(Example = "0.0001")]
    public double WeightDecay { get; set; }

    /// <summary>The control run: train on random labels (checks still measure the task). Wider than 16 bits only.</summary>
    [Parameter]
    public SwitchParameter RandomLabels { get; set; }

    /// <summary>Stop once this accuracy (0 to 1) is reached.</summary>
    [Parameter]
    [RealNumber(Example = "1")]
    public double? TargetAccuracy { get; set; }

    /// <summary>Stop once the loss (of -Loss) is at most this.</summary>
    [Parameter]
    [RealNumber(Example = "0.01")]
    public double? TargetLoss { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        NetworkInput.RefuseNothing(this, nameof(Network), "-Network", "the session's current network");
        int epochs = Epochs;
        if (Steps is int steps)
        {
            string? problem = CheckEvery is not int every ? "-Steps counts steps between checks, so it needs -CheckEvery (for example -CheckEvery 100)."
                : MyInvocation.BoundParameters.ContainsKey(nameof(Epochs)) ? "-Steps and -Epochs both say how long to train; give one of them."
                : steps < 1 || steps % every != 0 ? $"-Steps {steps} is not a positive multiple of -CheckEvery {every}. Give a multiple such as {Math.Max(1, steps / every) * every}."
                : null;
            if (problem is not null)
                ThrowTerminatingError(ErrorRecords.From(new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument, problem, steps)));
            epochs = steps / CheckEvery!.Value;
        }
        _options = new TrainingOptions
        {
            Optimizer = Optimizer,
            Alpha = Alpha,
            Loss = Loss,
            Epochs = epochs,
            HeldOutSize = HeldOutSize,
            CheckEvery = CheckEvery,
            WeightDecay = WeightDecay,
            RandomLabels = RandomLabels.IsPresent,
            BatchSize = BatchSize,
            Momentum = Momentum,
            Nesterov = Nesterov.IsPresent,
            Beta1 = Beta1,
            Beta2 = Beta2,
            Epsilon = Epsilon,
            Seed = Seed,
            SampleSize = SampleSize,
            TargetAccuracy = TargetAccuracy,
            TargetLoss = TargetLoss,
        };
        try
        {
            _options.Validate();
        }
        catch (ParityNetException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var network = SessionNetwork.GivenOrCurrent(this, Network, "Invoke-NetworkTraining", "training");
        if (network is null) return;
        int batch;
        try { batch = Trainer.BatchSizeFor(network, _options); }
        catch (ParityNetException ex) { ThrowTerminatingError(ErrorRecords.From(ex)); return; }
        long rows = _options.CheckEvery is int every ? (long)every * batch : EngineLimits.TrainingRows(network.Bits, _options.SampleSize);
        WriteVerbose($"Training with {_options.Optimizer}, alpha {_options.EffectiveAlpha}, loss {_options.Loss}, "
            + (_options.CheckEvery is int check ? $"at most {(long)_options.Epochs * check} steps of {batch} fresh integers, checked every {check} steps"
                : $"at most {_options.Epochs} epochs, " + (batch >= rows ? $"the full batch of {rows} rows per step" : $"batches of {batch} rows ({(rows + batch - 1) / batch} steps an epoch)"))
            + (_options.WeightDecay != 0 ? $", weight decay {_options.WeightDecay}" : "")
            + (_options.TargetAccuracy is { } ta ? $", stopping at accuracy {ta}" : "") + (_options.TargetLoss is { } tl ? $", stopping at loss {tl}" : "")
            + (_options.RandomLabels ? ", on RANDOM labels (a control run: checks still measure the task)" : "")
            + (!EngineLimits.Enumerable(network.Bits) ? $"; {network.Bits} bits is too wide to enumerate, so training draws seeded samples ({rows} between checks) and measures on {_options.EffectiveHeldOutSize} held out." : $"; on all {1L << network.Bits} integers."));
        var progress = new TrainingProgressBridge(this, $"Training {network}", _options.CheckEvery);
        ParityNetwork trained;
        try
        {
            trained = Trainer.Train(network, _options, progress, _stop.Token);
        }
        catch (ParityNetException ex)
        {
            // Settings that only the network can judge (a batch larger than its data): a parameter
            // error, raised before any work, so it ends the command like the others.
            ThrowTerminatingError(ErrorRecords.From(ex));
            return;
        }
        SessionNetwork.Current = trained;
        var history = trained.History!;

        if (history.StopReason == StopReason.Cancelled)
        {
            // The pipeline is stopping: its streams take nothing more, so the warning goes to the host.
            // The work is kept all the same.
            string message = $"Training stopped at {(_options.CheckEvery is null ? $"epoch {history.EpochsRun}" : $"step {history.StepsRun}")}; that network (accuracy {history.FinalAccuracy:P1}) is now the current one: Get-ParityNetwork returns it.";
            try { Host?.UI?.WriteWarningLine(message); }
            catch (Exception ex) when (ex is PipelineStoppedException or NotImplementedException or InvalidOperationException) { }
            return;
        }
        progress.Complete();
        if (history.StopReason == StopReason.Diverged)
            WriteWarning($"Training diverged after {history.EpochsRun} epochs (the loss stopped being finite); the last finite weights were kept. Try a smaller -Alpha than {_options.EffectiveAlpha}.");
        WriteVerbose($"Stopped: {history.StopReason} after {history.EpochsRun} epochs ({history.StepsRun} steps) in {history.WallTime.TotalMilliseconds:0} ms; loss {history.FinalLoss:0.######}, accuracy {history.FinalAccuracy:P1}.");
        if (trained.Task == ParityTask.BitParity && history.FinalAccuracy < 0.75 && history.StopReason != StopReason.Diverged)
        {
            string hard = $"BitParity ended at {history.FinalAccuracy:P1} accuracy, near chance (50%). Parity is the classic hard task: every bit matters, and most networks and optimizers never find it. ";
            // The recipe is full-batch over every integer, which the engine does up to MaxEnumerableBits; wider inputs are sampled.
            WriteWarning(EngineLimits.Enumerable(trained.Bits)
                ? hard + $"This recipe solves it (the parity table in docs/parity-table.md; full-batch Adam): New-ParityNetwork -Bits {trained.Bits} -Task BitParity -HiddenSize 128 -Activation ReLU -Initialization He | " +
                    $"Invoke-NetworkTraining -Optimizer Adam -Alpha 0.01 -Loss CrossEntropy -BatchSize {1L << trained.Bits} -Epochs 20000 -TargetAccuracy 1"
                : hard + $"The parity table (docs/parity-table.md) solves it up to {EngineLimits.MaxEnumerableBits} bits, training on every integer; at {trained.Bits} bits training sees samples " +
                    $"(-SampleSize, {_options.SampleSize} an epoch here), and parity this wide takes far more steps than that, with no recipe known to solve it.");
        }
        WriteObject(trained);
    }

    /// <inheritdoc/>
    protected override void StopProcessing() => _stop.Cancel();
}
