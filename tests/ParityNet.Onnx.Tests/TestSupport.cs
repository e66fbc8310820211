using System.Diagnostics;

namespace ParityNet.Onnx.Tests;

/// <summary>Networks to export and a scratch folder per test.</summary>
internal static class Nets
{
    public static ParityNetwork Make(int bits, int[] hidden, bool bias, int epochs, long seed = 7, ParityTask task = ParityTask.Even)
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = bits, HiddenSizes = hidden, HasBias = bias, Seed = seed, Task = task });
        return epochs == 0 ? net : Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = epochs });
    }

    public static long[] All(int bits) => Enumerable.Range(0, 1 << bits).Select(i => (long)i).ToArray();

    public static double[] Managed(ParityNetwork network, long[] numbers)
    {
        var p = new double[numbers.Length];
        network.Predict(numbers, p);
        return p;
    }
}

internal sealed class ScratchFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("paritynet-onnx-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Entries() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).ToArray()!;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>The independent ONNX checker: python3's onnx package (Debian: python3-onnx).</summary>
internal static class OnnxChecker
{
    public const string Python = "/usr/bin/python3";

    public static readonly Lazy<bool> Available = new(() => Run("-c \"import onnx\"").ExitCode == 0);

    /// <summary>onnx.checker.check_model(full_check=True) on the file; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Check(string file) =>
        Run($"-c \"import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print('ok', m.ir_version, m.opset_import[0].version)\" \"{file}\"");

    private static (int ExitCode, string Output) Run(string arguments)
    {
        if (!System.IO.File.Exists(Python)) return (-1, "no python3");
        var start = new ProcessStartInfo(Python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>A fact that is skipped, saying why, when the independent ONNX checker is not installed.</summary>
public sealed class OnnxCheckerFactAttribute : FactAttribute
{
    public OnnxCheckerFactAttribute()
    {
        if (!OnnxChecker.Available.Value)
            Skip = "The independent ONNX checker is absent: /usr/bin/python3 cannot import onnx. Install it with: apt-get install -y python3-onnx";
    }
}
