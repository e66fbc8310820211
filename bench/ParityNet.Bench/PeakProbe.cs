using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

/// <summary>
/// The machine's measured peak of float64 arithmetic, for the floors the Bench prints (issue 22): a tight loop of
/// independent vector adds and multiplies (eight chains of each, more than the latency times the issue rate of any
/// current x64 core, so that no chain waits for its own result), on one core and on every core at once, for
/// Vector256 and, where the hardware has it, Vector512. Each figure is the best of a few runs of about 0.2 s: another
/// process on the machine can only lower it. Every add and every multiply counts as one operation.
/// </summary>
internal sealed record MachinePeak(double OneCore256, double AllCores256, double OneCore512, double AllCores512, int Cores)
{
    /// <summary>Operations a second on every core, the wider vectors' if faster.</summary>
    public double AllCores => Math.Max(AllCores256, AllCores512);

    /// <summary>Operations a second on one core, the wider vectors' if faster.</summary>
    public double OneCore => Math.Max(OneCore256, OneCore512);

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"measured peak {AllCores / 1e9:0.0} GFLOP/s on {Cores} cores, {OneCore / 1e9:0.0} on one (Vector256: {AllCores256 / 1e9:0.0} and {OneCore256 / 1e9:0.0}; Vector512: {(OneCore512 > 0 ? $"{AllCores512 / 1e9:0.0} and {OneCore512 / 1e9:0.0}" : "not accelerated here")}; independent adds and multiplies, best of {PeakProbe.Runs} runs)");
}

internal static class PeakProbe
{
    public const int Runs = 5;
    private const double RunSeconds = 0.2;
    private static MachinePeak? _measured;

    /// <summary>The peak, measured the first time it is asked for.</summary>
    public static MachinePeak Measured => _measured ??= Measure();

    private static MachinePeak Measure()
    {
        int cores = Environment.ProcessorCount;
        var probes = new List<(Func<long, double> Chains, int Lanes, int Threads)> { (Chains256, 4, 1), (Chains256, 4, cores) };
        if (Vector512.IsHardwareAccelerated) probes.AddRange([(Chains512, 8, 1), (Chains512, 8, cores)]);
        var iterations = probes.Select(p => Calibrate(p.Chains)).ToArray();
        var best = new double[probes.Count];
        // Round after round of every probe, so that each one's runs are spread over the whole measurement and a
        // passing disturbance spoils at most a few of them.
        for (int r = 0; r < Runs; r++)
            for (int i = 0; i < probes.Count; i++)
                best[i] = Math.Max(best[i], Rate(probes[i].Chains, probes[i].Lanes, probes[i].Threads, iterations[i]));
        return new MachinePeak(best[0], best[1], best.Length > 2 ? best[2] : 0, best.Length > 2 ? best[3] : 0, cores);
    }

    // Iterations for a run of about RunSeconds, the chains compiled first.
    private static long Calibrate(Func<long, double> chains)
    {
        chains(1000);
        var clock = Stopwatch.StartNew();
        chains(2_000_000);
        return Math.Max(1_000_000, (long)(2_000_000 * RunSeconds / clock.Elapsed.TotalSeconds));
    }

    // Operations a second of `threads` threads each running the chains at once: 16 vector operations an iteration.
    private static double Rate(Func<long, double> chains, int lanes, int threads, long iterations)
    {
        using var ready = new Barrier(threads + 1);
        var sink = new double[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            ready.SignalAndWait();
            sink[t] = chains(iterations);
        })).ToArray();
        foreach (var w in workers) w.Start();
        ready.SignalAndWait();
        var clock = Stopwatch.StartNew();
        foreach (var w in workers) w.Join();
        double seconds = clock.Elapsed.TotalSeconds;
        if (!sink.All(double.IsFinite)) throw new InvalidOperationException("the peak probe's chains left the finite numbers");
        return 16.0 * lanes * iterations * threads / seconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains256(long iterations)
    {
        var add = Vector256.Create(1e-9);
        var mul = Vector256.Create(1 - 1e-13); // 1e9 multiplies move a chain by about e^-0.0001: no underflow
        Vector256<double> a0 = Vector256.Create(1.0), a1 = a0 + add, a2 = a1 + add, a3 = a2 + add,
            a4 = a3 + add, a5 = a4 + add, a6 = a5 + add, a7 = a6 + add;
        Vector256<double> m0 = Vector256.Create(2.0), m1 = m0 + add, m2 = m1 + add, m3 = m2 + add,
            m4 = m3 + add, m5 = m4 + add, m6 = m5 + add, m7 = m6 + add;
        for (long i = 0; i < iterations; i++)
        {
            a0 += add; a1 += add; a2 += add; a3 += add; a4 += add; a5 += add; a6 += add; a7 += add;
            m0 *= mul; m1 *= mul; m2 *= mul; m3 *= mul; m4 *= mul; m5 *= mul; m6 *= mul; m7 *= mul;
        }
        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((m0 + m1) + (m2 + m3)) + ((m4 + m5) + (m6 + m7)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains512(long iterations)
    {
        var add = Vector512.Create(1e-9);
        var mul = Vector512.Create(1 - 1e-13);
        Vector512<double> a0 = Vector512.Create(1.0), a1 = a0 + add, a2 = a1 + add, a3 = a2 + add,
            a4 = a3 + add, a5 = a4 + add, a6 = a5 + add, a7 = a6 + add;
        Vector512<double> m0 = Vector512.Create(2.0), m1 = m0 + add, m2 = m1 + add, m3 = m2 + add,
            m4 = m3 + add, m5 = m4 + add, m6 = m5 + add, m7 = m6 + add;
        for (long i = 0; i < iterations; i++)
        {
            a0 += add; a1 += add; a2 += add; a3 += add; a4 += add; a5 += add; a6 += add; a7 += add;
            m0 *= mul; m1 *= mul; m2 *= mul; m3 *= mul; m4 *= mul; m5 *= mul; m6 *= mul; m7 *= mul;
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((m0 + m1) + (m2 + m3)) + ((m4 + m5) + (m6 + m7)));
    }
}
