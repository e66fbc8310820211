namespace ParityNet.Tests;

/// <summary>The limits that bound what a serialized network may be read as (the module's rehydration reads at
/// most what the largest accepted network holds): each is what the engine really enforces or produces.</summary>
public class LimitsTests
{
    private static long Parameters(NetworkSpec spec)
    {
        long parameters = 0;
        int previous = spec.Bits;
        foreach (int h in spec.HiddenSizes) { parameters += (long)previous * h + h; previous = h; }
        return parameters + previous + 1;
    }

    [Theory]
    [InlineData(3, new[] { 2 })]
    [InlineData(16, new[] { 64, 64 })]
    [InlineData(62, new[] { 1024 })]
    [InlineData(10, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(16, new[] { 65_536, 65_536 })]
    public void TrainingBytes_CountsEachParameterAtLeast13Times(int bits, int[] hidden)
    {
        // MaxParameters is MaxBytesCeiling / (8 × 13): it holds only while every parameter costs 13 doubles.
        var spec = new NetworkSpec { Bits = bits, HiddenSizes = hidden };
        Assert.True(EngineLimits.TrainingBytes(spec) >= 8 * 13 * Parameters(spec));
    }

    [Theory]
    [InlineData(62, new[] { 65_536, 568 })]             // wide, then narrow
    [InlineData(16, new[] { 6_500, 6_500 })]             // two square layers
    [InlineData(8, new[] { 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700 })] // the most layers
    public void ANetworkWithMoreThanMaxParameters_IsRefused(int bits, int[] hidden)
    {
        var spec = new NetworkSpec { Bits = bits, HiddenSizes = hidden };
        Assert.True(Parameters(spec) > EngineLimits.MaxParameters, "the case must be over the limit");
        Assert.Equal(ErrorIds.TooLarge, Assert.Throws<ParityNetException>(() => ParityNetwork.Validate(spec)).ErrorId);
    }

    [Theory]
    [InlineData(9_999, 10_000)]     // stride 1: every epoch, 0 to 9 999
    [InlineData(19_999, 10_001)]    // stride 2: 0, 2, ..., 19 998, and the last, 19 999
    [InlineData(20_000, 6_668)]     // stride 3: 6 667 and the last
    [InlineData(29_999, 10_001)]    // stride 3: 0, 3, ..., 29 997, and the last
    public void AHistory_RecordsAtMostMaxRecordedEpochs(int epochs, int recorded)
    {
        var net = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 2, HiddenSizes = new[] { 2 } }), new TrainingOptions { Epochs = epochs });
        Assert.Equal(recorded, net.History!.RecordedEpochs.Count);
        Assert.True(net.History.RecordedEpochs.Count <= EngineLimits.MaxRecordedEpochs);
        Assert.Equal(epochs, net.History.RecordedEpochs[^1]);
    }
}
