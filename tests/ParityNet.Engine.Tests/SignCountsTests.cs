namespace ParityNet.Tests;

/// <summary>
/// The first layer's gradient as counts of signs (SignCounts): where every output delta is 0 or ±c, as the hinge loss
/// makes them. The portable twin against the definition (an integer count times c·wOut[j], the exact sum of the deltas
/// sent back rounded once) and against the sums of doubles it replaces (within their rounding); the fused 512-bit path
/// against the twin, bit for bit, over narrow and wide rows, written and added, with the step in the pass and with a
/// second thread.
/// </summary>
public class SignCountsTests
{
    [Theory]
    [InlineData(50, 32, 1000, true)]   // Barak et al.'s (50, k) step
    [InlineData(100, 32, 1000, true)]  // (100, k): two chunks a row
    [InlineData(200, 32, 64, false)]   // four chunks
    [InlineData(10, 7, 72, true)]      // rows not a multiple of four; a remainder of eight units
    [InlineData(20, 127, 24, true)]    // the most rows a count holds
    [InlineData(20, 127, 128, true)]   // the same in whole blocks of 64 units
    [InlineData(5, 3, 8, false)]
    [InlineData(12, 16, 13, true)]     // units not in eights: only the twin serves
    public void Twin_IsTheCountTimesTheUnitsDelta_AndWithinRoundingOfTheSums(int bits, int count, int m, bool withBias)
    {
        var c = Case.Make(bits, count, m, withBias, seed: 1);
        var (g, gBias) = (new double[bits * m], new double[withBias ? m : 0]);
        SignCounts.Gradient(c.Numbers, c.Chunks, bits, c.A, c.D, c.Size, c.WOut, m, g, gBias);

        // The sums of doubles the counts replace: the deltas sent back, added row by row.
        var back = new double[count * m];
        var (gOut, gOutBias) = (new double[m], new double[1]);
        Kernels.SingleUnitBackward(c.A, c.D, c.WOut, gOut, gOutBias, back, count, m, Activation.ReLU);
        var (sums, sumsBias) = (new double[bits * m], new double[withBias ? m : 0]);
        if (c.Chunks == 1) BitWalk.GradientAny(c.Numbers, bits, back, m, sums, sumsBias);
        else WideBitsLayer.BackwardAny(c.Numbers, c.Chunks, bits, back, m, sums, sumsBias);

        int differ = 0;
        for (int p = 0; p < bits; p++)
            for (int j = 0; j < m; j++)
            {
                int n = 0; // the count, by its definition
                for (int i = 0; i < count; i++)
                    if (Bit(c, i, p) && c.A[i * m + j] > 0) n += Math.Sign(c.D[i]);
                double unit = c.Size * c.WOut[j];
                Assert.Equal(Bits(0.0 + n * unit), Bits(g[p * m + j]));
                // Each of the ≤ count additions of the sums rounds by at most half an ulp of a partial sum of size ≤ count·|unit|.
                Assert.True(Math.Abs(sums[p * m + j] - g[p * m + j]) <= count * count * Math.Abs(unit) * 1.2e-16,
                    $"bit {p}, unit {j}: {g[p * m + j]:R} against the sums' {sums[p * m + j]:R}");
                if (Bits(sums[p * m + j]) != Bits(g[p * m + j])) differ++;
            }
        for (int j = 0; j < gBias.Length; j++)
        {
            int n = 0;
            for (int i = 0; i < count; i++) if (c.A[i * m + j] > 0) n += Math.Sign(c.D[i]);
            Assert.Equal(Bits(0.0 + n * (c.Size * c.WOut[j])), Bits(gBias[j]));
            Assert.True(Math.Abs(sumsBias[j] - gBias[j]) <= count * count * Math.Abs(c.Size * c.WOut[j]) * 1.2e-16);
        }
        Assert.Contains(g, v => v != 0);
        if (count >= 16 && m >= 64) Assert.True(differ > 0, "no value differs from the sums: the test would not see the sums in place of the counts.");
    }

    [Fact]
    public void Twin_AddsToWhatIsThere()
    {
        var c = Case.Make(30, 32, 40, true, seed: 2);
        var (g, gBias) = (new double[30 * 40], new double[40]);
        SignCounts.Gradient(c.Numbers, c.Chunks, 30, c.A, c.D, c.Size, c.WOut, 40, g, gBias);
        var (g2, gBias2) = (Enumerable.Range(0, 1200).Select(j => 0.125 * (j % 7)).ToArray(), Enumerable.Range(0, 40).Select(j => 0.5 * (j % 3)).ToArray());
        var (start, startBias) = ((double[])g2.Clone(), (double[])gBias2.Clone());
        SignCounts.Gradient(c.Numbers, c.Chunks, 30, c.A, c.D, c.Size, c.WOut, 40, g2, gBias2);
        for (int k = 0; k < g.Length; k++) Assert.Equal(Bits(start[k] + g[k]), Bits(g2[k]));
        for (int k = 0; k < gBias.Length; k++) Assert.Equal(Bits(startBias[k] + gBias[k]), Bits(gBias2[k]));
    }

    [Fact]
    public void Applies_OnlyToDeltasOfOneSize_AndRowsACountHolds()
    {
        Assert.True(SignCounts.Applies(new[] { 0.0, 1.0 / 32, -1.0 / 32, 0.0 }, out double size));
        Assert.Equal(1.0 / 32, size);
        Assert.True(SignCounts.Applies(new[] { 0.0, -0.0 }, out size));
        Assert.Equal(0.0, size);
        Assert.False(SignCounts.Applies(new[] { 1.0 / 32, 1.0 / 16 }, out _));        // two sizes: cross-entropy's, say
        Assert.False(SignCounts.Applies(new[] { 0.5, double.NaN }, out _));
        Assert.False(SignCounts.Applies(new[] { double.PositiveInfinity }, out _));
        Assert.True(SignCounts.Applies(Enumerable.Repeat(0.25, SignCounts.MaxRows).ToArray(), out _));
        Assert.False(SignCounts.Applies(Enumerable.Repeat(0.25, SignCounts.MaxRows + 1).ToArray(), out _)); // a count would not fit a byte
    }

    [Vector512Theory]
    [InlineData(50, 32, 1000, true)]
    [InlineData(100, 32, 1000, true)]
    [InlineData(200, 32, 64, false)]
    [InlineData(10, 7, 72, true)]
    [InlineData(20, 127, 24, true)]
    [InlineData(20, 127, 128, true)]
    [InlineData(5, 1, 8, false)]
    public void Fused_IsTheTwinBitForBit_WrittenAndAdded(int bits, int count, int m, bool withBias)
    {
        foreach (bool oneSign in new[] { false, true })
            FusedAgainstTwin(Case.Make(bits, count, m, withBias, seed: 3, oneSign), bits, count, m, withBias);
    }

    private static void FusedAgainstTwin(Case c, int bits, int count, int m, bool withBias)
    {
        var blockA = Blocked(c.A, count, m);
        foreach (bool fresh in new[] { true, false })
        {
            var (g, gBias, gOut, gOutBias) = ReLUBlockTests.Gradients(bits, m, withBias);
            var (g2, gBias2, gOut2, gOutBias2) = ReLUBlockTests.Gradients(bits, m, withBias);
            if (fresh) foreach (var b in new[] { g, gBias, gOut, gOutBias }) Array.Clear(b);
            Kernels.SingleUnitBackward(c.A, c.D, c.WOut, gOut, gOutBias, Span<double>.Empty, count, m, Activation.ReLU);
            SignCounts.Gradient(c.Numbers, c.Chunks, bits, c.A, c.D, c.Size, c.WOut, m, g, gBias);
            if (fresh) foreach (var b in new[] { g2, gBias2, gOut2, gOutBias2 }) Array.Fill(b, double.NaN); // written, as if zeroed first
            ReLUBlockLayer.BackwardAny(c.Numbers, bits, blockA, c.D, c.WOut, gOut2, gOutBias2, g2, gBias2, m, new double[count * m], fresh, c.Chunks);
            Assert.Equal(g.Select(Bits), g2.Select(Bits));
            Assert.Equal(gBias.Select(Bits), gBias2.Select(Bits));
            Assert.Equal(gOut.Select(Bits), gOut2.Select(Bits));
            Assert.Equal(gOutBias.Select(Bits), gOutBias2.Select(Bits));
        }
    }

    [Vector512Theory]
    [InlineData(50, 32, 1000, 0.0)]
    [InlineData(100, 32, 1000, 0.01)]
    [InlineData(7, 5, 72, 0.001)]
    public void Fused_StepInThePass_Shared_AndFoldedOnly_AreTheTwinsStepBitForBit(int bits, int count, int m, double weightDecay)
    {
        var c = Case.Make(bits, count, m, withBias: true, seed: 4);
        var blockA = Blocked(c.A, count, m);
        var rng = new SeededRandom(bits + m);
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var bias = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var (folded, foldedBias) = (new double[bits * m], new double[m]);
        SignedInputs.Fold(w, bias, bits, m, folded, foldedBias);
        const double alpha = 0.1;

        var (g, gBias, gOut, gOutBias) = ReLUBlockTests.Gradients(bits, m, true);
        foreach (var b in new[] { g, gBias, gOut, gOutBias }) Array.Clear(b);
        SignCounts.Gradient(c.Numbers, c.Chunks, bits, c.A, c.D, c.Size, c.WOut, m, g, gBias);
        var (w1, b1, f1, fb1) = ((double[])w.Clone(), (double[])bias.Clone(), (double[])folded.Clone(), (double[])foldedBias.Clone());
        Assert.True(SignedInputs.StepAndFold(w1, b1, g, gBias, bits, m, alpha, weightDecay, f1, fb1));

        using var helper = SecondThread.ForRun();
        foreach (var (shared, foldedOnly) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            if (shared && helper is null) continue; // one core: no second thread to share with
            var (g2, gBias2, gOut2, gOutBias2) = ReLUBlockTests.Gradients(bits, m, true);
            var (w2, b2, f2, fb2) = ((double[])w.Clone(), (double[])bias.Clone(), (double[])folded.Clone(), (double[])foldedBias.Clone());
            var step = new FoldedStep(w2, b2, f2, fb2, alpha, weightDecay, foldedOnly);
            if (shared)
                ReLUBlockLayer.BackwardAnyShared(c.Numbers, bits, blockA, c.D, c.WOut, gOut2, gOutBias2, g2, gBias2, m, new double[count * m], true, c.Chunks, step, helper!);
            else
                ReLUBlockLayer.BackwardAny(c.Numbers, bits, blockA, c.D, c.WOut, gOut2, gOutBias2, g2, gBias2, m, new double[count * m], fresh: true, c.Chunks, step);
            Assert.True(step.Taken && step.Finite);
            Assert.Equal(foldedOnly, step.Stale);
            if (foldedOnly)
            {
                // The weights themselves are left as they were; the folded ones halved are the stepped weights, bit for bit.
                Assert.Equal(w.Select(Bits), w2.Select(Bits));
                w2 = f2.Select(v => v * 0.5).ToArray();
            }
            Assert.Equal(w1.Select(Bits), w2.Select(Bits));
            Assert.Equal(b1.Select(Bits), b2.Select(Bits));
            Assert.Equal(f1.Select(Bits), f2.Select(Bits));
            Assert.Equal(fb1.Select(Bits), fb2.Select(Bits));
            Assert.Equal(gBias.Select(Bits), gBias2.Select(Bits));
        }
    }

    [Vector512Fact]
    public void AStepWhoseFoldedWeightOverflows_IsNotFinite_OnBothPaths()
    {
        // w = 1e308 steps to itself (α = 0), but its folded 2·w is ∞: the folded weights alone (FoldedOnly) could not stand for it.
        var c = Case.Make(5, 3, 8, withBias: true, seed: 5);
        var w = Enumerable.Repeat(0.5, 5 * 8).ToArray();
        w[3] = 1e308;
        var bias = new double[8];
        var (folded, foldedBias) = (new double[40], new double[8]);
        SignedInputs.Fold(w, bias, 5, 8, folded, foldedBias);
        var (g, gBias) = (new double[40], new double[8]);
        SignCounts.Gradient(c.Numbers, 1, 5, c.A, c.D, c.Size, c.WOut, 8, g, gBias);
        Assert.False(SignedInputs.StepAndFold((double[])w.Clone(), (double[])bias.Clone(), g, gBias, 5, 8, 0, 0, new double[40], new double[8]));
        foreach (bool foldedOnly in new[] { false, true }) // w read from w (finite), or as wFolded·½ (∞ already)
        {
            var step = new FoldedStep((double[])w.Clone(), (double[])bias.Clone(), (double[])folded.Clone(), (double[])foldedBias.Clone(), 0, 0, foldedOnly);
            ReLUBlockLayer.BackwardAny(c.Numbers, 5, Blocked(c.A, 3, 8), c.D, c.WOut, new double[8], new double[1], new double[40], new double[8], 8,
                new double[3 * 8], fresh: true, 1, step);
            Assert.True(step.Taken);
            Assert.False(step.Finite);
        }
    }

    /// <summary>Rows, activations and hinge-like deltas (0 or ±1/32, every kind present) for a network of bits → m ReLU units → 1.</summary>
    private sealed record Case(int InputBits, long[] Numbers, int Chunks, double[] A, double[] D, double Size, double[] WOut)
    {
        /// <param name="oneSign">Every delta −1/32 and every unit active: counts as large as the rows, to −127.</param>
        public static Case Make(int bits, int count, int m, bool withBias, int seed, bool oneSign = false)
        {
            int chunks = WideNumbers.Chunks(bits);
            var rng = new SeededRandom(seed * 1000 + bits * 7 + count);
            var numbers = new long[count * chunks];
            for (int i = 1; i < count; i++) // row 0: no bit set
                for (int k = 0; k < chunks; k++) numbers[i * chunks + k] = rng.NextInt64(1L << WideNumbers.ChunkWidth(bits, k));
            // Activations as a ReLU layer leaves them: about half 0.
            var a = Enumerable.Range(0, count * m).Select(_ => oneSign ? rng.NextUniform(0.25, 1) : Math.Max(0, rng.NextUniform(-1, 1))).ToArray();
            const double size = 1.0 / 32;
            // The hinge's deltas: −1/32 for a label 1 inside the margin (the first row's), +1/32 for a label 0, 0 outside.
            var d = Enumerable.Range(0, count).Select(i => oneSign ? -size : (i % 3) switch { 0 => -size, 1 => size, _ => i % 2 == 0 ? 0.0 : size }).ToArray();
            var wOut = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
            Assert.True(SignCounts.Applies(d, out double found) && found == size);
            return new Case(bits, numbers, chunks, a, d, size, wOut);
        }
    }

    // Input p (0 the first, most significant) of a row, as WideNumbers lays out its chunks.
    private static bool Bit(Case c, int row, int p)
    {
        if (c.Chunks == 1) return ((c.Numbers[row] >> (c.InputBits - 1 - p)) & 1) != 0;
        for (int k = 0; k < c.Chunks; k++)
        {
            int first = WideNumbers.FirstRow(c.InputBits, k), width = WideNumbers.ChunkWidth(c.InputBits, k);
            if (p >= first && p < first + width) return ((c.Numbers[row * c.Chunks + k] >> (width - 1 - (p - first))) & 1) != 0;
        }
        throw new ArgumentOutOfRangeException(nameof(p));
    }

    // The layout of the fused path: eight units of all rows together.
    private static double[] Blocked(double[] a, int count, int m)
    {
        var blocked = new double[count * m];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < m; j++) blocked[j / 8 * count * 8 + i * 8 + j % 8] = a[i * m + j];
        return blocked;
    }

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);
}
