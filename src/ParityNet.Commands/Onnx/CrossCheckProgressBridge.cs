using System.Diagnostics;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Carries an export's cross-check progress to Write-Progress. Only long checks show it — those of
/// at least 2^30 multiply-adds, about a quarter of a second here — with a record at each tenth of the way
/// and a Completed one at the end: judged by the work, not a clock, so the same export shows the same
/// records on every machine. The exporter reports synchronously on the pipeline thread.</summary>
internal sealed class CrossCheckProgressBridge : IProgress<CrossCheckProgress>
{
    internal const long LongCheckWork = 1L << 30;
    private const int ActivityId = 0x7A32;
    private readonly Cmdlet _cmdlet;
    private readonly string _activity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _tenthsShown;
    private bool _written;

    public CrossCheckProgressBridge(Cmdlet cmdlet, string activity)
    {
        _cmdlet = cmdlet;
        _activity = activity;
    }

    public void Report(CrossCheckProgress value)
    {
        if (value.Work < LongCheckWork || value.Total <= 0) return;
        long tenths = value.Done * 10 / value.Total;
        if (tenths <= _tenthsShown) return;
        _tenthsShown = tenths;
        double fraction = value.Done / (double)value.Total;
        var now = _clock.Elapsed;
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
