using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Carries the engine's progress to Write-Progress and Write-Verbose. The engine reports
/// synchronously on the pipeline thread and at most a few times a second, so this writes directly.
/// </summary>
internal sealed class TrainingProgressBridge : IProgress<TrainingProgress>
{
    private const int ActivityId = 0x7A31;
    private readonly Cmdlet _cmdlet;
    private readonly string _activity;
    private readonly int? _checkEvery; // with CheckEvery, an epoch is this many steps: progress counts steps

    public TrainingProgressBridge(Cmdlet cmdlet, string activity, int? checkEvery = null)
    {
        _cmdlet = cmdlet;
        _activity = activity;
        _checkEvery = checkEvery;
    }

    public void Report(TrainingProgress value)
    {
        double fraction = value.Epochs > 0 ? value.Epoch / (double)value.Epochs : 0;
        string where = _checkEvery is int every ? $"Step {(long)value.Epoch * every} of {(long)value.Epochs * every}" : $"Epoch {value.Epoch} of {value.Epochs}";
        var record = new ProgressRecord(ActivityId, _activity, $"{where}  loss {value.Loss:0.######}  accuracy {value.Accuracy:P1}")
        {
            PercentComplete = (int)Math.Clamp(fraction * 100, 0, 100),
            SecondsRemaining = fraction > 0 ? (int)(value.Elapsed.TotalSeconds * (1 - fraction) / fraction) : -1,
        };
        _cmdlet.WriteProgress(record);
        _cmdlet.WriteVerbose($"{(_checkEvery is int e ? $"Step {(long)value.Epoch * e}" : $"Epoch {value.Epoch}")}: loss {value.Loss:0.######}, accuracy {value.Accuracy:P1}");
    }

    public void Complete() =>
        _cmdlet.WriteProgress(new ProgressRecord(ActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
}
