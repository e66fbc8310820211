namespace ParityNet.Engine.Tests;

/// <summary>Issue 28, item 1: (n, k)-sparse parity as a task. The label is the XOR of the support's bits and of no
/// other; the support is given or drawn from the seed without touching the weights; every way to give it wrongly is
/// a named error; training learns the sparse labels, the same as the reference trainer.</summary>
public sealed class SparseParityTests
{
    private static NetworkSpec Sparse(int bits, int[]? support = null, int? relevant = null, long seed = 1, int hidden = 8) =>
        new() { Bits = bits, HiddenSizes = new[] { hidden }, Task = ParityTask.SparseParity, Support = support, Relevant = relevant, Seed = seed };

    [Fact]
    public void TheLabel_IsTheXorOfTheSupportsBits_AndOfNoOther()
    {
        var net = ParityNetwork.Create(Sparse(10, support: new[] { 7, 0, 4 }));
        Assert.Equal(new[] { 0, 4, 7 }, net.Support); // kept in ascending order
        for (long n = 0; n < 1024; n++)
        {
            int xor = (int)(((n >> 0) ^ (n >> 4) ^ (n >> 7)) & 1);
            Assert.Equal(xor, net.Test(n).ExpectedLabel);
            Assert.Equal(xor == 1 ? "OddSupport" : "EvenSupport", net.Test(n).Expected);
        }
        // Bits outside the support change nothing; one inside flips the label.
        Assert.Equal(net.Test(0b0000010001).ExpectedLabel, net.Test(0b1101110001).ExpectedLabel & 1);
        Assert.NotEqual(net.Test(0).ExpectedLabel, net.Test(1 << 4).ExpectedLabel);
    }

    [Fact]
    public void ADrawnSupport_IsKDistinctBits_FromTheSeed_AndLeavesTheWeightsAsAnyNetworkOfThatSeed()
    {
        var supports = new HashSet<string>();
        for (long seed = 1; seed <= 20; seed++)
        {
            var net = ParityNetwork.Create(Sparse(50, relevant: 3, seed: seed));
            Assert.Equal(3, net.Support.Count);
            Assert.Equal(3, net.Support.Distinct().Count());
            Assert.All(net.Support, b => Assert.InRange(b, 0, 49));
            Assert.Equal(net.Support, ParityNetwork.Create(Sparse(50, relevant: 3, seed: seed)).Support); // the same seed, the same support
            Assert.Null(net.Spec.Relevant); // the spec holds the support it drew
            supports.Add(string.Join(",", net.Support));
            var parity = ParityNetwork.Create(Sparse(50, relevant: 3, seed: seed) with { Task = ParityTask.BitParity, Relevant = null });
            Assert.Equal(parity.Weights[0].AsSpan().ToArray(), net.Weights[0].AsSpan().ToArray());
        }
        Assert.True(supports.Count >= 18, $"20 seeds drew only {supports.Count} different supports of 3 among 50 bits");
        Assert.Equal(Enumerable.Range(0, 6), ParityNetwork.Create(Sparse(6, relevant: 6)).Support); // k = n is every bit
    }

    [Theory]
    [InlineData(null, null, "needs its support")]
    [InlineData(new[] { 1, 2 }, 2, "one way")]
    [InlineData(new[] { 8 }, null, "Support bit 8 is outside 0 to 7")]
    [InlineData(new[] { -1 }, null, "Support bit -1 is outside 0 to 7")]
    [InlineData(new[] { 3, 3 }, null, "Support bit 3 is given twice")]
    [InlineData(null, 0, "Relevant 0 is outside 1 to 8")]
    [InlineData(null, 9, "Relevant 9 is outside 1 to 8")]
    public void ASupportGivenWrongly_IsANamedError(int[]? support, int? relevant, string message)
    {
        var ex = Assert.Throws<ParityNetException>(() => ParityNetwork.Create(Sparse(8, support, relevant)));
        Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void ASupportOnAnotherTask_IsRefused()
    {
        var ex = Assert.Throws<ParityNetException>(() => ParityNetwork.Create(new NetworkSpec { Bits = 8, Task = ParityTask.BitParity, Relevant = 3 }));
        Assert.Contains("belongs to the SparseParity task, not BitParity", ex.Message);
        Assert.Throws<ArgumentException>(() => TaskLabels.Label(ParityTask.SparseParity, 5)); // a label never read without the support
    }

    [Fact]
    public void Training_LearnsTheSparseLabels_AsTheReferenceTrainerDoes()
    {
        var net = ParityNetwork.Create(Sparse(8, support: new[] { 1, 6 }, hidden: 6));
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = 30 });
        var (weights, _, lastLoss) = ReferenceTrainer.Train(net, 0.5, 30);
        for (int l = 0; l < weights.Length; l++)
            Assert.Equal(weights[l], trained.Weights[l].AsSpan().ToArray(), new ToleranceComparer(1e-12));
        Assert.Equal(lastLoss, trained.History!.FinalLoss, 1e-12);

        // The parity recipe learns 3 bits among 12 to every input: only the sparse labels allow that.
        var recipe = ParityNetwork.Create(new NetworkSpec
        {
            Bits = 12, HiddenSizes = new[] { 64 }, Task = ParityTask.SparseParity, Support = new[] { 1, 5, 9 },
            Activation = Activation.ReLU, Initialization = Initialization.He, Seed = 1,
        });
        var solved = Trainer.Train(recipe, new TrainingOptions
        {
            Optimizer = OptimizerKind.Adam, Alpha = 0.01, Loss = LossFunction.CrossEntropy, BatchSize = 4096, Epochs = 2000, TargetAccuracy = 1,
        });
        Assert.Equal(1.0, solved.History!.FinalAccuracy);
        for (long n = 0; n < 4096; n++) Assert.True(solved.Test(n).Correct, $"{n} is answered wrongly");
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
