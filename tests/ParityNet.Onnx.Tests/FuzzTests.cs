using System.Diagnostics;

namespace ParityNet.Onnx.Tests;

/// <summary>
/// 100 000 seeded mutations of the committed seed corpus (tests/ParityNet.Onnx.Tests/corpus) fed to
/// the importer: every one either imports (a mutation the strict checks accept, such as a changed
/// weight) or fails with a named ParityNetException; none throws anything else, and none hangs
/// (each import is bounded far above its normal microseconds).
/// </summary>
public class FuzzTests
{
    private const int Mutants = 100_000;
    private const long Seed = 20261129;

    private static byte[][] Corpus()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "corpus");
        var files = Directory.GetFiles(folder, "*.onnx").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 3, $"the seed corpus in {folder} is missing");
        return files.Select(File.ReadAllBytes).ToArray();
    }

    [Fact]
    public void TheSeedCorpusImports()
    {
        foreach (var bytes in Corpus()) Assert.InRange(OnnxImporter.Import(bytes).Bits, 3, 5);
    }

    [Fact]
    public void MutatedModelsGiveOnlyNamedErrors()
    {
        var corpus = Corpus();
        var rng = new SeededRandom(Seed);
        var unhandled = new List<string>();
        var errorIds = new Dictionary<string, int>();
        int imported = 0;
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < Mutants; i++)
        {
            byte[] mutant = Mutate(corpus[i % corpus.Length], corpus, rng);
            var clock = Stopwatch.StartNew();
            try
            {
                var network = OnnxImporter.Import(mutant, $"mutant {i}");
                Assert.All(network.Weights, w => Assert.All(w.AsSpan().ToArray(), v => Assert.True(double.IsFinite(v))));
                imported++;
            }
            catch (ParityNetException ex)
            {
                Assert.StartsWith("ParityNet.", ex.ErrorId);
                errorIds[ex.ErrorId] = errorIds.GetValueOrDefault(ex.ErrorId) + 1;
            }
            catch (Exception ex)
            {
                unhandled.Add($"mutant {i}: {ex.GetType().FullName}: {ex.Message}");
            }
            if (clock.Elapsed > slowest) slowest = clock.Elapsed;
        }

        Assert.True(unhandled.Count == 0, $"{unhandled.Count} unhandled, first: {string.Join(" | ", unhandled.Take(3))}");
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"one import took {slowest}: a hang");
        // The mutations really reach the importer's checks, not only its first byte.
        // Every stage is reached: not ONNX, cut short, and ONNX of another shape.
        foreach (var id in new[] { ErrorIds.NotOnnx, ErrorIds.Truncated, ErrorIds.UnsupportedGraph })
            Assert.True(errorIds.ContainsKey(id), $"no mutant gave {id}; only {string.Join(", ", errorIds.Keys)}");
    }

    private static byte[] Mutate(byte[] original, byte[][] corpus, SeededRandom rng)
    {
        var bytes = new List<byte>(original);
        int rounds = 1 + (int)rng.NextInt64(3);
        for (int r = 0; r < rounds && bytes.Count > 0; r++)
        {
            int at = (int)rng.NextInt64(bytes.Count);
            switch (rng.NextInt64(8))
            {
                case 0: // flip bits
                    for (int f = 0, flips = 1 + (int)rng.NextInt64(8); f < flips; f++)
                    {
                        int k = (int)rng.NextInt64(bytes.Count);
                        bytes[k] ^= (byte)(1 << (int)rng.NextInt64(8));
                    }
                    break;
                case 1: // random bytes over a run
                    for (int k = at; k < Math.Min(bytes.Count, at + 1 + (int)rng.NextInt64(8)); k++) bytes[k] = (byte)rng.NextInt64(256);
                    break;
                case 2: // insert random bytes
                    bytes.InsertRange(at, Enumerable.Range(0, 1 + (int)rng.NextInt64(16)).Select(_ => (byte)rng.NextInt64(256)));
                    break;
                case 3: // delete a run
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + (int)rng.NextInt64(32)));
                    break;
                case 4: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5: // splice with another model
                    var other = corpus[rng.NextInt64(corpus.Length)];
                    int from = (int)rng.NextInt64(other.Length);
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(other.Skip(from));
                    break;
                case 6: // huge varints: lengths and sizes near 2^63
                    for (int k = at; k < Math.Min(bytes.Count, at + 9); k++) bytes[k] = 0xFF;
                    break;
                default: // duplicate a run
                    int length = Math.Min(bytes.Count - at, 1 + (int)rng.NextInt64(64));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }
        return bytes.ToArray();
    }
}
