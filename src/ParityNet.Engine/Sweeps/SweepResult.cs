namespace ParityNet;

/// <summary>
/// What one point of a sweep gave: its settings, how its training ended, and where and how long it ran. A point
/// counts as solved when its final accuracy is 1 (every input right), as in the README's parity table.
/// </summary>
public sealed class SweepResult
{
    /// <summary>Makes a result; <paramref name="settings"/> are the point's, by name, as its key writes them.</summary>
    public SweepResult(string key, IReadOnlyDictionary<string, string> settings, int bits, int epochsRun, StopReason stopReason,
        double finalLoss, double finalAccuracy, TimeSpan wallTime, string worker, int attempts, DateTime finished, ParityNetwork? network = null,
        bool fromFile = false, string? failure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(settings);
        Key = key;
        Settings = new SortedDictionary<string, string>(settings.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        Bits = bits;
        EpochsRun = epochsRun;
        StopReason = stopReason;
        FinalLoss = finalLoss;
        FinalAccuracy = finalAccuracy;
        WallTime = wallTime;
        Worker = worker ?? "";
        Attempts = attempts;
        Finished = finished.Kind == DateTimeKind.Utc ? finished : finished.ToUniversalTime();
        Network = network;
        FromFile = fromFile;
        Failure = string.IsNullOrEmpty(failure) ? null : failure;
    }

    /// <summary>A point given up after <paramref name="attempts"/> workers failed or were lost in it: recorded, so that a
    /// rerun does not run it again unless asked.</summary>
    public static SweepResult Failed(SweepPoint point, int bits, string worker, int attempts, string failure) =>
        new(point.Key, point.Settings.ToDictionary(p => p.Key, p => SweepPoint.Text(p.Value)), bits, 0, StopReason.Cancelled,
            double.NaN, 0, TimeSpan.Zero, worker, attempts, DateTime.UtcNow, failure: failure);

    /// <summary>Why the point was given up (the sweep's named error), or null for a point that was trained.</summary>
    public string? Failure { get; }

    /// <summary>Whether the point was given up rather than trained.</summary>
    public bool IsFailed => Failure is not null;

    /// <summary>A result of a trained network: its history gives how the training ended.</summary>
    public static SweepResult Of(SweepPoint point, ParityNetwork trained, string worker, int attempts, bool keepNetwork)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(trained);
        var history = trained.History ?? throw new ArgumentException("The network was not trained.", nameof(trained));
        return new SweepResult(point.Key, point.Settings.ToDictionary(p => p.Key, p => SweepPoint.Text(p.Value)), trained.Bits,
            history.EpochsRun, history.StopReason, history.FinalLoss, history.FinalAccuracy, history.WallTime, worker, attempts,
            DateTime.UtcNow, keepNetwork ? trained : null);
    }

    /// <summary>The point's identity (<see cref="SweepPoint.Key"/>).</summary>
    public string Key { get; }

    /// <summary>The point's settings by parameter name, as text.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The network's input width.</summary>
    public int Bits { get; }

    /// <summary>Epochs the training ran.</summary>
    public int EpochsRun { get; }

    /// <summary>Why the training stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>The loss after the last epoch.</summary>
    public double FinalLoss { get; }

    /// <summary>The accuracy after the last epoch (on every input, or the held-out sample for wide inputs).</summary>
    public double FinalAccuracy { get; }

    /// <summary>Whether every input was answered right at the end.</summary>
    public bool Solved => FinalAccuracy >= 1;

    /// <summary>The training's wall time, where it ran.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>Where it ran: "local:2" (a runspace of this process) or "session 1 (host)" (a remote session).</summary>
    public string Worker { get; }

    /// <summary>How many workers it was given: more than 1 when a worker failed in the middle of it.</summary>
    public int Attempts { get; }

    /// <summary>When it finished (UTC).</summary>
    public DateTime Finished { get; }

    /// <summary>Whether the result was read back from a result file (an earlier run of the sweep) rather than trained now.</summary>
    public bool FromFile { get; }

    /// <summary>The trained network, with -KeepNetwork; null otherwise and for results read back from a file.</summary>
    public ParityNetwork? Network { get; }

    /// <inheritdoc/>
    public override string ToString() => IsFailed ? $"{Key.Replace(";", ", ")}: failed after {Attempts} attempts ({Failure})" :
        $"{Key.Replace(";", ", ")}: {(Solved ? "solved" : "not solved")} after {EpochsRun} epochs ({StopReason}), loss {FinalLoss:0.####}, accuracy {FinalAccuracy:P1}, on {Worker}";
}
