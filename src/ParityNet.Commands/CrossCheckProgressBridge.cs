using System.Diagnostics;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Carries an export's cross-check progress to Write-Progress, at most four times a second.
/// The exporter reports synchronously on the pipeline thread.</summary>
internal sealed class CrossCheckProgressBridge : IProgress<CrossCheckProgress>
{
    private const int ActivityId = 0x7A32;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly Cmdlet _cmdlet;
    private readonly string _activity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.Zero; // a check shorter than the interval shows no progress at all
    private bool _written;

    public CrossCheckProgressBridge(Cmdlet cmdlet, string activity)
    {
        _cmdlet = cmdlet;
        _activity = activity;
    }

    public void Report(CrossCheckProgress value)
    {
        var now = _clock.Elapsed;
        if (now - _last < Interval) return;
        _last = now;
        double fraction = value.Total > 0 ? value.Done / (double)value.Total : 1;
        _cmdlet.WriteProgress(new ProgressRecord(ActivityId, _activity,
            $"{value.Done} of {value.Total} {(value.Exhaustive ? "inputs" : "sampled inputs")} compared with the engine")
        {
            PercentComplete = (int)Math.Clamp(fraction * 100, 0, 100),
            SecondsRemaining = fraction > 0 ? (int)(now.TotalSeconds * (1 - fraction) / fraction) : -1,
        });
        _written = true;
    }

    public void Complete()
    {
        if (_written)
            _cmdlet.WriteProgress(new ProgressRecord(ActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
