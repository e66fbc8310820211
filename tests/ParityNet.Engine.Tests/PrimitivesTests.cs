namespace ParityNet.Tests;

public class PrimitivesTests
{
    [Fact]
    public void SplitMix64_MatchesTheReferenceSequence()
    {
        // First outputs of SplitMix64 for seed 1, from an independent Python implementation.
        var rng = new SeededRandom(1);
        Assert.Equal(0x910a2dec89025cc1UL, rng.NextUInt64());
        Assert.Equal(0xbeeb8da1658eec67UL, rng.NextUInt64());
        Assert.Equal(0xf893a2eefb32555eUL, rng.NextUInt64());
    }

    [Fact]
    public void Uniform_StaysInHalfOpenRange()
    {
        var rng = new SeededRandom(42);
        for (int i = 0; i < 100_000; i++)
        {
            double v = rng.NextUniform(-1, 1);
            Assert.InRange(v, -1.0, Math.BitDecrement(1.0));
        }
    }

    [Fact]
    public void NextInt64_IsUniformEnough()
    {
        var rng = new SeededRandom(7);
        var counts = new int[5];
        for (int i = 0; i < 50_000; i++) counts[rng.NextInt64(5)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Theory]
    [InlineData(5, 4, new double[] { 0, 1, 0, 1 }, "0101")]
    [InlineData(0, 3, new double[] { 0, 0, 0 }, "000")]
    [InlineData(255, 8, new double[] { 1, 1, 1, 1, 1, 1, 1, 1 }, "11111111")]
    [InlineData(6, 3, new double[] { 1, 1, 0 }, "110")]
    public void Encode_IsMostSignificantFirst(long value, int bits, double[] expected, string text)
    {
        var bitsOut = new double[bits];
        BitEncoding.Encode(value, bits, bitsOut);
        Assert.Equal(expected, bitsOut);
        Assert.Equal(text, BitEncoding.ToText(value, bits));
    }

    [Fact]
    public void Encode_RejectsShortDestination() =>
        Assert.Throws<ArgumentException>(() => BitEncoding.Encode(3, 4, new double[3]));

    [Theory]
    [InlineData(ParityTask.Even, 0, 1)]
    [InlineData(ParityTask.Even, 7, 0)]
    [InlineData(ParityTask.Even, 10, 1)]
    [InlineData(ParityTask.BitParity, 0, 0)]
    [InlineData(ParityTask.BitParity, 7, 1)]
    [InlineData(ParityTask.BitParity, 6, 0)]
    public void Labels_FollowTheTask(ParityTask task, long number, int label) =>
        Assert.Equal(label, TaskLabels.Label(task, number));

    [Fact]
    public void Sigmoid_IsStableAtExtremes()
    {
        Assert.Equal(1.0, Activations.Sigmoid(1000));
        Assert.Equal(0.0, Activations.Sigmoid(-1000));
        Assert.Equal(0.5, Activations.Sigmoid(0));
        Assert.True(Activations.Sigmoid(-700) > 0, "the tail below e^-700 must not flush to zero");
        Assert.False(double.IsNaN(Activations.Sigmoid(double.MaxValue)));
        Assert.False(double.IsNaN(Activations.Sigmoid(double.MinValue)));
        foreach (double x in new[] { 0.1, 1, 5, 30, 200 })
            Assert.Equal(1.0, Activations.Sigmoid(x) + Activations.Sigmoid(-x), 15);
    }

    [Fact]
    public void SigmoidDerivative_IsTakenFromTheOutput()
    {
        // d/dx sigmoid(x) = s(1-s); compared with a central difference (tolerance 1e-9).
        foreach (double x in new[] { -3.0, -0.5, 0, 0.7, 2.5 })
        {
            double h = 1e-5;
            double numeric = (Activations.Sigmoid(x + h) - Activations.Sigmoid(x - h)) / (2 * h);
            Assert.Equal(numeric, Activations.SigmoidDerivativeFromOutput(Activations.Sigmoid(x)), 9);
        }
    }
}
