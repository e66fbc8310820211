namespace ParityNet.Tests;

/// <summary>
/// Issue 28 item 6, Barak et al.'s regime made fast: the signed layer's unfold, step and fold in one pass
/// (<see cref="SignedInputs.StepAndFold"/>) against the passes it replaces, bit for bit; the check's sums in groups against their
/// definition; the hinge's vector kernel against its formulas; and checks that run ahead against runs that do not.
/// </summary>
public class BarakSpeedTests
{
    [Theory]
    [InlineData(50, 1000, 0.0)]
    [InlineData(50, 1000, 0.01)]
    [InlineData(7, 13, 0.0)]   // a tail after the vectors
    [InlineData(3, 2, 0.5)]    // the tail alone
    public void StepAndFold_IsUnfoldStepAndFold_BitForBit(int bits, int m, double decay)
    {
        var rng = new SeededRandom(bits * 7 + m);
        double[] Draw(int n, double scale) => Enumerable.Range(0, n).Select(_ => rng.NextUniform(-scale, scale)).ToArray();
        var w = Draw(bits * m, 0.2);
        var bias = Draw(m, 0.2);
        var g = Draw(bits * m, 0.01);
        var gBias = Draw(m, 0.01);
        const double alpha = 0.1;

        // The passes one after the other, as the trainer took them before.
        var (w1, b1, g1, gb1) = ((double[])w.Clone(), (double[])bias.Clone(), (double[])g.Clone(), (double[])gBias.Clone());
        SignedInputs.Unfold(g1, gb1, bits, m);
        if (decay != 0) { Kernels.MultiplyAddAndCheck(w1, decay, g1); Kernels.MultiplyAddAndCheck(b1, decay, gb1); }
        Assert.True(Kernels.MultiplyAddAndCheck(g1, -alpha, w1));
        Assert.True(Kernels.MultiplyAddAndCheck(gb1, -alpha, b1));
        var (wf1, bf1) = (new double[bits * m], new double[m]);
        SignedInputs.Fold(w1, b1, bits, m, wf1, bf1);

        var (w2, b2) = ((double[])w.Clone(), (double[])bias.Clone());
        var (wf2, bf2) = (new double[bits * m], new double[m]);
        Assert.True(SignedInputs.StepAndFold(w2, b2, g, gBias, bits, m, alpha, decay, wf2, bf2));
        Assert.Equal(w1.Select(Bits), w2.Select(Bits));
        Assert.Equal(b1.Select(Bits), b2.Select(Bits));
        Assert.Equal(wf1.Select(Bits), wf2.Select(Bits));
        Assert.Equal(bf1.Select(Bits), bf2.Select(Bits));

        g[^1] = double.MaxValue; // a weight that leaves the finite numbers is seen
        Assert.False(SignedInputs.StepAndFold(w2, b2, g, gBias, bits, m, 1e10, decay, wf2, bf2));
    }

    [Theory]
    [InlineData(50, 1024, 1000, true)]  // the check's shape: a group's eight tiles
    [InlineData(50, 7, 1000, true)]     // rows not in fours
    [InlineData(20, 130, 72, false)]    // no bias; a last group of two inputs
    [InlineData(13, 33, 14, true)]      // units not in eights, nor in fours: every width's columns and the scalar tail
    [InlineData(5, 1, 3, true)]         // one group, shorter than six; the tail alone
    [InlineData(62, 40, 16, true)]      // the widest numbers
    [InlineData(100, 40, 16, true)]     // wide rows, two chunks: a group across them (inputs 36 … 41)
    [InlineData(200, 9, 24, true)]      // four chunks
    [InlineData(63, 5, 12, false)]      // one bit past a chunk
    public void GroupedSums_AreTheirDefinition_BitForBit_AndTheSumsInOrderWithinAFewUlp(int bits, int count, int m, bool withBias)
    {
        var rng = new SeededRandom(bits * 13 + count);
        int chunks = WideNumbers.Chunks(bits);
        var numbers = new long[count * chunks];
        for (int i = 1; i < count; i++) // row 0: no bit set; row 1: every bit
            for (int c = 0; c < chunks; c++)
            {
                long top = 1L << WideNumbers.ChunkWidth(bits, c);
                numbers[i * chunks + c] = i == 1 ? top - 1 : rng.NextInt64(top);
            }
        bool Input(int i, int p) => WideNumbers.Bit(numbers.AsSpan(i * chunks, chunks), bits - 1 - p) != 0; // input p of row i
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var bias = withBias ? Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray() : Array.Empty<double>();
        var wOut = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var z = new double[count];
        GroupedSumsLayer.ForwardDots(numbers, bits, w, bias, m, wOut, z, chunks);

        // The definition, in scalar loops: the bias and group 0's set inputs in order, then each next group's sum from zero added;
        // ReLU; the products added in four lanes (unit j to lane j mod 4) in order of j; the lanes as ((l0 + l1) + (l2 + l3)).
        // And the same units summed in order of the set bits (the general path's sums), for the distance.
        var direct = new double[count * m];
        if (chunks == 1) SummedBitsLayer.ForwardAny(numbers, bits, w, m, direct);
        else WideBitsLayer.ForwardAny(numbers, chunks, bits, w, m, direct);
        Kernels.AddBias(direct, bias, count, m);
        Kernels.Activate(direct, Activation.ReLU);
        var zDirect = new double[count];
        Kernels.RowDots(direct, wOut, zDirect, count, m);
        for (int i = 0; i < count; i++)
        {
            var lanes = new double[4];
            double scale = 0;
            for (int j = 0; j < m; j++)
            {
                double h = withBias ? bias[j] : 0;
                for (int first = 0; first < bits; first += GroupedSumsLayer.GroupBits)
                {
                    double group = 0;
                    for (int p = first; p < Math.Min(first + GroupedSumsLayer.GroupBits, bits); p++)
                        if (Input(i, p))
                        {
                            if (first == 0) h += w[p * m + j];
                            else group += w[p * m + j];
                        }
                    if (first > 0) h += group;
                }
                double relu = h > 0 ? h : 0;
                lanes[j & 3] += relu * wOut[j];
                scale += Math.Abs(relu * wOut[j]) + (withBias ? Math.Abs(bias[j]) : 0) * Math.Abs(wOut[j]);
                for (int p = 0; p < bits; p++) scale += Math.Abs(w[p * m + j] * wOut[j]);
            }
            Assert.Equal(Bits((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])), Bits(z[i]));
            Assert.True(Math.Abs(z[i] - zDirect[i]) <= 4 * (bits + 4) * 1.1e-16 * scale, $"row {i}: grouped {z[i]:R}, in order {zDirect[i]:R}");
        }
    }

    [Theory]
    [InlineData(128)]
    [InlineData(7)]
    [InlineData(2)]
    public void HingeOutput_HasTheFormulasDeltaAndAccuracy_AndTheLossWithin1e15(int n)
    {
        var rng = new SeededRandom(n + 1);
        var z = Enumerable.Range(0, n).Select(i => i == 1 ? 1.0 : rng.NextUniform(-3, 3)).ToArray(); // a margin of exactly 1 in one row
        var p = z.Select(VectorMath.Sigmoid).ToArray();
        var y = Enumerable.Range(0, n).Select(i => (double)(i * 5 % 3 == 0 ? 1 : 0)).ToArray();
        y[1] = 1;
        var delta = new double[n];
        var (loss, correct) = Kernels.HingeOutput(p, z, y, 1.0 / n, delta);
        double expectedLoss = 0;
        int expectedCorrect = 0;
        for (int i = 0; i < n; i++)
        {
            expectedLoss += Losses.Value(LossFunction.Hinge, z[i], p[i], y[i]);
            if (TaskLabels.Predicted(p[i]) == y[i]) expectedCorrect++;
            Assert.Equal(Bits(1.0 / n * Losses.OutputGradient(LossFunction.Hinge, z[i], p[i], y[i])), Bits(delta[i]));
        }
        Assert.Equal(expectedCorrect, correct);
        Assert.Equal(expectedLoss, loss, expectedLoss * 1e-15);

        z[0] = double.NaN; // a diverged output is seen in the loss
        Assert.True(double.IsNaN(Kernels.HingeOutput(p, z, y, 1.0 / n, delta).LossSum));
    }

    // Checks of at least 2,048 held-out numbers run ahead: on a copy, on another thread, while the next epoch trains.
    private static ParityNetwork Wide(long seed = 3) => ParityNetwork.Create(new NetworkSpec
    {
        Bits = 24, HiddenSizes = new[] { 32 }, Task = ParityTask.SparseParity, Relevant = 2, Seed = seed,
        Activation = Activation.ReLU, Initialization = Initialization.PyTorch, SignedInputs = true,
    });

    private static TrainingOptions Ahead(int epochs) => new()
    {
        Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 16, CheckEvery = 10, HeldOutSize = 2048,
        Epochs = epochs, ReportInterval = TimeSpan.Zero,
    };

    // The same weights, final loss and accuracy; and with `curves`, the same recorded curves (runs of very different lengths
    // record every so many epochs).
    private static void AssertSameRun(ParityNetwork expected, ParityNetwork actual, bool curves = true)
    {
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(expected.Weights[l].AsSpan().ToArray().Select(Bits), actual.Weights[l].AsSpan().ToArray().Select(Bits));
            Assert.Equal(expected.Biases[l].Select(Bits), actual.Biases[l].Select(Bits));
        }
        Assert.Equal(Bits(expected.History!.FinalLoss), Bits(actual.History!.FinalLoss));
        Assert.Equal(expected.History.FinalAccuracy, actual.History.FinalAccuracy);
        if (!curves) return;
        Assert.Equal(expected.History.Loss.Select(Bits), actual.History.Loss.Select(Bits));
        Assert.Equal(expected.History.Accuracy, actual.History.Accuracy);
        Assert.Equal(expected.History.HiddenProgress!.DriftSum.Select(Bits), actual.History.HiddenProgress!.DriftSum.Select(Bits));
    }

    [Fact]
    public void ChecksAhead_StopAtTheTarget_WithTheWeightsOfThatCheck()
    {
        var net = Wide();
        var stopped = Trainer.Train(net, Ahead(400) with { TargetAccuracy = 1 });
        Assert.Equal(StopReason.TargetReached, stopped.History!.StopReason);
        Assert.InRange(stopped.History.EpochsRun, 2, 399);
        // The epoch trained ahead of the check that stopped the run is not kept: the same as a run of exactly that many epochs.
        var exact = Trainer.Train(net, Ahead(stopped.History.EpochsRun));
        Assert.Equal(StopReason.EpochsDone, exact.History!.StopReason);
        AssertSameRun(exact, stopped);
    }

    [Fact]
    public void ChecksAhead_Cancelled_KeepTheWeightsOfTheLastCheck()
    {
        var net = Wide(seed: 4);
        using var cancel = new CancellationTokenSource();
        var cancelled = Trainer.Train(net, Ahead(100_000) with { ReportInterval = TimeSpan.FromTicks(1) },
            new Progress(p => { if (p.Epoch == 7) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(StopReason.Cancelled, cancelled.History!.StopReason);
        AssertSameRun(Trainer.Train(net, Ahead(cancelled.History.EpochsRun)), cancelled, curves: false);

        // Arriving whenever it does, mid-epoch or not; from a thread of its own (a timer's callback waits for the thread pool,
        // which the test host may keep busy).
        using var later = new CancellationTokenSource();
        var canceller = new Thread(() => { Thread.Sleep(150); later.Cancel(); });
        canceller.Start();
        var stopped = Trainer.Train(net, Ahead(100_000), cancellationToken: later.Token);
        canceller.Join();
        Assert.Equal(StopReason.Cancelled, stopped.History!.StopReason);
        AssertSameRun(Trainer.Train(net, Ahead(stopped.History.EpochsRun)), stopped, curves: false);
    }

    [Fact]
    public void ChecksAhead_MatchTheReference() // the reference trainer checks in line, on one thread
    {
        var net = Wide(seed: 5);
        var options = Ahead(6) with { WeightDecay = 0.001 };
        var trained = Trainer.Train(net, options);
        var reference = ReferenceTrainer.Train(net, options.EffectiveAlpha, options.Epochs, options.Loss, options.BatchSize,
            sampleSize: options.SampleSize, weightDecay: options.WeightDecay, heldOutSize: options.HeldOutSize, checkEvery: options.CheckEvery);
        for (int l = 0; l < 2; l++)
            for (int i = 0; i < reference.Weights[l].Length; i++)
                Assert.Equal(reference.Weights[l][i], trained.Weights[l].AsSpan()[i], 1e-12);
        Assert.Equal(reference.Loss, trained.History!.FinalLoss, 1e-12);
    }

    // A progress that reports on the training thread, as the trainer calls it (Progress<T> would post to the thread pool).
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);
}
