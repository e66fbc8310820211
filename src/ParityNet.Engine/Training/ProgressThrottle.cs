using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ParityNet;

/// <summary>
/// When a training run reports progress: at most once per report interval, with the clock read only every
/// so many epochs. A read is not free (about 25 ns on this VM's kvm-clock) and the lesson's 4-bit epoch takes
/// about 200 ns: reading after every epoch made case a 1.3–2.2 ms slower in 11–12 ms whenever a cmdlet asked for
/// progress (measured). The stride doubles while reads come closer than a gap apart (a sixteenth of the
/// interval, at most a millisecond) and halves when they drift beyond four gaps, so a report comes at most
/// about two gaps late, and slow epochs still read the clock after each one. Nothing here touches the weights.
/// </summary>
internal struct ProgressThrottle
{
    private readonly long _interval, _gap;
    private long _next, _lastRead;
    private int _stride, _untilRead;

    /// <param name="interval">The report interval in <see cref="Stopwatch"/> ticks; 0 or less: never report.</param>
    public ProgressThrottle(long interval)
    {
        _interval = interval;
        _gap = Math.Max(1, Math.Min(interval / 16, Stopwatch.Frequency / 1000));
        _lastRead = Stopwatch.GetTimestamp();
        _next = interval > 0 ? _lastRead + interval : long.MaxValue;
        _stride = 1;
        _untilRead = 1;
    }

    /// <summary>How many times the clock has been read after an epoch (for tests).</summary>
    internal int Reads { get; private set; }

    /// <summary>Called after each epoch: whether to report now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Due()
    {
        if (_interval <= 0 || --_untilRead > 0) return false;
        return Read();
    }

    /// <summary>Called after a report: the next is one interval after the report's end.</summary>
    public void Reported()
    {
        _lastRead = Stopwatch.GetTimestamp();
        _next = _lastRead + _interval;
    }

    private bool Read()
    {
        long now = Stopwatch.GetTimestamp();
        Reads++;
        long since = now - _lastRead;
        if (since < _gap) { if (_stride < 1 << 20) _stride <<= 1; }
        else if (since > 4 * _gap && _stride > 1) _stride >>= 1;
        _lastRead = now;
        _untilRead = _stride;
        return now >= _next;
    }
}
