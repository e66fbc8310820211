namespace ParityNet.Engine.Tests;

/// <summary>Issue 28, items 2 and 3: Barak et al.'s regime as options (±1 inputs, hinge loss, PyTorch's initialization,
/// weight decay, checks every so many steps on a held-out set of their own, random-label control runs) and the
/// hidden-progress measures. The engine's fast paths are held to the plain reference trainer, which multiplies ±1
/// inputs directly (the engine folds them into its 0/1 bit kernels), to a stated tolerance.</summary>
public sealed class BarakRegimeTests
{
    private static NetworkSpec Barak(int bits = 20, int hidden = 16, long seed = 3, bool signed = true) => new()
    {
        Bits = bits, HiddenSizes = new[] { hidden }, Task = ParityTask.SparseParity, Relevant = 3, Seed = seed,
        Activation = Activation.ReLU, Initialization = Initialization.PyTorch, SignedInputs = signed,
    };

    private static TrainingOptions Regime(int epochs = 4) => new()
    {
        Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 8, CheckEvery = 5,
        HeldOutSize = 64, Epochs = epochs,
    };

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: reference {expected[i]:R}, engine {actual[i]:R}");
    }

    // The engine and the reference trainer after the same run: weights within 1e-12 (relative above 1). The two sum
    // the ±1 inputs in different orders (the engine as bits·2W + (b − ΣW)), so they are not bit-identical.
    private static void AssertSameAsReference(ParityNetwork net, TrainingOptions options)
    {
        var trained = Trainer.Train(net, options);
        var reference = ReferenceTrainer.Train(net, options.EffectiveAlpha, options.Epochs, options.Loss, options.BatchSize,
            sampleSize: options.SampleSize, weightDecay: options.WeightDecay, heldOutSize: options.HeldOutSize,
            checkEvery: options.CheckEvery, randomLabels: options.RandomLabels);
        for (int l = 0; l < reference.Weights.Length; l++)
        {
            AssertClose(reference.Weights[l], trained.Weights[l].AsSpan().ToArray(), 1e-12, $"W{l}");
            AssertClose(reference.Biases[l], trained.Biases[l], 1e-12, $"b{l}");
        }
        Assert.Equal(reference.Loss, trained.History!.FinalLoss, 1e-12);
        Assert.NotEqual(net.Weights[0].AsSpan().ToArray(), trained.Weights[0].AsSpan().ToArray()); // it did train
    }

    [Fact]
    public void SignedInputs_HingeLoss_CheckEvery_HeldOut_MatchTheReference() => AssertSameAsReference(ParityNetwork.Create(Barak()), Regime());

    [Fact]
    public void WeightDecay_MatchesTheReference() => AssertSameAsReference(ParityNetwork.Create(Barak()), Regime() with { WeightDecay = 0.01 });

    [Fact]
    public void RandomLabels_MatchTheReference() => AssertSameAsReference(ParityNetwork.Create(Barak()), Regime() with { RandomLabels = true });

    [Theory]
    [InlineData(LossFunction.CrossEntropy, false)]
    [InlineData(LossFunction.MeanSquaredError, true)]
    [InlineData(LossFunction.Hinge, false)]
    public void OtherLossesAndCodings_MatchTheReference(LossFunction loss, bool signed) =>
        AssertSameAsReference(ParityNetwork.Create(Barak(signed: signed)), Regime() with { Loss = loss });

    [Fact]
    public void SignedInputs_OnEveryInteger_MatchTheReference()
    {
        // An enumerated 8-bit network, full-batch: the measuring pass also gives the step, and the fold serves it too.
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 8, HiddenSizes = new[] { 6 }, SignedInputs = true, Seed = 5 });
        AssertSameAsReference(net, new TrainingOptions { Epochs = 30 });
    }

    [Fact]
    public void ASignedNetwork_PredictsWhatItsPlusMinusOneInputsGive()
    {
        var net = ParityNetwork.Create(Barak(bits: 12, hidden: 5));
        var w = net.Weights[0].AsSpan().ToArray();
        double[] b0 = net.Biases[0], w1 = net.Weights[1].AsSpan().ToArray();
        foreach (long number in new long[] { 0, 1, 2047, 4095, 1234 })
        {
            double z = net.Biases[1][0];
            for (int j = 0; j < 5; j++)
            {
                double h = b0[j];
                for (int p = 0; p < 12; p++) h += (((number >> (11 - p)) & 1) == 1 ? 1.0 : -1.0) * w[p * 5 + j];
                z += Math.Max(h, 0) * w1[j];
            }
            Assert.Equal(1 / (1 + Math.Exp(-z)), net.Predict(number), 1e-12);
        }
        // and differs from the same weights on 0/1 inputs
        var unsigned = ParityNetwork.FromWeights(net.Spec with { SignedInputs = false }, net.WeightValues, net.Biases);
        Assert.NotEqual(unsigned.Predict(1234), net.Predict(1234));
    }

    [Fact]
    public void PyTorchInitialization_DrawsWeightsAndBiasesWithinOneOverRootFanIn()
    {
        var net = ParityNetwork.Create(Barak(bits: 50, hidden: 1000));
        double limit0 = 1 / Math.Sqrt(50), limit1 = 1 / Math.Sqrt(1000);
        Assert.All(net.Weights[0].AsSpan().ToArray(), v => Assert.InRange(Math.Abs(v), 0, limit0));
        Assert.All(net.Biases[0], v => Assert.InRange(Math.Abs(v), 0, limit0));
        Assert.All(net.Weights[1].AsSpan().ToArray(), v => Assert.InRange(Math.Abs(v), 0, limit1));
        Assert.True(net.Biases[0].Max() > 0.9 * limit0 && net.Biases[0].Min() < -0.9 * limit0, "biases fill their range");
        Assert.True(net.Weights[0].AsSpan().ToArray().Max() > 0.99 * limit0);
    }

    [Fact]
    public void HingeLoss_ValueAndGradient()
    {
        Assert.Equal(0.0, Losses.Value(LossFunction.Hinge, 1.5, 0, 1));
        Assert.Equal(0.75, Losses.Value(LossFunction.Hinge, 0.25, 0, 1));
        Assert.Equal(1.25, Losses.Value(LossFunction.Hinge, 0.25, 0, 0));
        Assert.Equal(-1.0, Losses.OutputGradient(LossFunction.Hinge, 0.25, 0, 1));
        Assert.Equal(1.0, Losses.OutputGradient(LossFunction.Hinge, 0.25, 0, 0));
        Assert.Equal(0.0, Losses.OutputGradient(LossFunction.Hinge, 1.0, 0, 1)); // margin exactly 1: PyTorch's subgradient 0
        Assert.Equal(0.0, Losses.OutputGradient(LossFunction.Hinge, -3, 0, 0));
    }

    [Fact]
    public void CheckEvery_CountsSteps_AndTheHistorySaysSo()
    {
        var trained = Trainer.Train(ParityNetwork.Create(Barak()), Regime(epochs: 7));
        var h = trained.History!;
        Assert.Equal(5, h.StepsPerEpoch);
        Assert.Equal(35, h.StepsRun);
        Assert.Equal(h.RecordedEpochs.Select(e => 5L * e), h.RecordedSteps);
        Assert.Equal(new long[] { 0, 5, 10, 15, 20, 25, 30, 35 }, h.RecordedSteps);
        Assert.Contains("35 steps, checked every 5", h.Settings.ToString());
        Assert.Contains("64 held out", h.Settings.ToString());
    }

    [Fact]
    public void TheStream_IsWhatTheTrainerDraws_FreshIntegersNeverHeldOut()
    {
        var net = ParityNetwork.Create(Barak());
        var options = Regime(epochs: 3);
        var stream = TrainingStream.Take(net, options, 3);
        Assert.Equal(64, stream.HeldOut.Length);
        Assert.Equal(3 * 5 * 8, stream.Training.Length);
        Assert.Equal(5, stream.StepsPerEpoch);
        Assert.Empty(stream.Training.Intersect(stream.HeldOut));
        long mask = net.SupportMask;
        Assert.Equal(stream.Training.Select(x => System.Numerics.BitOperations.PopCount((ulong)(x & mask)) & 1), stream.TrainingLabels);
        var control = TrainingStream.Take(net, options with { RandomLabels = true }, 3);
        Assert.Equal(stream.Training, control.Training); // the same integers...
        Assert.NotEqual(stream.TrainingLabels, control.TrainingLabels); // ...with coin-flip labels
        Assert.Equal(stream.HeldOutLabels, control.HeldOutLabels); // checks still measure the task
        double ones = control.TrainingLabels.Average();
        Assert.InRange(ones, 0.3, 0.7);
    }

    [Theory]
    [InlineData("CheckEvery")]
    [InlineData("HeldOutSize")]
    [InlineData("RandomLabels")]
    public void SampledOnlyOptions_OnAnEnumeratedNetwork_AreNamedErrors(string option)
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 8 });
        var options = option switch
        {
            "CheckEvery" => new TrainingOptions { Optimizer = OptimizerKind.Sgd, CheckEvery = 10 },
            "HeldOutSize" => new TrainingOptions { HeldOutSize = 10 },
            _ => new TrainingOptions { RandomLabels = true },
        };
        var ex = Assert.Throws<ParityNetException>(() => Trainer.Train(net, options));
        Assert.Contains($"{option} applies to sampled inputs", ex.Message);
    }

    [Fact]
    public void BadRegimeSettings_AreNamedErrors()
    {
        Assert.Contains("WeightDecay -1", Assert.Throws<ParityNetException>(() => new TrainingOptions { WeightDecay = -1 }.Validate()).Message);
        Assert.Contains("GradientDescent takes one full-batch step", Assert.Throws<ParityNetException>(() => new TrainingOptions { CheckEvery = 100 }.Validate()).Message);
        Assert.Contains("CheckEvery 0", Assert.Throws<ParityNetException>(() => new TrainingOptions { Optimizer = OptimizerKind.Sgd, CheckEvery = 0 }.Validate()).Message);
        Assert.Contains("HeldOutSize 0", Assert.Throws<ParityNetException>(() => new TrainingOptions { HeldOutSize = 0 }.Validate()).Message);
        Assert.Contains("need biases", Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { SignedInputs = true, HasBias = false })).Message);
    }

    [Fact]
    public void HiddenProgress_MeasuresTheFirstLayer_AsDefined()
    {
        var net = ParityNetwork.Create(Barak(bits: 20, hidden: 6));
        var trained = Trainer.Train(net, Regime(epochs: 3));
        var hp = trained.History!.HiddenProgress!;
        Assert.Equal(net.Support, hp.SupportBits);
        Assert.Equal(3, hp.ControlBits.Count);
        Assert.Empty(hp.ControlBits.Intersect(hp.SupportBits));
        Assert.Equal(trained.History.RecordedEpochs.Count, hp.DriftMax.Count);
        Assert.Equal(0.0, hp.DriftMax[0]); // before any step nothing moved
        Assert.Equal(0.0, hp.SupportMovement[0]);

        // The last record, recomputed by hand from the definitions.
        double[] w0 = net.Weights[0].AsSpan().ToArray(), w = trained.Weights[0].AsSpan().ToArray();
        int m = 6;
        int Row(int bit) => 19 - bit; // input p reads bit 19 − p
        double driftMax = 0, driftSum = 0, supportMax = 0, otherMax = 0;
        for (int p = 0; p < 20; p++)
            for (int j = 0; j < m; j++)
            {
                double d = Math.Abs(w[p * m + j] - w0[p * m + j]);
                driftMax = Math.Max(driftMax, d); driftSum += d;
                if (hp.SupportBits.Select(Row).Contains(p)) supportMax = Math.Max(supportMax, Math.Abs(w[p * m + j]));
                else otherMax = Math.Max(otherMax, Math.Abs(w[p * m + j]));
            }
        double Movement(IEnumerable<int> bits) => Enumerable.Range(0, m).Max(j =>
            Math.Sqrt(bits.Sum(b => Math.Pow(w[Row(b) * m + j] - w0[Row(b) * m + j], 2))));
        Assert.Equal(driftMax, hp.DriftMax[^1]);
        Assert.Equal(driftSum, hp.DriftSum[^1], 1e-12);
        Assert.Equal(supportMax, hp.SupportWeightMax[^1]);
        Assert.Equal(otherMax, hp.OtherWeightMax[^1]);
        Assert.Equal(Movement(hp.SupportBits), hp.SupportMovement[^1], 1e-15);
        Assert.Equal(Movement(hp.ControlBits), hp.ControlMovement[^1], 1e-15);
        Assert.True(hp.DriftMax[^1] > 0);

        // A task without a support keeps the two drifts only.
        var parity = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 6 }), new TrainingOptions { Epochs = 3 });
        Assert.Equal(4, parity.History!.HiddenProgress!.DriftMax.Count);
        Assert.Empty(parity.History.HiddenProgress.SupportWeightMax);
        Assert.Empty(parity.History.HiddenProgress.ControlBits);
    }

    [Fact]
    public void Barak_50_3_IsSolved_InTheirRegime()
    {
        // The paper's recipe at (50, 3), width 1000: SGD 0.1, hinge, batch 32, ±1 inputs, PyTorch's initialization,
        // checked every 100 steps on 8,192 held-out integers; solved when one check is 100 % right.
        var net = ParityNetwork.Create(Barak(bits: 50, hidden: 1000, seed: 11));
        var trained = Trainer.Train(net, new TrainingOptions
        {
            Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 32, CheckEvery = 100,
            HeldOutSize = 8192, Epochs = 100, TargetAccuracy = 1,
        });
        Assert.Equal(StopReason.TargetReached, trained.History!.StopReason);
        Assert.Equal(1.0, trained.History.FinalAccuracy);
        Assert.InRange(trained.History.StepsRun!.Value, 500, 10_000);
        var hp = trained.History.HiddenProgress!;
        Assert.True(hp.SupportWeightMax[^1] > hp.OtherWeightMax[^1], "the support's weights stand out when it is solved");
        Assert.True(hp.SupportMovement[^1] > 2 * hp.ControlMovement[^1]);
    }
}
