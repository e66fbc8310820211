using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ParityNet;

/// <summary>
/// Epochs to solve, side by side (issue 14): the parity recipe trained until every input is right, by ParityNet and by
/// float64 PyTorch (bench/parity_torch.py --solve-cap, glibc keeping freed memory: its fast setting) from the same initial weights, for the given N and seeds. Both
/// check the accuracy before each update, so "epochs" counts updates on both sides. Run only when asked
/// (<c>--case s</c>): a PyTorch solve at 16 bits takes minutes. Options: <c>--solve-bits 12,14,16</c>,
/// <c>--solve-seeds 21,22,23</c>, <c>--solve-cap 20000</c>. Skipped, saying so, without PyTorch.
/// </summary>
internal static class SolveBench
{
    public static void Run(string root, string[] args)
    {
        int[] bitsList = Ints(args, "--solve-bits", "12,14,16");
        int[] seeds = Ints(args, "--solve-seeds", "21,22,23");
        int cap = Ints(args, "--solve-cap", "20000")[0];
        string script = Path.Combine(root, "bench", "parity_torch.py");
        Console.WriteLine();
        if (!File.Exists(PythonProcess.Python) || PythonProcess.Run("-c", "import torch").ExitCode != 0)
        {
            Console.WriteLine("Epochs to solve, side by side: skipped, PyTorch is not installed (apt-get install -y python3-torch).");
            return;
        }
        Console.WriteLine($"| parity recipe, N bits, seed (cap {cap:N0} epochs) | ParityNet: epochs to solve | ParityNet wall | PyTorch float64: epochs to solve | PyTorch wall (glibc keeping freed memory) | wall ratio |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int bits in bitsList)
            foreach (int seed in seeds)
            {
                var start = TorchBench.Start(bits, seed);
                if (bits == bitsList[0] && seed == seeds[0]) Trainer.Train(start, TorchBench.Options(bits, 3)); // compile before the first timed run
                var clock = Stopwatch.StartNew();
                var history = Trainer.Train(start, TorchBench.Options(bits, cap) with { TargetAccuracy = 1.0 }).History!;
                double ourWall = clock.Elapsed.TotalSeconds;
                string ours = history.StopReason == StopReason.TargetReached ? history.EpochsRun.ToString("N0", CultureInfo.InvariantCulture) : $"not solved ({history.FinalAccuracy:P2})";
                string weights = TorchBench.WriteWeights(start);
                try
                {
                    var (exit, output) = PythonProcess.Run(Allocator.KeepFreed, script, "--bits", bits.ToString(CultureInfo.InvariantCulture), "--epochs", "1",
                        "--dtype", "float64", "--threads", "2", "--weights", weights, "--solve-cap", cap.ToString(CultureInfo.InvariantCulture));
                    if (exit != 0) throw new InvalidOperationException($"PyTorch failed: {output}");
                    using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
                    var solved = json.RootElement.GetProperty("solved_epoch");
                    string theirs = solved.ValueKind == JsonValueKind.Null ? "not solved" : solved.GetInt32().ToString("N0", CultureInfo.InvariantCulture);
                    double theirWall = json.RootElement.GetProperty("wall").GetDouble();
                    // A ratio of walls only compares like with like when both sides ran the same epochs.
                    string ratio = ours == theirs ? string.Create(CultureInfo.InvariantCulture, $"{theirWall / ourWall:0.0}×") : "—";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {bits}, seed {seed} | {ours} | {ourWall:0.0} s | {theirs} | {theirWall:0.0} s | {ratio} |"));
                }
                finally
                {
                    File.Delete(weights);
                }
            }
    }

    private static int[] Ints(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        string text = at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        return text.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
    }
}
