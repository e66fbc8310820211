namespace ParityNet.Tests;

public class NetworkTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    [InlineData(4096)]
    [InlineData(-1)]
    public void Bits_OutsideTheRange_AreRejected(int bits)
    {
        var ex = Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { Bits = bits }));
        Assert.Equal(ErrorIds.BitsOutOfRange, ex.ErrorId);
        Assert.Contains(bits.ToString(), ex.Message);
        Assert.Contains("1 to 1024", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1_000_000_000)]
    public void HiddenSizes_OutOfRange_AreRejected(int size) =>
        Assert.Equal(ErrorIds.InvalidHiddenSize, Assert.Throws<ParityNetException>(() =>
            ParityNetwork.Create(new NetworkSpec { HiddenSizes = new[] { size } })).ErrorId);

    [Fact]
    public void NoHiddenLayer_IsRejected() =>
        Assert.Equal(ErrorIds.InvalidHiddenSize, Assert.Throws<ParityNetException>(() =>
            ParityNetwork.Create(new NetworkSpec { HiddenSizes = Array.Empty<int>() })).ErrorId);

    [Fact]
    public void TooMuchMemory_IsRejectedBeforeAllocating()
    {
        // 2^16 rows × 3 layers of 65 536 hidden units would need terabytes.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { Bits = 16, HiddenSizes = new[] { 65_536, 65_536, 65_536 } }));
        Assert.Equal(ErrorIds.TooLarge, ex.ErrorId);
        Assert.Contains("MiB", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "nothing large may be allocated before the check");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(256)]
    [InlineData(long.MaxValue)]
    public void Numbers_OutsideTheNetwork_AreRejected(long number)
    {
        var net = ParityNetwork.Create(new NetworkSpec());
        var ex = Assert.Throws<ParityNetException>(() => net.Predict(number));
        Assert.Equal(ErrorIds.InputOutOfRange, ex.ErrorId);
        Assert.Contains(number.ToString(), ex.Message);
        Assert.Contains("0 to 255", ex.Message);
    }

    [Fact]
    public void BatchPrediction_EqualsSinglePredictions()
    {
        var net = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 10, HiddenSizes = new[] { 5, 3 } }), new TrainingOptions { Epochs = 20 });
        var numbers = Enumerable.Range(0, 1024).Select(i => (long)i).ToArray();
        var batch = new double[numbers.Length];
        net.Predict(numbers, batch);
        foreach (long n in numbers) Assert.Equal(net.Predict(n), batch[n]);
    }

    [Theory]
    [InlineData(Activation.Sigmoid, 1.0, 12)]   // the product sigmoid
    [InlineData(Activation.Sigmoid, 1.0, 39)]   // … sixteen units at a time, then four, then one
    [InlineData(Activation.Sigmoid, 300.0, 12)] // |w| sums over 700: the dense exp
    [InlineData(Activation.Tanh, 1.0, 12)]
    [InlineData(Activation.ReLU, 1.0, 20)]
    public void Predictions_MatchADenseForwardPass_AndDoNotDependOnTheBatch(Activation activation, double scale, int h)
    {
        // Reference: bits encoded as 0/1, dense sums, Math.Exp's sigmoid; the product path rounds once
        // per factor, so agreement is to 1e-14 on probabilities.
        var spec = new NetworkSpec { Bits = 13, HiddenSizes = new[] { h }, HasBias = true, Activation = activation, Seed = 8 };
        var made = ParityNetwork.Create(spec);
        var net = ParityNetwork.FromWeights(spec, made.Weights.Select(w => w.AsSpan().ToArray().Select(v => v * scale).ToArray()).ToArray(),
            made.Biases.Select(b => b.Select(v => v * scale).ToArray()).ToArray());
        var numbers = new long[] { 0, 1, 2, 3, 4, 1000, 4095, 4096, 8191, 5461, 2730, 77 };
        var batch = new double[numbers.Length];
        net.Predict(numbers, batch);
        var predictor = new Predictor(net);
        for (int i = 0; i < numbers.Length; i++)
        {
            var x = new double[13];
            BitEncoding.Encode(numbers[i], 13, x);
            var hidden = new double[h];
            for (int j = 0; j < h; j++)
            {
                double z = net.Biases[0][j];
                for (int p = 0; p < 13; p++) z += x[p] * net.Weights[0][p, j];
                hidden[j] = Activations.Apply(activation, z);
            }
            double logit = net.Biases[1][0];
            for (int j = 0; j < h; j++) logit += hidden[j] * net.Weights[1][j, 0];
            Assert.Equal(Activations.Sigmoid(logit), batch[i], 1e-14);
            Assert.Equal(batch[i], net.Predict(numbers[i]));        // alone, the same bits
            Assert.Equal(batch[i], predictor.Predict(numbers[i]));
        }
    }

    [Fact]
    public void Biases_AreCopies_ThatCannotChangeTheNetwork()
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 6, HiddenSizes = new[] { 4 }, HasBias = true, Seed = 2 });
        double before = net.Predict(37);
        net.Biases[0][0] += 100;
        net.Biases[1][0] -= 100;
        Assert.Equal(before, net.Predict(37));
        Assert.NotSame(net.Biases[0], net.Biases[0]);
    }

    [Fact]
    public void FromWeights_ChecksShapesAndValues()
    {
        var spec = new NetworkSpec { Bits = 2, HiddenSizes = new[] { 2 }, HasBias = false };
        Assert.Equal(ErrorIds.InvalidWeights, Assert.Throws<ParityNetException>(() =>
            ParityNetwork.FromWeights(spec, new[] { new double[3], new double[2] }, null)).ErrorId);
        Assert.Equal(ErrorIds.InvalidWeights, Assert.Throws<ParityNetException>(() =>
            ParityNetwork.FromWeights(spec, new[] { new double[4] }, null)).ErrorId);
        Assert.Equal(ErrorIds.InvalidWeights, Assert.Throws<ParityNetException>(() =>
            ParityNetwork.FromWeights(spec, new[] { new[] { 0, double.NaN, 0, 0 }, new double[2] }, null)).ErrorId);
        Assert.Equal(ErrorIds.InvalidWeights, Assert.Throws<ParityNetException>(() =>
            ParityNetwork.FromWeights(spec with { HasBias = true }, new[] { new double[4], new double[2] }, null)).ErrorId);

        var source = new[] { new[] { 1.0, 2, 3, 4 }, new[] { 5.0, 6 } };
        var net = ParityNetwork.FromWeights(spec, source, null);
        source[0][0] = 99; // copied, not shared
        Assert.Equal(1.0, net.Weights[0][0, 0]);
        Assert.Equal(3.0, net.Weights[0][1, 0]);
        Assert.Equal(new[] { new[] { 1.0, 2 }, new[] { 3.0, 4 } }, net.Weights[0].Values);
    }

    [Fact]
    public void Prediction_DescribesTheNumber()
    {
        var p = new ParityPrediction(6, 4, ParityTask.Even, 0.9, PredictionEngine.Managed);
        Assert.Equal("0110", p.Bits);
        Assert.Equal("Even", p.Prediction);
        Assert.Equal("Even", p.Expected);
        Assert.True(p.Correct);
        var q = new ParityPrediction(7, 3, ParityTask.BitParity, 0.2, PredictionEngine.Managed);
        Assert.Equal("EvenOnes", q.Prediction); // 7 = 111: the net says an even count of 1 bits
        Assert.Equal("OddOnes", q.Expected);
        Assert.False(q.Correct);
    }
}

/// <summary>The engine names the settings a fix involves and leaves their wording to the front end (issue 13).</summary>
public class EngineMessageTests
{
    public static TheoryData<string, Func<ParityNetException>> Errors => new()
    {
        { "Alpha", () => Assert.Throws<ParityNetException>(() => new TrainingOptions { Alpha = 0 }.Validate()) },
        { "Epochs", () => Assert.Throws<ParityNetException>(() => new TrainingOptions { Epochs = 0 }.Validate()) },
        { "Optimizer", () => Assert.Throws<ParityNetException>(() => new TrainingOptions { BatchSize = 4 }.Validate()) },
        { "Bits", () => Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { Bits = 1070 })) },
        { "HiddenSizes", () => Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { HiddenSizes = new[] { 0 } })) },
        { "NetworkBits", () => Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { Bits = 4 }).CheckNumber(99)) },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void EngineMessages_NameSettings_NotParameters(string setting, Func<ParityNetException> raise)
    {
        var ex = raise();
        Assert.Contains(setting, ex.Settings);
        Assert.DoesNotMatch(@"(^|\s|\()-[A-Z][a-zA-Z]+", ex.Message);   // no PowerShell parameter such as -Alpha
        Assert.DoesNotContain("New-ParityNetwork", ex.Message);
        Assert.Contains(setting, ex.Message);
        Assert.Equal(ex.Message, ex.Worded(s => s));
        Assert.Contains("-" + setting, ex.Worded(s => "-" + s));
    }
}
