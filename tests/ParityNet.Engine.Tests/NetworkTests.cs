namespace ParityNet.Tests;

public class NetworkTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(-1)]
    public void Bits_OutsideTheRange_AreRejected(int bits)
    {
        var ex = Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { Bits = bits }));
        Assert.Equal(ErrorIds.BitsOutOfRange, ex.ErrorId);
        Assert.Contains(bits.ToString(), ex.Message);
        Assert.Contains("1 to 62", ex.Message);
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
        Assert.Equal("Even", q.Prediction);
        Assert.Equal("Odd", q.Expected);
        Assert.False(q.Correct);
    }
}
