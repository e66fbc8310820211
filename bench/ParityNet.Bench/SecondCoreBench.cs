using System.Diagnostics;
using System.Globalization;
using ParityNet;

/// <summary>
/// The second core's share of a step, measured as an A/B (<c>--case h</c>): (n, 3) solved in Barak et al.'s regime
/// (<see cref="SparseSameBench.Regime"/>), each seed with the helper taking parts of the steps (<see cref="SecondThread"/>) and
/// with it switched off, the two one right after the other and in alternating order from round to round, so that the
/// machine's speed, which moves from minute to minute here, falls on both alike. Both ways must take the same steps (the
/// split changes no bit); the run fails otherwise. Options: <c>--ab-rounds 6</c>; --quick takes 2.
/// </summary>
internal static class SecondCoreBench
{
    public static void Run(string[] args, bool quick)
    {
        int at = Array.IndexOf(args, "--ab-rounds");
        int rounds = at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : quick ? 2 : 6;
        long[] seeds = { 1, 2, 3, 4, 5 };
        Console.WriteLine();
        Console.WriteLine("| solve (n, 3), checks included | with the second core: median (IQR) | steps on one thread: median (IQR) | one thread / second core, paired: median (IQR) | runs |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int bits in new[] { 50, 100 })
        {
            var shared = new List<double>();
            var single = new List<double>();
            var ratios = new List<double>();
            Solve(bits, 1, true); // warm up the JIT and the caches
            for (int r = 0; r < rounds; r++)
                foreach (long seed in seeds)
                {
                    bool sharedFirst = (r + seed) % 2 == 0;
                    var first = Solve(bits, seed, sharedFirst);
                    var second = Solve(bits, seed, !sharedFirst);
                    if (first.Steps != second.Steps)
                        throw new InvalidOperationException($"({bits}, 3) seed {seed}: {first.Steps} steps one way, {second.Steps} the other: the split changed the run.");
                    var (withHelper, without) = sharedFirst ? (first.Seconds, second.Seconds) : (second.Seconds, first.Seconds);
                    shared.Add(withHelper);
                    single.Add(without);
                    ratios.Add(without / withHelper);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  ({bits}, 3) round {r + 1} seed {seed}: {first.Steps} steps, second core {withHelper:0.000} s, one thread {without:0.000} s"));
                }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| ({bits}, 3) | {Quartiles(shared, "s")} | {Quartiles(single, "s")} | {Quartiles(ratios, "×")} | {rounds} rounds × {seeds.Length} seeds |"));
        }
        Console.WriteLine("Each seed's run solves (every one of 8,192 held-out answers right) with the helper on and off, one after the other, the order alternating; seconds from the first step to the solving check, setup outside. Load average now: " + File.ReadAllText("/proc/loadavg").Trim());
    }

    private static (long Steps, double Seconds) Solve(int bits, long seed, bool secondThread)
    {
        var (net, options) = SparseSameBench.Regime(bits, seed);
        SecondThread.Enabled = secondThread;
        try
        {
            var clock = Stopwatch.StartNew();
            var h = Trainer.Train(net, options with { Epochs = 2000 }).History!;
            return (h.StepsRun ?? 0, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            SecondThread.Enabled = true;
        }
    }

    private static string Quartiles(List<double> values, string unit)
    {
        var v = values.OrderBy(x => x).ToList();
        double Q(double p) { double i = p * (v.Count - 1); int lo = (int)i; return lo + 1 < v.Count ? v[lo] + (i - lo) * (v[lo + 1] - v[lo]) : v[lo]; }
        string f = unit == "s" ? "0.000" : "0.00";
        return string.Create(CultureInfo.InvariantCulture, $"{Q(0.5).ToString(f, CultureInfo.InvariantCulture)} {unit} ({Q(0.25).ToString(f, CultureInfo.InvariantCulture)}–{Q(0.75).ToString(f, CultureInfo.InvariantCulture)})");
    }
}
