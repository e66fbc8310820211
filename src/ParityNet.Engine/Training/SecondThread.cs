using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ParityNet;

/// <summary>
/// The second core for one training run. It runs the held-out check ahead (<see cref="StartAhead"/>), and whenever it is
/// free it takes parts of a step's work (<see cref="Share"/>): blocks of hidden units, each made by the same operations
/// whichever thread makes it, so the bits never depend on who took which part, or on whether this thread exists at all.
/// The owner takes parts too, so a busy or sleeping helper only means the owner does them all.
/// </summary>
/// <remarks>
/// Between jobs the helper spins for <see cref="SpinTicks"/> (steps come back to back, and waking a sleeping thread costs
/// more than a small step), then sleeps. A run shares its steps only while no other training runs in the process (<see cref="Sharing"/>):
/// a sweep's runs side by side already fill the cores, and a spinning helper would only take time from them.
/// </remarks>
internal sealed class SecondThread : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs
    private static int s_running; // trainings in progress in this process (Running)
    private const int Field = 0xFF_FFFF;

    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false, 0);
    private volatile bool _stop;
    private int _sleeping;

    // The shared job: its number (16 bits) and the parts taken from the back and from the front (24 bits each) in one word, so that
    // a part is only taken from the job it belongs to.
    private int _job;
    private long _ticket;
    private int _parts, _done;
    private Action<int>? _part;
    private ExceptionDispatchInfo? _partFailure;

    // The long job (a check ahead).
    private Func<(double LossSum, int Correct)>? _ahead;
    private (double LossSum, int Correct) _aheadResult;
    private ExceptionDispatchInfo? _aheadFailure;
    private readonly ManualResetEventSlim _aheadDone = new(true);

    private SecondThread()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "ParityNet second core" };
        _thread.Start();
    }

    /// <summary>Whether a process-wide switch lets runs use a second thread (tests turn it off to compare the bits).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>A second thread for a run, or null on a one-core machine or where <see cref="Enabled"/> is off.</summary>
    public static SecondThread? ForRun()
    {
        if (!Enabled || Environment.ProcessorCount < 2) return null;
        return new SecondThread();
    }

    private static long s_helperParts, s_sharedJobs;

    /// <summary>Parts every helper in the process has taken (for tests: proof that a run shared its steps).</summary>
    internal static long AllHelperParts => Interlocked.Read(ref s_helperParts);

    /// <summary>Jobs every run in the process offered to its helper (for tests: proof that the switch decides whether a run shares,
    /// whatever the scheduler then lets the helper take).</summary>
    internal static long AllSharedJobs => Interlocked.Read(ref s_sharedJobs);

    /// <summary>Parts of steps the helper took since it started (for tests: proof that it shared the work).</summary>
    public int HelperParts { get; private set; }

    /// <summary>Whether a step's parts are offered to the helper: no more than one training is in progress in this process.</summary>
    public static bool Sharing => Volatile.Read(ref s_running) <= 1;

    /// <summary>Counts a training in progress until disposed (<see cref="Trainer.Train"/> holds one for every run, with or without a
    /// helper): while two or more run side by side, as a sweep's do, their helpers take no part of their steps.</summary>
    public static IDisposable Running()
    {
        Interlocked.Increment(ref s_running);
        return new RunCount();
    }

    private sealed class RunCount : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref s_running); }
    }

    /// <summary>Runs part(0) … part(parts − 1), the helper taking what it can, and returns when all are done. The parts must
    /// write disjoint memory. An exception from a part is thrown here once every part has finished.</summary>
    public void Share(int parts, Action<int> part)
    {
        if (parts <= 1 || !Sharing)
        {
            for (int i = 0; i < parts; i++) part(i);
            return;
        }
        if (parts > Field) throw new ArgumentOutOfRangeException(nameof(parts), parts, "too many parts to share.");
        Interlocked.Increment(ref s_sharedJobs);
        int job = (_job + 1) & 0xFFFF;
        _part = part;
        _parts = parts;
        _done = 0;
        _partFailure = null;
        Interlocked.Exchange(ref _ticket, (long)job << 48);
        Interlocked.Exchange(ref _job, job); // a full fence: the helper sees the job whole, and the check of its sleep below is ordered
        if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
        while (true)
        {
            long t = Volatile.Read(ref _ticket);
            int front = (int)(t & Field), back = (int)((t >> 24) & Field);
            if (front + back >= parts) break;
            if (Interlocked.CompareExchange(ref _ticket, t + 1, t) != t) continue;
            RunPart(part, front);
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref _done) < parts) spin.SpinOnce(sleep1Threshold: -1);
        // Mark the job taken to the end, so that a helper still reading it never pairs it with the next job's count of parts.
        Interlocked.Exchange(ref _ticket, ((long)job << 48) | Field);
        _partFailure?.Throw();
    }

    /// <summary>Starts <paramref name="work"/> on the helper; the owner waits for it (<see cref="WaitAhead"/>) before starting another.</summary>
    public void StartAhead(Func<(double LossSum, int Correct)> work)
    {
        if (!_aheadDone.IsSet) throw new InvalidOperationException("the work started ahead before is still running: wait for it first.");
        _aheadFailure = null;
        _aheadDone.Reset();
        Volatile.Write(ref _ahead, work);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
    }

    /// <summary>Waits for the work <see cref="StartAhead"/> started and returns its result.</summary>
    public (double LossSum, int Correct) WaitAhead()
    {
        _aheadDone.Wait();
        _aheadFailure?.Throw();
        return _aheadResult;
    }

    private void RunPart(Action<int> part, int i)
    {
        try { part(i); }
        catch (Exception e) { _partFailure ??= ExceptionDispatchInfo.Capture(e); }
        Interlocked.Increment(ref _done);
    }

    private void Loop()
    {
        int seen = 0;
        long idleSince = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (!_stop)
        {
            var ahead = Volatile.Read(ref _ahead);
            if (ahead is not null)
            {
                try { _aheadResult = ahead(); }
                catch (Exception e) { _aheadFailure = ExceptionDispatchInfo.Capture(e); }
                Volatile.Write(ref _ahead, null);
                _aheadDone.Set();
                idleSince = Stopwatch.GetTimestamp();
                continue;
            }
            int job = Volatile.Read(ref _job);
            if (job != seen)
            {
                seen = job;
                TakeParts(job);
                idleSince = Stopwatch.GetTimestamp();
                spin.Reset();
                continue;
            }
            if (Sharing && Stopwatch.GetTimestamp() - idleSince < SpinTicks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            // Sleep, unless a job came in between: the owner checks _sleeping after publishing a job.
            Interlocked.Exchange(ref _sleeping, 1);
            if (!_stop && Volatile.Read(ref _job) == seen && Volatile.Read(ref _ahead) is null) _wake.Wait();
            _wake.Reset();
            Interlocked.Exchange(ref _sleeping, 0);
            idleSince = Stopwatch.GetTimestamp();
            spin.Reset();
        }
    }

    // The helper takes parts from the back, the owner from the front: each keeps roughly the same units from step to step, and
    // with them their weights in its own cache.
    private void TakeParts(int job)
    {
        while (true)
        {
            long t = Volatile.Read(ref _ticket);
            if ((int)((ulong)t >> 48) != job) return; // unsigned: jobs from 32,768 on set the word's top bit
            int front = (int)(t & Field), back = (int)((t >> 24) & Field), parts = Volatile.Read(ref _parts);
            if (front + back >= parts) return;
            if (Interlocked.CompareExchange(ref _ticket, t + (1L << 24), t) != t) continue;
            // The part is this job's: the owner starts no other job before it is done, so _part is still this job's.
            RunPart(_part!, parts - 1 - back);
            HelperParts++;
            Interlocked.Increment(ref s_helperParts);
        }
    }

    public void Dispose()
    {
        if (_stop) return;
        _stop = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
        _aheadDone.Dispose();
    }
}
