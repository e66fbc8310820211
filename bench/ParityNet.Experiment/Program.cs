using System.Diagnostics;
using System.Globalization;
using ParityNet;
using ParityNet.Experiment;

// The paper's table of issue 4: for N = min … max bits (the lesson's recipe to --lesson-max-bits), train seeds F … F + S − 1 on N-bit parity with each recipe
// and report how many reach 100% accuracy and the median epochs they took. The table goes to stdout,
// progress to stderr. Runs are independent and seeded, so the same settings give the same table
// (wall times aside) whatever the thread count.
var settings = Settings.Parse(args);
if (settings is null) return 2;

var recipes = new List<Recipe>();
if (settings.Recipe is "lesson" or "both") recipes.Add(Recipe.Lesson(settings.LessonEpochs));
if (settings.Recipe is "best" or "both") recipes.Add(settings.ApplyOverrides(Recipe.Best()));

var total = Stopwatch.StartNew();
var rows = new List<Row>();
foreach (var recipe in recipes)
    for (int bits = settings.MinBits; bits <= (recipe.Name == "lesson" ? Math.Min(settings.MaxBits, settings.LessonMaxBits) : settings.MaxBits); bits++)
        rows.Add(RunRow(recipe, bits, settings));

Console.Out.WriteLine($"Experiment at commit {BenchMachine.Commit(AppContext.BaseDirectory)}, {BenchMachine.Cpu()}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {string.Join(' ', args)}");
Console.Out.WriteLine();
Console.Out.Write(Table.Render(settings, recipes, rows, total.Elapsed));
return 0;

static Row RunRow(Recipe recipe, int bits, Settings settings)
{
    var results = new SeedResult[settings.Seeds];
    var clock = Stopwatch.StartNew();
    var options = recipe.Options(bits);
    Parallel.For(0, settings.Seeds, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, i =>
    {
        long seed = settings.FirstSeed + i;
        var network = ParityNetwork.Create(recipe.Spec(bits, seed));
        var h = Trainer.Train(network, options).History!;
        var result = new SeedResult(seed, h.StopReason == StopReason.TargetReached && h.FinalAccuracy >= 1.0,
            h.EpochsRun, h.FinalAccuracy, h.StopReason, h.WallTime);
        results[i] = result;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{recipe.Name} N={bits} seed {seed}] {(result.Solved ? "solved" : "not solved")} after {h.EpochsRun} epochs, accuracy {h.FinalAccuracy:P1}, {h.StopReason}, {h.WallTime.TotalSeconds:0.0} s"));
    });
    var row = new Row(recipe.Name, bits, results, clock.Elapsed);
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"== {recipe.Name} N={bits}: {row.Solved}/{results.Length} solved, median epochs {Table.Median(row)}, {row.Wall.TotalSeconds:0.0} s"));
    return row;
}

internal sealed record SeedResult(long Seed, bool Solved, int Epochs, double Accuracy, StopReason Reason, TimeSpan Wall);

internal sealed record Row(string Recipe, int Bits, SeedResult[] Seeds, TimeSpan Wall)
{
    public int Solved => Seeds.Count(s => s.Solved);
}
