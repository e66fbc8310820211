using System.Numerics;
using System.Runtime.Intrinsics;

namespace ParityNet.Tests;

/// <summary>
/// Issue 22's fused kernels against the general path they replace, bit for bit: the parity recipe's block (ReLU hidden
/// units, one output) forward and backward, and the cross-entropy output with its own log. Where 512-bit vectors are not
/// accelerated the block kernel does not serve (the general path does): its tests are skipped there with that reason, and
/// PinnedBitsTests hold whole runs to the same bits either way.
/// </summary>
public class ReLUBlockTests
{
    [Vector512Theory]
    [InlineData(16, 128, 0, 128, true)]
    [InlineData(16, 128, 65536 - 128, 128, true)]
    [InlineData(12, 128, 1024 + 256, 24, false)]  // three blocks of eight units
    [InlineData(3, 8, 0, 8, true)]                 // the smallest block: one group of eight rows, three bits
    [InlineData(10, 16, 16 * 7, 1000, true)]       // a wide layer
    [InlineData(20, 64, 1L << 19, 40, true)]       // rows the block shares above its own bits
    public void ForwardAndBackward_AreTheGeneralPathBitForBit(int bits, int count, long start, int m, bool withBias)
    {
        Assert.True(ReLUBlockLayer.Fits(count, m));
        var rng = new SeededRandom(bits * 131 + m);
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var bias = withBias ? Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray() : Array.Empty<double>();
        var wOut = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        int levels = BitOperations.Log2((uint)count);

        // The general path: sums, bias and ReLU by the slot walk, then the rows' dot products.
        var a = new double[count * m];
        SummedBitsLayer.ForwardBlockReLU(start, count, bits, w, bias, m, a, new double[(levels + 1) * m]);
        var z = new double[count];
        Kernels.RowDots(a, wOut, z, count, m);

        var blockA = new double[count * m];
        var blockZ = new double[count];
        ReLUBlockLayer.Forward(start, count, bits, w, bias, m, wOut, blockA, blockZ, new double[(levels + 1) * m]);
        Assert.Equal(z.Select(Bits), blockZ.Select(Bits));
        for (int i = 0; i < count; i++) // the block keeps eight units of all rows together
            for (int j = 0; j < m; j++)
                Assert.Equal(Bits(a[i * m + j]), Bits(blockA[j / 8 * count * 8 + i * 8 + j % 8]));
        Assert.Contains(a, v => v == 0);
        Assert.Contains(a, v => v > 0);

        var d = Enumerable.Range(0, count).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var (g, gBias, gOut, gOutBias) = Gradients(bits, m, withBias);
        var (g2, gBias2, gOut2, gOutBias2) = Gradients(bits, m, withBias);

        var back = new double[count * m];
        Kernels.SingleUnitBackward(a, d, wOut, gOut, gOutBias, back, count, m, Activation.ReLU);
        BitWalk.GradientBlock(start, count, bits, back, m, g, gBias);
        ReLUBlockLayer.Backward(start, count, bits, blockA, d, wOut, gOut2, gOutBias2, g2, gBias2, m, new double[count / 2 * 8]);
        Assert.Equal(gOut.Select(Bits), gOut2.Select(Bits));
        Assert.Equal(gOutBias.Select(Bits), gOutBias2.Select(Bits));
        Assert.Equal(g.Select(Bits), g2.Select(Bits));
        Assert.Equal(gBias.Select(Bits), gBias2.Select(Bits));
    }

    [Vector512Theory]
    [InlineData(50, 32, 1000, true)]   // the small-batch case
    [InlineData(50, 32, 1000, false)]
    [InlineData(10, 7, 64, true)]      // rows that are not a multiple of four
    [InlineData(20, 130, 72, true)]    // a remainder of eight units, many rows
    [InlineData(5, 1, 8, false)]
    public void AnyNumbers_AreTheGeneralPathBitForBit(int bits, int count, int m, bool withBias)
    {
        Assert.True(ReLUBlockLayer.FitsAny(m));
        var rng = new SeededRandom(bits * 17 + count);
        var numbers = Enumerable.Range(0, count).Select(i => i == 0 ? 0L : rng.NextInt64(1L << bits)).ToArray(); // 0: no bit set
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var bias = withBias ? Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray() : Array.Empty<double>();
        var wOut = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();

        var a = new double[count * m];
        SummedBitsLayer.ForwardAny(numbers, bits, w, m, a);
        Kernels.AddBias(a, bias, count, m);
        Kernels.Activate(a, Activation.ReLU);
        var z = new double[count];
        Kernels.RowDots(a, wOut, z, count, m);

        var blockA = new double[count * m];
        ReLUBlockLayer.ForwardAny(numbers, bits, w, bias, m, blockA);
        var blockZ = new double[count];
        ReLUBlockLayer.Dots(blockA, wOut, blockZ, count, m);
        Assert.Equal(z.Select(Bits), blockZ.Select(Bits));
        for (int i = 0; i < count; i++)
            for (int j = 0; j < m; j++)
                Assert.Equal(Bits(a[i * m + j]), Bits(blockA[j / 8 * count * 8 + i * 8 + j % 8]));

        var d = Enumerable.Range(0, count).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var (g, gBias, gOut, gOutBias) = Gradients(bits, m, withBias);
        var (g2, gBias2, gOut2, gOutBias2) = Gradients(bits, m, withBias);
        var back = new double[count * m];
        Kernels.SingleUnitBackward(a, d, wOut, gOut, gOutBias, back, count, m, Activation.ReLU);
        BitWalk.GradientAny(numbers, bits, back, m, g, gBias);
        var scratch = new double[count * m];
        ReLUBlockLayer.BackwardAny(numbers, bits, blockA, d, wOut, gOut2, gOutBias2, g2, gBias2, m, scratch);
        Assert.Equal(gOut.Select(Bits), gOut2.Select(Bits));
        Assert.Equal(gOutBias.Select(Bits), gOutBias2.Select(Bits));
        Assert.Equal(g.Select(Bits), g2.Select(Bits));
        Assert.Equal(gBias.Select(Bits), gBias2.Select(Bits));
        Assert.Throws<ArgumentException>(() => ReLUBlockLayer.ForwardAny(numbers, bits, w, bias, m, blockA.AsSpan(1)));

        // Fresh: buffers full of leftovers are written as if zeroed first, then summed into.
        Array.Clear(gOut); Array.Clear(gOutBias); Array.Clear(g); Array.Clear(gBias);
        Kernels.SingleUnitBackward(a, d, wOut, gOut, gOutBias, back, count, m, Activation.ReLU);
        BitWalk.GradientAny(numbers, bits, back, m, g, gBias);
        var leftovers = new[] { gOut2, gOutBias2, g2, gBias2 };
        foreach (var buffer in leftovers) Array.Fill(buffer, double.NaN);
        ReLUBlockLayer.BackwardAny(numbers, bits, blockA, d, wOut, gOut2, gOutBias2, g2, gBias2, m, scratch, fresh: true);
        Assert.Equal(gOut.Select(Bits), gOut2.Select(Bits));
        Assert.Equal(gOutBias.Select(Bits), gOutBias2.Select(Bits));
        Assert.Equal(g.Select(Bits), g2.Select(Bits));
        Assert.Equal(gBias.Select(Bits), gBias2.Select(Bits));
    }

    [Vector512Theory]
    [InlineData(100, 32, 1000, true)]  // Barak et al.'s (100, k): two chunks a row
    [InlineData(200, 32, 64, true)]    // four chunks, the last of 14 bits
    [InlineData(63, 9, 16, false)]     // one bit past a chunk; rows not a multiple of four
    [InlineData(124, 130, 24, true)]   // two full chunks, many rows, a remainder of eight units
    public void WideRows_AreTheWideGeneralPathBitForBit(int bits, int count, int m, bool withBias)
    {
        // Inputs wider than 62 bits take the fused path too: its sums add a row's set bits' weight rows in the order
        // WideBitsLayer adds them (input 0 first, chunk by chunk), and each gradient row its rows in row order.
        int chunks = WideNumbers.Chunks(bits);
        var rng = new SeededRandom(bits * 29 + count);
        var numbers = new long[count * chunks];
        for (int i = 1; i < count; i++) // row 0: no bit set
            for (int c = 0; c < chunks; c++) numbers[i * chunks + c] = rng.NextInt64(1L << WideNumbers.ChunkWidth(bits, c));
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var bias = withBias ? Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray() : Array.Empty<double>();
        var wOut = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();

        var a = new double[count * m];
        WideBitsLayer.ForwardAny(numbers, chunks, bits, w, m, a);
        Kernels.AddBias(a, bias, count, m);
        Kernels.Activate(a, Activation.ReLU);
        var z = new double[count];
        Kernels.RowDots(a, wOut, z, count, m);
        var blockA = new double[count * m];
        ReLUBlockLayer.ForwardAny(numbers, bits, w, bias, m, blockA, chunks);
        var blockZ = new double[count];
        ReLUBlockLayer.Dots(blockA, wOut, blockZ, count, m);
        Assert.Equal(z.Select(Bits), blockZ.Select(Bits));
        for (int i = 0; i < count; i++)
            for (int j = 0; j < m; j++)
                Assert.Equal(Bits(a[i * m + j]), Bits(blockA[j / 8 * count * 8 + i * 8 + j % 8]));
        Assert.Contains(a, v => v == 0);
        Assert.Contains(a, v => v > 0);

        var d = Enumerable.Range(0, count).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var (g, gBias, gOut, gOutBias) = Gradients(bits, m, withBias);
        var (g2, gBias2, gOut2, gOutBias2) = Gradients(bits, m, withBias);
        var back = new double[count * m];
        Array.Clear(gOut); Array.Clear(gOutBias); Array.Clear(g); Array.Clear(gBias);
        Kernels.SingleUnitBackward(a, d, wOut, gOut, gOutBias, back, count, m, Activation.ReLU);
        WideBitsLayer.BackwardAny(numbers, chunks, bits, back, m, g, gBias);
        foreach (var buffer in new[] { gOut2, gOutBias2, g2, gBias2 }) Array.Fill(buffer, double.NaN); // written, as if zeroed first
        ReLUBlockLayer.BackwardAny(numbers, bits, blockA, d, wOut, gOut2, gOutBias2, g2, gBias2, m, new double[count * m], fresh: true, chunks);
        Assert.Equal(gOut.Select(Bits), gOut2.Select(Bits));
        Assert.Equal(gOutBias.Select(Bits), gOutBias2.Select(Bits));
        Assert.Equal(g.Select(Bits), g2.Select(Bits));
        Assert.Equal(gBias.Select(Bits), gBias2.Select(Bits));

        // A chunk past its width, and rows that are not whole, are refused.
        var bad = (long[])numbers.Clone();
        bad[chunks - 1] = 1L << WideNumbers.ChunkWidth(bits, chunks - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReLUBlockLayer.ForwardAny(bad, bits, w, bias, m, blockA, chunks));
        Assert.Throws<ArgumentException>(() => ReLUBlockLayer.ForwardAny(numbers.AsSpan(1), bits, w, bias, m, blockA, chunks));
    }

    [Vector512Theory]
    [InlineData(50, 32, 1000, 0.0)]     // Barak et al.'s (50, k) step
    [InlineData(50, 32, 1000, 0.01)]    // with PyTorch's weight decay
    [InlineData(100, 32, 72, 0.0)]      // wide rows; a remainder of eight units
    [InlineData(7, 5, 8, 0.001)]
    public void StepInThePass_IsStepAndFoldBitForBit(int bits, int count, int m, double weightDecay)
    {
        // The signed layer's step taken as each gradient row is made (FoldedStep) against the gradient written out, then
        // SignedInputs.StepAndFold: the same parameters, fold, bias fold and finiteness, bit for bit.
        int chunks = WideNumbers.Chunks(bits);
        var rng = new SeededRandom(bits * 7 + m);
        var numbers = new long[count * chunks];
        for (int i = 0; i < numbers.Length; i++) numbers[i] = rng.NextInt64(1L << WideNumbers.ChunkWidth(bits, i % chunks));
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var bias = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var wOut = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var folded = new double[bits * m];
        var foldedBias = new double[m];
        SignedInputs.Fold(w, bias, bits, m, folded, foldedBias);
        var a = new double[count * m];
        ReLUBlockLayer.ForwardAny(numbers, bits, folded, foldedBias, m, a, chunks);
        var d = Enumerable.Range(0, count).Select(_ => rng.NextUniform(-1, 1)).ToArray();

        foreach (bool blowUp in new[] { false, true })
        {
            const double alpha = 0.1;
            if (blowUp) d[0] = double.NaN; // a gradient that is not finite: so are the parameters after the step
            var (g, gBias, gOut, gOutBias) = Gradients(bits, m, true);
            var (g2, gBias2, gOut2, gOutBias2) = Gradients(bits, m, true);
            var (w1, b1, f1, fb1) = ((double[])w.Clone(), (double[])bias.Clone(), (double[])folded.Clone(), (double[])foldedBias.Clone());
            var (w2, b2, f2, fb2) = ((double[])w.Clone(), (double[])bias.Clone(), (double[])folded.Clone(), (double[])foldedBias.Clone());
            ReLUBlockLayer.BackwardAny(numbers, bits, a, d, wOut, gOut, gOutBias, g, gBias, m, new double[count * m], fresh: true, chunks);
            bool finite = SignedInputs.StepAndFold(w1, b1, g, gBias, bits, m, alpha, weightDecay, f1, fb1);
            var step = new FoldedStep(w2, b2, f2, fb2, alpha, weightDecay);
            ReLUBlockLayer.BackwardAny(numbers, bits, a, d, wOut, gOut2, gOutBias2, g2, gBias2, m, new double[count * m], fresh: true, chunks, step);
            Assert.True(step.Taken);
            Assert.Equal(finite, step.Finite);
            Assert.Equal(!blowUp, finite);
            Assert.Equal(w1.Select(Bits), w2.Select(Bits));
            // The folded weights alone (FoldedOnly): w left as it was, the folded ones the same, and halved they are w's step.
            var (w3, b3, f3, fb3) = ((double[])w.Clone(), (double[])bias.Clone(), (double[])folded.Clone(), (double[])foldedBias.Clone());
            var alone = new FoldedStep(w3, b3, f3, fb3, alpha, weightDecay, foldedOnly: true);
            ReLUBlockLayer.BackwardAny(numbers, bits, a, d, wOut, new double[m], new double[1], new double[bits * m], new double[m], m, new double[count * m], fresh: true, chunks, alone);
            Assert.True(alone.Taken && alone.Stale);
            Assert.Equal(finite, alone.Finite);
            Assert.Equal(w.Select(Bits), w3.Select(Bits));
            Assert.Equal(f1.Select(Bits), f3.Select(Bits));
            Assert.Equal(fb1.Select(Bits), fb3.Select(Bits));
            if (!blowUp) Assert.Equal(w1.Select(Bits), f3.Select(v => Bits(v * 0.5)));
            Assert.Equal(b1.Select(Bits), b2.Select(Bits));
            Assert.Equal(f1.Select(Bits), f2.Select(Bits));
            Assert.Equal(fb1.Select(Bits), fb2.Select(Bits));
            Assert.Equal(gOut.Select(Bits), gOut2.Select(Bits));
            Assert.Equal(gBias.Select(Bits), gBias2.Select(Bits));
            Assert.NotEqual(w.Select(Bits), w2.Select(Bits)); // it did step
        }
        // A step needs fresh gradients and the layer's shape.
        var wrong = new FoldedStep(new double[bits * m + 1], bias, folded, foldedBias, 0.1, 0);
        Assert.Throws<ArgumentException>(() => ReLUBlockLayer.BackwardAny(numbers, bits, a, d, wOut, new double[m], new double[1], new double[bits * m],
            new double[m], m, new double[count * m], fresh: true, chunks, wrong));
    }

    [Fact]
    public void Block_RefusesShapesItDoesNotFit()
    {
        Assert.False(ReLUBlockLayer.Fits(4, 8));     // fewer than eight rows
        Assert.False(ReLUBlockLayer.Fits(128, 12));  // units not in eights
        Assert.False(ReLUBlockLayer.Fits(96, 8));    // not a power of two
        Assert.Equal(Vector512.IsHardwareAccelerated, ReLUBlockLayer.Fits(8, 8));
        Assert.Equal(Vector512.IsHardwareAccelerated, ReLUBlockLayer.FitsAny(8));
    }

    [Vector512Fact]
    public void Block_RefusesBuffersItDoesNotFit()
    {
        Assert.Throws<ArgumentException>(() => ReLUBlockLayer.Forward(0, 8, 4, new double[32], default, 8, new double[8], new double[64], new double[8], new double[8]));
        Assert.Throws<ArgumentException>(() => ReLUBlockLayer.Backward(3, 8, 4, new double[64], new double[8], new double[8], new double[8], default, new double[32], default, 8, new double[32]));
    }

    [Fact]
    public void LogTerm_IsWithinAnUlpOfMathLog()
    {
        foreach (double z in LogTermInputs())
        {
            double ours = VectorMath.LogOnePlusExpNegAbs(z), libm = Math.Log(1 + Math.Exp(-Math.Abs(z)));
            if (double.IsNaN(z)) { Assert.True(double.IsNaN(ours)); continue; }
            // Both take the log of 1 + e^−|z| rounded; the exps differ by up to 2 ulp, which moves that sum by at most an ulp of 1.
            Assert.True(Math.Abs(ours - libm) <= 2.3e-16 + 4e-16 * libm, $"z = {z:R}: {ours:R} against {libm:R}");
        }
    }

    [FmaFact]
    public void LogTerm_VectorForm_IsTheScalarFormsBits()
    {
        var zs = LogTermInputs();
        for (int i = 0; i + 4 <= zs.Length; i += 4)
        {
            var v = VectorMath.LogOnePlusExpNegAbs(Vector256.Create(zs[i], zs[i + 1], zs[i + 2], zs[i + 3]));
            for (int r = 0; r < 4; r++) Assert.Equal(Bits(VectorMath.LogOnePlusExpNegAbs(zs[i + r])), Bits(v[r]));
        }
    }

    private static double[] LogTermInputs()
    {
        var rng = new SeededRandom(5);
        return Enumerable.Range(0, 20000).Select(i => rng.NextUniform(-40, 40) * (i % 3 == 0 ? 0.01 : 1))
            .Concat(new[] { 0.0, -0.0, 1e-300, -1e-17, 0.34657359, 0.88137358, 36.7, 708.5, -745, 1e308, double.PositiveInfinity, double.NegativeInfinity, double.NaN })
            .ToArray();
    }

    [Theory]
    [InlineData(128)]
    [InlineData(7)]   // a tail after the lanes
    [InlineData(2)]   // the tail alone
    public void CrossEntropyOutput_HasTheFormulasDeltaAndAccuracy_AndTheLossWithin1e15(int n)
    {
        var rng = new SeededRandom(n);
        var z = Enumerable.Range(0, n).Select(_ => rng.NextUniform(-30, 30)).ToArray();
        var p = z.Select(VectorMath.Sigmoid).ToArray();
        var y = Enumerable.Range(0, n).Select(i => (double)(i * 7 % 3 == 0 ? 1 : 0)).ToArray();
        var delta = new double[n];
        var (loss, correct) = Kernels.CrossEntropyOutput(p, z, y, 1.0 / n, delta);
        double expectedLoss = 0;
        int expectedCorrect = 0;
        for (int i = 0; i < n; i++)
        {
            expectedLoss += Losses.Value(LossFunction.CrossEntropy, z[i], p[i], y[i]);
            if (TaskLabels.Predicted(p[i]) == y[i]) expectedCorrect++;
            Assert.Equal(Bits(1.0 / n * Losses.OutputGradient(LossFunction.CrossEntropy, z[i], p[i], y[i])), Bits(delta[i]));
        }
        Assert.Equal(expectedCorrect, correct);
        Assert.Equal(expectedLoss, loss, expectedLoss * 1e-15);
    }

    // Gradient buffers with values already in them (the kernels add to them): first layer, its bias, output weights, output bias.
    internal static (double[] G, double[] GBias, double[] GOut, double[] GOutBias) Gradients(int bits, int m, bool withBias) => (
        Enumerable.Range(0, bits * m).Select(j => 0.125 * (j % 7)).ToArray(),
        withBias ? Enumerable.Range(0, m).Select(j => 0.5 * (j % 3)).ToArray() : Array.Empty<double>(),
        Enumerable.Range(0, m).Select(j => 0.25 * (j % 5)).ToArray(),
        new[] { 0.75 });

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);
}
