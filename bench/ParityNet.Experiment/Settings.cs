using System.Globalization;

namespace ParityNet.Experiment;

/// <summary>The command line. The --hidden … --epochs options replace parts of the best recipe, for searching.</summary>
internal sealed record Settings
{
    public int MinBits { get; init; } = 2;
    public int MaxBits { get; init; } = 10;
    public int Seeds { get; init; } = 20;
    public int FirstSeed { get; init; } = 1;
    public string Recipe { get; init; } = "both";
    public int Threads { get; init; } = 2;
    public int LessonEpochs { get; init; } = 100_000;
    public int LessonMaxBits { get; init; } = 10;
    public IReadOnlyList<string> CommandLine { get; init; } = [];
    public Dictionary<string, string> Overrides { get; } = new(StringComparer.Ordinal);

    private const string Usage = """
        ParityNet.Experiment: success rate and median epochs to 100% on N-bit parity, seeds 1 … S.
          --min-bits N        first N (default 2)
          --max-bits N        last N (default 10)
          --seeds S           seeds per N (default 20)
          --first-seed F      the first seed: seeds F … F + S − 1 (default 1; 21 for the held-out seeds)
          --recipe R          lesson | best | both (default both)
          --threads T         runs at once (default 2)
          --lesson-epochs E   the lesson recipe's epoch cap (default 100000)
          --lesson-max-bits N the lesson recipe's last N (default 10: it solves no seed from N = 7 on)
        Overrides of the best recipe (for the search):
          --hidden H          e.g. 4N, 32, 2N,N
          --activation A      Sigmoid | Tanh | ReLU
          --init I            Uniform | Xavier | He
          --loss L            MeanSquaredError | CrossEntropy
          --optimizer O       GradientDescent | Sgd | Momentum | AdaGrad | Adam
          --alpha A           a number, or 2^N, or k*2^N
          --batch B           rows per update, or full (ignored by GradientDescent)
          --epochs E          epoch cap
        """;

    private static readonly string[] OverrideNames = ["hidden", "activation", "init", "loss", "optimizer", "alpha", "batch", "epochs"];

    /// <summary>The settings, or null (after writing why to stderr) when the command line is wrong.</summary>
    public static Settings? Parse(string[] args)
    {
        var s = new Settings { CommandLine = args };
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                if (name is "-h" or "--help") { Console.Error.WriteLine(Usage); return null; }
                if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                    throw new FormatException($"expected an option with a value at '{name}'.");
                string value = args[++i];
                string key = name[2..];
                s = key switch
                {
                    "min-bits" => s with { MinBits = Int(value) },
                    "max-bits" => s with { MaxBits = Int(value) },
                    "seeds" => s with { Seeds = Int(value) },
                    "first-seed" => s with { FirstSeed = Int(value) },
                    "recipe" => s with { Recipe = value is "lesson" or "best" or "both" ? value : throw new FormatException("--recipe takes lesson, best or both.") },
                    "threads" => s with { Threads = Int(value) },
                    "lesson-epochs" => s with { LessonEpochs = Int(value) },
                    "lesson-max-bits" => s with { LessonMaxBits = Int(value) },
                    _ when OverrideNames.Contains(key) => s.WithOverride(key, value),
                    _ => throw new FormatException($"unknown option '{name}'."),
                };
            }
            if (s.MinBits < 1 || s.MaxBits > EngineLimits.MaxEnumerableBits || s.MinBits > s.MaxBits)
                throw new FormatException($"bits must satisfy 1 ≤ min ≤ max ≤ {EngineLimits.MaxEnumerableBits}.");
            if (s.Seeds < 1 || s.Threads < 1 || s.LessonEpochs < 1) throw new FormatException("seeds, threads and epochs must be positive.");
            if (s.LessonMaxBits < 1) throw new FormatException("--lesson-max-bits must be at least 1.");
            s.ApplyOverrides(ParityNet.Experiment.Recipe.Best()); // fail now, not after the lesson rows
            return s;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            Console.Error.WriteLine($"ParityNet.Experiment: {e.Message}");
            Console.Error.WriteLine(Usage);
            return null;
        }
    }

    private Settings WithOverride(string key, string value)
    {
        Overrides[key] = value;
        return this;
    }

    /// <summary>The best recipe with the command line's overrides.</summary>
    public Recipe ApplyOverrides(Recipe best)
    {
        var r = best;
        foreach (var (key, value) in Overrides)
        {
            r = key switch
            {
                "hidden" => r with { Hidden = value },
                "activation" => r with { Activation = Enum.Parse<Activation>(value, true) },
                "init" => r with { Initialization = Enum.Parse<Initialization>(value, true) },
                "loss" => r with { Loss = Enum.Parse<LossFunction>(value, true) },
                "optimizer" => r with { Optimizer = Enum.Parse<OptimizerKind>(value, true) },
                "alpha" => r with { Alpha = value },
                "batch" => r with { BatchSize = value == "full" ? ParityNet.Experiment.Recipe.FullBatch : Int(value) },
                "epochs" => r with { Epochs = Int(value) },
                _ => r,
            };
        }
        if (r.Optimizer == OptimizerKind.GradientDescent) r = r with { BatchSize = null };
        _ = r.HiddenSizes(2);
        _ = r.AlphaFor(2);
        return r;
    }

    private static int Int(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
