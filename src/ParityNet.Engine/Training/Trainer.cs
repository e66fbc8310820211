using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Diagnostics;

namespace ParityNet;

/// <summary>
/// Trains a network by backpropagation. For each batch: the output's weighted error (the lesson's
/// delta = error · s(1−s), or p − y for cross-entropy), sent back through each layer's weights and
/// multiplied by that layer's derivative; the gradient of each weight matrix is (layer input)ᵀ · delta,
/// averaged over the batch; the optimizer takes the step. The lesson's recipe is the default:
/// full-batch gradient descent on ½·mean((y − p)²), i.e. W += alpha · inputᵀ · delta / n.
/// </summary>
public static class Trainer
{
    /// <summary>Trains a copy of <paramref name="network"/> and returns it; the input is left as it was.
    /// Cancelling stops after the current epoch and returns the network as it was then.</summary>
    /// <exception cref="ParityNetException">a setting is invalid (thrown before any work).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParityNetwork Train(ParityNetwork network, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ParityNetwork.Validate(network.Spec);
        CheckSampledOnly(network, options);
        int batch = BatchSizeFor(network, options);
        int trainRows = options.CheckEvery is int every ? every * batch : options.SampleSize;
        ParityNetwork.CheckMemory(network.Spec, Math.Max(trainRows, options.EffectiveHeldOutSize));
        long seed = options.Seed ?? network.Seed;

        var clock = Stopwatch.StartNew();
        var set = new TrainingSet(network.Bits, trainRows, options.EffectiveHeldOutSize, seed);
        using var running = SecondThread.Running();
        using var run = new Run(network, options, set, batch, seed);
        var measures = new HiddenProgress.Recorder(network.LayerWeights(0), network.Bits, network.LayerSizes[1], network.Support, network.Seed);
        var recordedEpochs = new List<int>();
        var lossRecord = new List<double>();
        var accuracyRecord = new List<double>();
        int stride = (int)Math.Ceiling((options.Epochs + 1) / (double)EngineLimits.MaxRecords);
        var reports = new ProgressThrottle(progress is null ? 0 : (long)(options.ReportInterval.TotalSeconds * Stopwatch.Frequency));

        int epoch = 0;
        double loss = double.NaN, accuracy = 0;
        StopReason reason;
        while (true)
        {
            // Where the check is large, it measures a copy of these weights on another thread while this one trains the next
            // epoch, which is kept only if the check does not stop the run: the same run, in less time.
            bool ahead = run.ChecksAhead && epoch < options.Epochs && !cancellationToken.IsCancellationRequested;
            bool trained = true;
            var (newLoss, newAccuracy) = ahead ? run.EvaluateWhileTraining(out trained) : run.Evaluate(willStep: epoch < options.Epochs);
            if (!double.IsFinite(newLoss))
            {
                // These weights no longer give a finite loss: keep those of the epoch before.
                if (epoch > 0) { run.RestoreLastGood(); epoch--; }
                else { loss = newLoss; accuracy = newAccuracy; }
                reason = StopReason.Diverged;
                break;
            }
            (loss, accuracy) = (newLoss, newAccuracy);
            if (epoch % stride == 0) Record(epoch, loss, accuracy);
            run.SaveLastGood();

            if (options.TargetAccuracy is double ta && accuracy >= ta || options.TargetLoss is double tl && loss <= tl)
            {
                if (ahead) run.RestoreLastGood(); // the epoch trained ahead is not kept
                reason = StopReason.TargetReached;
                break;
            }
            if (epoch == options.Epochs) { reason = StopReason.EpochsDone; break; }
            if (cancellationToken.IsCancellationRequested)
            {
                if (ahead) run.RestoreLastGood();
                reason = StopReason.Cancelled;
                break;
            }

            if (!(ahead ? trained : run.TrainEpoch()))
            {
                run.RestoreLastGood();
                reason = StopReason.Diverged;
                break;
            }
            epoch++;

            if (reports.Due())
            {
                progress!.Report(new TrainingProgress(epoch, options.Epochs, loss, accuracy, clock.Elapsed));
                reports.Reported();
            }
        }
        if (recordedEpochs.Count == 0 || recordedEpochs[^1] != epoch) Record(epoch, loss, accuracy);

        var history = new TrainingHistory(options.Optimizer.ToString(), options, epoch, recordedEpochs, lossRecord, accuracyRecord,
            loss, accuracy, clock.Elapsed, reason, batch, !run.Set.Enumerated, run.StepsPerEpoch, measures.Result());
        return network.With(run.Weights, run.Biases, history);

        void Record(int e, double lo, double ac)
        {
            recordedEpochs.Add(e);
            lossRecord.Add(lo);
            accuracyRecord.Add(ac);
            measures.Record(run.CheckedWeights[0]);
        }
    }

    /// <summary>The rows per update a run of <paramref name="options"/> on <paramref name="network"/> takes.</summary>
    public static int BatchSizeFor(ParityNetwork network, TrainingOptions options) =>
        options.CheckEvery is not null ? options.BatchSize ?? TrainingOptions.DefaultBatchSize
            : BatchSize(options, (int)EngineLimits.TrainingRows(network.Bits, options.SampleSize));

    /// <summary>The options that only apply to sampled inputs (wider than <see cref="EngineLimits.MaxEnumerableBits"/>)
    /// are refused for a network that trains on every integer, naming the option.</summary>
    private static void CheckSampledOnly(ParityNetwork network, TrainingOptions options)
    {
        if (!EngineLimits.Enumerable(network.Bits)) return;
        string? name = options.CheckEvery is not null ? "CheckEvery" : options.HeldOutSize is not null ? "HeldOutSize" : options.RandomLabels ? "RandomLabels" : null;
        if (name is not null)
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                $"{name} applies to sampled inputs, but this {network.Bits}-bit network trains on all {1 << network.Bits} integers every epoch. " +
                $"Leave ⟦{name}⟧ out, or make a network wider than {EngineLimits.MaxEnumerableBits} bits.", name);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BatchSize(TrainingOptions options, int rows)
    {
        if (options.Optimizer == OptimizerKind.GradientDescent) return rows;
        int batch = options.BatchSize ?? Math.Min(TrainingOptions.DefaultBatchSize, rows);
        if (batch > rows)
            throw new ParityNetException(ErrorIds.InvalidBatchSize, ParityErrorKind.InvalidArgument,
                $"BatchSize {batch} is larger than the {rows} rows of each epoch. Give ⟦BatchSize⟧ from 1 to {rows}.", batch);
        return batch;
    }

    /// <summary>The state of one training run: parameters, buffers, optimizer, shuffling.</summary>
    private sealed class Run : IDisposable
    {
        private readonly int _layers, _batch;
        private readonly bool _stepFromMeasuringPass; // one full batch of every integer per epoch: the pass that measures the epoch also gives its step
        private readonly GradientPass _pass;
        private readonly double[][] _gradWeights, _gradBiases, _goodWeights, _goodBiases;
        private readonly long[]? _order;
        private readonly SeededRandom _shuffle;
        private readonly Optimizer _optimizer;
        private readonly double _weightDecay;
        private readonly bool _signed;
        private readonly int _bits, _units;
        private readonly double[][] _passWeights, _passBiases; // what the passes read: the parameters, or for signed inputs the first layer folded
        private readonly double _alpha;
        private readonly bool _stepAndFold; // signed inputs and plain Sgd: the step folds the first layer as it goes (SignedInputs.StepAndFold)
        private readonly FoldedStep? _foldedStep; // _stepAndFold: the step handed to the pass, taken there where the fused path serves
        private bool _folded; // whether _passWeights[0] and _passBiases[0] are the fold of the current first layer
        private readonly GradientPass? _checkPass; // ChecksAhead: the check's own pass, and the copy of the parameters it measures
        private readonly double[][] _checkedWeights = Array.Empty<double[]>(), _checkedBiases = Array.Empty<double[]>();
        private readonly double[][] _checkedPassWeights = Array.Empty<double[]>(), _checkedPassBiases = Array.Empty<double[]>();
        private bool _checkedAhead; // the last check measured the copy while the live parameters trained on
        private readonly long? _randomLabelSeed;
        private readonly SecondThread? _helper; // the second core: checks ahead, and parts of large steps (the same bits)

        public Run(ParityNetwork network, TrainingOptions options, TrainingSet set, int batch, long seed)
        {
            Set = set;
            _layers = network.LayerSizes.Count - 1;
            _batch = batch;
            // Any optimizer whose batch is the whole enumeration takes one step per epoch on the gradient
            // at the weights just measured, so it can come from the same pass, over the integers in order.
            _stepFromMeasuringPass = set.Enumerated && batch == set.TrainRows;

            _weights = Enumerable.Range(0, _layers).Select(l => network.LayerWeights(l).ToArray()).ToArray(); // the trained network's own
            Biases = Enumerable.Range(0, _layers).Select(l => network.LayerBiases(l).ToArray()).ToArray();
            _goodWeights = Weights.Select(w => Rent(w.Length)).ToArray();
            _goodBiases = Biases.Select(b => Rent(b.Length)).ToArray();
            _gradWeights = Weights.Select(w => Rent(w.Length)).ToArray();
            _gradBiases = Biases.Select(b => Rent(b.Length)).ToArray();
            // A check of at least GradientPass.ParallelRows sampled numbers runs ahead on its own pass, on another thread.
            ChecksAhead = !set.Enumerated && set.EvalRows >= GradientPass.ParallelRows;
            _pass = new GradientPass(network, options.Loss, ChecksAhead ? batch : Math.Max(set.EvalRows, batch));
            if (ChecksAhead)
            {
                _checkPass = new GradientPass(network, options.Loss, set.EvalRows);
                _checkedWeights = Weights.Select(w => Rent(w.Length)).ToArray();
                _checkedBiases = Biases.Select(b => Rent(b.Length)).ToArray();
                _checkedPassWeights = (double[][])_checkedWeights.Clone();
                _checkedPassBiases = (double[][])_checkedBiases.Clone();
                if (network.SignedInputs) { _checkedPassWeights[0] = Rent(Weights[0].Length); _checkedPassBiases[0] = Rent(Biases[0].Length); }
            }
            if (set.Enumerated && !_stepFromMeasuringPass) _order = Enumerable.Range(0, set.TrainRows).Select(i => (long)i).ToArray();
            _shuffle = MiniBatchOrder.Random(seed);
            var slots = new List<int>();
            for (int l = 0; l < _layers; l++) { slots.Add(Weights[l].Length); slots.Add(Biases[l].Length); }
            _optimizer = Optimizer.Create(options, slots);
            _weightDecay = options.WeightDecay;
            _signed = network.SignedInputs;
            _bits = network.Bits;
            _units = network.LayerSizes[1];
            _passWeights = (double[][])Weights.Clone();
            _passBiases = (double[][])Biases.Clone();
            if (_signed) { _passWeights[0] = Rent(Weights[0].Length); _passBiases[0] = Rent(Biases[0].Length); }
            _alpha = options.EffectiveAlpha;
            _stepAndFold = _signed && _optimizer is PlainStep;
            // Steps taken in the pass keep the first layer in its folded form alone (FoldedOnly); Weights makes it again when read.
            if (_stepAndFold) _foldedStep = new FoldedStep(_weights[0], Biases[0], _passWeights[0], _passBiases[0], _alpha, _weightDecay, foldedOnly: true);
            _randomLabelSeed = options.RandomLabels ? TaskLabels.RandomLabelSeed(seed) : null;
            StepsPerEpoch = _stepFromMeasuringPass ? 1 : (set.TrainRows + batch - 1) / batch;
            var sizes = network.LayerSizes;
            bool sharedSteps = !_stepFromMeasuringPass && sizes.Count == 3 && sizes[2] == 1 && network.Activation == Activation.ReLU
                && ReLUBlockLayer.FitsAny(sizes[1]) && (long)Math.Min(batch, set.TrainRows) * sizes[0] * sizes[1] >= LayerStack.ShareWork;
            if (ChecksAhead || sharedSteps) _helper = SecondThread.ForRun();
        }

        /// <summary>The second thread, where the run has one.</summary>
        public SecondThread? Helper => _helper;

        // The run's own buffers, rented (AlignedArrays): given back when it ends, for the next run of this shape.
        private readonly List<double[]> _rented = new();

        private double[] Rent(int length)
        {
            var array = AlignedArrays.Rent(length);
            _rented.Add(array);
            return array;
        }

        public void Dispose()
        {
            _helper?.Dispose(); // first: a check ahead may still read the buffers
            _pass.Release();
            _checkPass?.Release();
            AlignedArrays.Return(_rented);
            _rented.Clear();
        }

        /// <summary>Updates per epoch (with CheckEvery: per check).</summary>
        public int StepsPerEpoch { get; }

        // Before a pass: for signed inputs, the first layer folded into the 0/1 form the bit kernels run (SignedInputs.Fold),
        // unless the last step already left it folded.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PreparePass()
        {
            if (_signed && !_folded) SignedInputs.Fold(Weights[0], Biases[0], _bits, _units, _passWeights[0], _passBiases[0]);
            _folded = _signed;
        }

        // After a pass with gradients: those of the folded layer turned into those of the parameters (StepAndFold does it in its step).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void FinishGradients()
        {
            if (_signed && !_stepAndFold) SignedInputs.Unfold(_gradWeights[0], _gradBiases[0], _bits, _units);
        }

        public TrainingSet Set { get; }

        /// <summary>The weights, layer by layer. Where steps taken in the pass left the first layer in its folded form alone
        /// (<see cref="FoldedStep.Stale"/>), it is made again first: w = wFolded·½, exactly the w the steps made.</summary>
        public double[][] Weights
        {
            get
            {
                if (_foldedStep is { Stale: true })
                {
                    Kernels.Scale(_passWeights[0], 0.5, _weights[0]);
                    _foldedStep.Stale = false;
                }
                return _weights;
            }
        }

        private readonly double[][] _weights;
        public double[][] Biases { get; }

        /// <summary>Whether checks measure a copy of the parameters on another thread while the next epoch trains
        /// (<see cref="EvaluateWhileTraining"/>): sampled inputs with a held-out set large enough to pay for it.</summary>
        public bool ChecksAhead { get; }

        /// <summary>The weights the last check measured.</summary>
        public double[][] CheckedWeights => _checkedAhead ? _checkedWeights : Weights;

        /// <summary><see cref="Evaluate"/> of the current parameters, on a copy on another thread, while this thread takes the next
        /// epoch's steps (<see cref="TrainEpoch"/>, whose result is <paramref name="trained"/>). The caller keeps the epoch, or
        /// goes back to the measured parameters with <see cref="SaveLastGood"/> then <see cref="RestoreLastGood"/>.</summary>
        public (double Loss, double Accuracy) EvaluateWhileTraining(out bool trained)
        {
            PreparePass();
            for (int l = 0; l < _layers; l++)
            {
                Weights[l].AsSpan().CopyTo(_checkedWeights[l]);
                Biases[l].AsSpan().CopyTo(_checkedBiases[l]);
            }
            if (_signed) { _passWeights[0].AsSpan().CopyTo(_checkedPassWeights[0]); _passBiases[0].AsSpan().CopyTo(_checkedPassBiases[0]); }
            int n = Set.EvalRows;
            Func<(double, int)> work = () => _checkPass!.Run(Set.EvalNumbers, 0, n, _checkedPassWeights, _checkedPassBiases, parallel: false);
            var check = _helper is null ? Task.Run(work) : null;
            _helper?.StartAhead(work);
            ExceptionDispatchInfo? failure = null;
            try { trained = TrainEpoch(); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); trained = false; }
            var (lossSum, correct) = check is null ? _helper!.WaitAhead() : check.GetAwaiter().GetResult(); // the copy is not touched once this returns
            failure?.Throw();
            _checkedAhead = true;
            return (lossSum / n, correct / (double)n);
        }

        /// <summary>Loss and accuracy of the current weights on the measuring rows. When training is
        /// taken from this pass, also the gradients for the next step (if <paramref name="willStep"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public (double Loss, double Accuracy) Evaluate(bool willStep)
        {
            int n = Set.EvalRows;
            _checkedAhead = false;
            PreparePass();
            bool gradients = _stepFromMeasuringPass && willStep;
            var (lossSum, correct) = gradients
                ? _pass.Run(null, 0, n, _passWeights, _passBiases, _gradWeights, _gradBiases)
                : (_checkPass ?? _pass).Run(Set.EvalNumbers, 0, n, _passWeights, _passBiases);
            if (gradients) FinishGradients();
            return (lossSum / n, correct / (double)n);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void SaveLastGood()
        {
            var (weights, biases) = _checkedAhead ? (_checkedWeights, _checkedBiases) : (Weights, Biases);
            for (int l = 0; l < _layers; l++)
            {
                weights[l].AsSpan().CopyTo(_goodWeights[l]);
                if (biases[l].Length > 0) biases[l].AsSpan().CopyTo(_goodBiases[l]);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RestoreLastGood()
        {
            if (_foldedStep is not null) _foldedStep.Stale = false; // the first layer is written whole here; the folded one is made again
            for (int l = 0; l < _layers; l++) { _goodWeights[l].AsSpan().CopyTo(_weights[l]); _goodBiases[l].AsSpan().CopyTo(Biases[l]); }
            _folded = false;
        }

        /// <summary>One pass over the epoch's rows; false when a parameter stopped being finite.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool TrainEpoch()
        {
            if (_stepFromMeasuringPass) return Step(); // the gradients came with Evaluate
            Set.NextEpoch();
            var numbers = Set.TrainNumbers ?? _order!;
            int rows = Set.TrainRows;
            if (_order is not null && _batch < rows) MiniBatchOrder.Shuffle(_order, _shuffle);
            for (int start = 0; start < rows; start += _batch)
            {
                PreparePass();
                if (_foldedStep is not null) _foldedStep.Taken = false;
                _pass.Run(numbers, start, Math.Min(_batch, rows - start), _passWeights, _passBiases, _gradWeights, _gradBiases, _randomLabelSeed,
                    step: _foldedStep, helper: _helper);
                FinishGradients();
                if (!Step()) return false;
            }
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Step()
        {
            _optimizer.BeginUpdate();
            int first = 0;
            bool finite = true;
            if (_stepAndFold)
            {
                // The first layer's unfold, weight decay, step and fold in one pass, the same bits as one after the other.
                // The pass may have taken it already (FoldedStep: the same bits).
                finite = _foldedStep!.Taken ? _foldedStep.Finite : SignedInputs.StepAndFold(Weights[0], Biases[0], _gradWeights[0], _gradBiases[0], _bits, _units, _alpha, _weightDecay,
                    _passWeights[0], _passBiases[0]);
                _foldedStep.Taken = false;
                first = 1;
            }
            _folded = _stepAndFold;
            if (_weightDecay != 0)
                for (int l = first; l < _layers; l++) // PyTorch's weight_decay: g += λ·p, biases included
                {
                    Kernels.MultiplyAddAndCheck(_weights[l], _weightDecay, _gradWeights[l]);
                    if (Biases[l].Length > 0) Kernels.MultiplyAddAndCheck(Biases[l], _weightDecay, _gradBiases[l]);
                }
            for (int l = first; l < _layers; l++)
            {
                finite &= _optimizer.StepAndCheck(2 * l, _weights[l], _gradWeights[l]);
                if (Biases[l].Length > 0) finite &= _optimizer.StepAndCheck(2 * l + 1, Biases[l], _gradBiases[l]);
            }
            return finite;
        }
    }
}

/// <summary>The order mini-batches visit the enumerated integers in: one list, reshuffled in place each
/// epoch (Fisher–Yates) by a generator seeded from the run's seed. Shared by the trainer and the
/// reference trainer, so that both see the same batches.</summary>
internal static class MiniBatchOrder
{
    /// <summary>The shuffling generator of a run with seed <paramref name="seed"/>.</summary>
    public static SeededRandom Random(long seed) => new(unchecked(seed * 31 + 0x3C6EF372));

    /// <summary>Shuffles <paramref name="order"/> in place.</summary>
    public static void Shuffle(long[] order, SeededRandom random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)random.NextInt64(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
