using System.Numerics;

namespace ParityNet.Engine.Tests;

/// <summary>Issue 28: inputs wider than 62 bits (Barak et al.'s n = 100 and 200). A row is read in chunks of 62 bits;
/// the engine's passes over chunked rows are held to the reference trainer, which encodes every bit and multiplies the
/// dense way; labels are held to the XOR of the support's bits computed on a BigInteger.</summary>
public sealed class WideInputTests
{
    private static NetworkSpec Wide(int bits, int[]? support = null, int hidden = 12, bool signed = true, Activation activation = Activation.ReLU) => new()
    {
        Bits = bits, HiddenSizes = new[] { hidden }, Task = ParityTask.SparseParity, Support = support ?? new[] { 3, 70, 99 }, Seed = 9,
        Activation = activation, Initialization = Initialization.PyTorch, SignedInputs = signed,
    };

    [Theory]
    [InlineData(62, 1)]
    [InlineData(63, 2)]
    [InlineData(124, 2)]
    [InlineData(125, 3)]
    [InlineData(200, 4)]
    public void AWideRow_IsChunksOf62Bits_MostSignificantInputFirst(int bits, int chunks)
    {
        Assert.Equal(chunks, WideNumbers.Chunks(bits));
        // Every input row of the first layer is read by exactly one bit of exactly one chunk.
        var seen = new bool[bits];
        for (int c = 0; c < chunks; c++)
            for (int q = 0; q < WideNumbers.ChunkWidth(bits, c); q++)
            {
                int p = WideNumbers.FirstRow(bits, c) + q, bit = c * 62 + WideNumbers.ChunkWidth(bits, c) - 1 - q;
                Assert.Equal(bits - 1 - p, bit);
                Assert.False(seen[p]);
                seen[p] = true;
            }
        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void TheStream_LabelsEveryWideRow_ByTheXorOfItsSupportBits()
    {
        var net = ParityNetwork.Create(Wide(200, new[] { 0, 61, 62, 123, 124, 199 }));
        var options = new TrainingOptions { Optimizer = OptimizerKind.Sgd, BatchSize = 32, CheckEvery = 10, HeldOutSize = 500, Epochs = 2 };
        var stream = TrainingStream.Take(net, options, 2);
        Assert.Equal(4, stream.Chunks);
        Assert.Equal(640, stream.TrainingRows);
        int ones = 0;
        for (int i = 0; i < stream.TrainingRows; i++)
        {
            var value = BigInteger.Parse("0" + stream.TrainingHex(i), System.Globalization.NumberStyles.HexNumber);
            Assert.True(value < BigInteger.One << 200);
            int xor = net.Support.Aggregate(0, (x, bit) => x ^ (int)((value >> bit) & 1));
            Assert.Equal(xor, stream.TrainingLabels[i]);
            ones += xor;
        }
        Assert.InRange(ones, 200, 440); // the bits are drawn uniformly: about half the labels are 1
        // The highest chunk's bits are drawn too: some rows have bits above 186 set.
        Assert.Contains(Enumerable.Range(0, stream.TrainingRows), i => BigInteger.Parse("0" + stream.TrainingHex(i), System.Globalization.NumberStyles.HexNumber) >> 186 != 0);
        var held = Enumerable.Range(0, stream.HeldOutRows).Select(stream.HeldOutHex).ToHashSet();
        Assert.Equal(500, held.Count);
        Assert.DoesNotContain(Enumerable.Range(0, stream.TrainingRows).Select(stream.TrainingHex), held.Contains);
    }

    [Theory]
    [InlineData(100, true, Activation.ReLU, LossFunction.Hinge)]
    [InlineData(130, false, Activation.ReLU, LossFunction.CrossEntropy)]
    [InlineData(70, true, Activation.Sigmoid, LossFunction.MeanSquaredError)]
    [InlineData(200, true, Activation.Tanh, LossFunction.Hinge)]
    public void TrainingWideInputs_MatchesTheReference(int bits, bool signed, Activation activation, LossFunction loss)
    {
        var net = ParityNetwork.Create(Wide(bits, new[] { 3, 65, bits - 1 }, signed: signed, activation: activation));
        var options = new TrainingOptions { Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = loss, BatchSize = 8, CheckEvery = 4, HeldOutSize = 300, Epochs = 3, WeightDecay = 0.001 };
        var trained = Trainer.Train(net, options);
        var reference = ReferenceTrainer.Train(net, 0.1, 3, loss, 8, weightDecay: 0.001, heldOutSize: 300, checkEvery: 4);
        for (int l = 0; l < 2; l++)
        {
            var ours = trained.Weights[l].AsSpan().ToArray();
            for (int i = 0; i < ours.Length; i++)
                Assert.True(Math.Abs(ours[i] - reference.Weights[l][i]) <= 1e-12 * Math.Max(1, Math.Abs(ours[i])), $"W{l}[{i}] {ours[i]:R} vs {reference.Weights[l][i]:R}");
            for (int i = 0; i < reference.Biases[l].Length; i++)
                Assert.True(Math.Abs(trained.Biases[l][i] - reference.Biases[l][i]) <= 1e-12 * Math.Max(1, Math.Abs(reference.Biases[l][i])));
        }
        Assert.Equal(reference.Loss, trained.History!.FinalLoss, 1e-12);
        Assert.NotEqual(net.Weights[0].AsSpan().ToArray(), trained.Weights[0].AsSpan().ToArray());
    }

    [Fact]
    public void AWideNetwork_AnswersAnyLong_AsItsBitsMultiplyOut()
    {
        var net = ParityNetwork.Create(Wide(100, hidden: 5));
        Assert.Equal(long.MaxValue, net.MaxNumber);
        var w = net.Weights[0].AsSpan().ToArray();
        foreach (long number in new[] { 0L, 1L, (1L << 62) - 1, 1L << 62, long.MaxValue, 0x5DEECE66DL })
        {
            double z = net.Biases[1][0];
            for (int j = 0; j < 5; j++)
            {
                double h = net.Biases[0][j];
                for (int p = 0; p < 100; p++)
                {
                    int bit = 99 - p;
                    int b = bit <= 62 ? (int)((number >> bit) & 1) : 0;
                    h += (2 * b - 1) * w[p * 5 + j];
                }
                z += Math.Max(h, 0) * net.Weights[1].AsSpan()[j];
            }
            Assert.Equal(1 / (1 + Math.Exp(-z)), net.Predict(number), 1e-12);
            Assert.Equal((int)(((number >> 3) & 1) ^ 0 ^ 0), net.Test(number).ExpectedLabel); // bits 70 and 99 of a long are 0
        }
    }

    [Fact]
    public void PredictRows_ReadsEveryBit_AndIsPredictForTheRowsALongHolds()
    {
        var net = ParityNetwork.Create(Wide(100, hidden: 5));
        var w = net.Weights[0].AsSpan().ToArray();
        var rng = new SeededRandom(17);
        var rows = new long[6 * 2];
        rows[2] = (1L << 62) - 1; rows[3] = (1L << 38) - 1; // row 1: every bit
        rows[5] = 1L << 37;                                   // row 2: bit 99 alone
        for (int i = 3; i < 6; i++) { rows[2 * i] = rng.NextInt64(1L << 62); rows[2 * i + 1] = rng.NextInt64(1L << 38); }
        var p = new double[6];
        net.PredictRows(rows, p);
        var bits = new double[100];
        for (int i = 0; i < 6; i++)
        {
            WideNumbers.Encode(rows.AsSpan(2 * i, 2), 100, bits);
            double z = net.Biases[1][0];
            for (int j = 0; j < 5; j++)
            {
                double h = net.Biases[0][j];
                for (int q = 0; q < 100; q++) h += (2 * bits[q] - 1) * w[q * 5 + j];
                z += Math.Max(h, 0) * net.Weights[1].AsSpan()[j];
            }
            Assert.Equal(1 / (1 + Math.Exp(-z)), p[i], 1e-12);
        }
        Assert.NotEqual(p[0], p[2]); // bit 99 alone moves the answer: it is read
        // A row a long holds: the same bits as Predict.
        var one = new long[2];
        WideNumbers.FromLong(0x5DEECE66DL, one);
        var q1 = new double[1];
        net.PredictRows(one, q1);
        Assert.Equal(BitConverter.DoubleToInt64Bits(net.Predict(0x5DEECE66DL)), BitConverter.DoubleToInt64Bits(q1[0]));
        var bad = (long[])one.Clone();
        bad[1] = 1L << 38; // past the top chunk's 38 bits
        Assert.Equal(ErrorIds.InputOutOfRange, Assert.Throws<ParityNetException>(() => net.PredictRows(bad, q1)).ErrorId);
        Assert.Throws<ArgumentException>(() => net.PredictRows(one.AsSpan(1), q1));
    }

    [Fact]
    public void AWideNetwork_AnswersIntegersPastALong_ReadingEveryBit()
    {
        var net = ParityNetwork.Create(Wide(100, hidden: 5));
        var w = net.Weights[0].AsSpan().ToArray();
        var predictor = new Predictor(net);
        var rng = new SeededRandom(23);
        var numbers = new List<BigInteger> { BigInteger.One << 99, (BigInteger.One << 100) - 1, (BigInteger.One << 63) | 1, BigInteger.One << 70 };
        for (int i = 0; i < 6; i++) numbers.Add(((BigInteger)rng.NextInt64(1L << 38) << 62) | rng.NextInt64(1L << 62));
        foreach (var number in numbers)
        {
            // The dense way, every bit read off the BigInteger itself: no chunks.
            double z = net.Biases[1][0];
            for (int j = 0; j < 5; j++)
            {
                double h = net.Biases[0][j];
                for (int p = 0; p < 100; p++) h += (2 * (int)((number >> (99 - p)) & 1) - 1) * w[p * 5 + j];
                z += Math.Max(h, 0) * net.Weights[1].AsSpan()[j];
            }
            Assert.Equal(1 / (1 + Math.Exp(-z)), net.Predict(number), 1e-12);
            // The predictor and PredictRows of the same row: the same bits.
            var row = new long[2];
            WideNumbers.FromBigInteger(number, row);
            Assert.Equal(number, WideNumbers.ToBigInteger(row));
            var q = new double[1];
            net.PredictRows(row, q);
            Assert.Equal(BitConverter.DoubleToInt64Bits(q[0]), BitConverter.DoubleToInt64Bits(predictor.Predict(number)));
            var test = predictor.Test(number);
            Assert.Equal(number, test.Number);
            Assert.Equal(BitConverter.DoubleToInt64Bits(q[0]), BitConverter.DoubleToInt64Bits(test.Probability));
            int xor = (int)(((number >> 3) ^ (number >> 70) ^ (number >> 99)) & 1); // the support 3, 70, 99
            Assert.Equal(xor, test.ExpectedLabel);
            Assert.Equal(number.ToString("b", System.Globalization.CultureInfo.InvariantCulture).TrimStart('0').PadLeft(100, '0'), test.Bits);
        }
        Assert.Contains(numbers, n => predictor.Test(n).ExpectedLabel == 1);
        Assert.Contains(numbers, n => predictor.Test(n).ExpectedLabel == 0);
        // A number a long holds: the same bits and the same prediction either way.
        var small = predictor.Test((BigInteger)0x5DEECE66DL);
        Assert.Equal(BitConverter.DoubleToInt64Bits(net.Predict(0x5DEECE66DL)), BitConverter.DoubleToInt64Bits(small.Probability));
        Assert.Equal(predictor.Test(0x5DEECE66DL).Bits, small.Bits);
        // Past 2^100 − 1, or below 0: the named error, with the range in its message.
        foreach (var bad in new[] { BigInteger.One << 100, BigInteger.MinusOne, -(BigInteger.One << 80) })
        {
            var ex = Assert.Throws<ParityNetException>(() => predictor.Predict(bad));
            Assert.Equal(ErrorIds.InputOutOfRange, ex.ErrorId);
            Assert.Contains("2^100 - 1", ex.Message);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => WideNumbers.FromBigInteger(BigInteger.One << 124, new long[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => WideNumbers.FromBigInteger(BigInteger.MinusOne, new long[2]));
    }

    [Theory]
    [InlineData(ParityTask.Even)]
    [InlineData(ParityTask.BitParity)]
    public void APredictionPastALong_HasItsTasksLabel(ParityTask task)
    {
        var number = (BigInteger.One << 150) | (BigInteger.One << 64) | 4; // three ones, even
        var p = new ParityPrediction(number, 151, task, 0.25, PredictionEngine.Managed);
        Assert.Equal(1, p.ExpectedLabel); // Even: the number is even; BitParity: it has an odd count of ones
        Assert.Equal(0, p.Label);
        var expected = new string('0', 151).ToCharArray();
        expected[0] = expected[150 - 64] = expected[150 - 2] = '1';
        Assert.Equal(new string(expected), p.Bits);
        var q = new ParityPrediction(number + 1, 151, task, 0.75, PredictionEngine.Managed); // odd, with four ones
        Assert.Equal(0, q.ExpectedLabel);
        Assert.Equal(1, q.Label);
    }

    [Fact]
    public void Barak_100_3_IsSolved_InTheirRegime()
    {
        var net = ParityNetwork.Create(new NetworkSpec
        {
            Bits = 100, HiddenSizes = new[] { 1000 }, Task = ParityTask.SparseParity, Relevant = 3, Seed = 5,
            Activation = Activation.ReLU, Initialization = Initialization.PyTorch, SignedInputs = true,
        });
        var trained = Trainer.Train(net, new TrainingOptions
        {
            Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 32, CheckEvery = 100,
            HeldOutSize = 8192, Epochs = 300, TargetAccuracy = 1,
        });
        Assert.Equal(StopReason.TargetReached, trained.History!.StopReason);
        Assert.InRange(trained.History.StepsRun!.Value, 2000, 20_000);
        var hp = trained.History.HiddenProgress!;
        Assert.True(hp.SupportWeightMax[^1] > 2 * hp.OtherWeightMax[^1]);
    }
}
