using System.Globalization;

namespace ParityNet;

/// <summary>
/// What one point of a sweep gave: its settings, how its training ended, and where and how long it ran. A point
/// counts as solved when its final accuracy is 1 (every input right), as in the parity table (docs/parity-table.md).
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
        if (OutOfRange(settings, bits, epochsRun, stopReason, finalLoss, finalAccuracy, wallTime, worker, attempts) is { } why) throw new ArgumentException(why);
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
        Failure = string.IsNullOrEmpty(failure) ? null : ParityNetException.Printable(failure); // it is printed: no control characters
    }

    /// <summary>The longest wall time a result may record: ten years.</summary>
    public static readonly TimeSpan MaxWallTime = TimeSpan.FromDays(3653);

    /// <summary>Why these values are not a result any sweep gives, naming the value and its range; null when they are.
    /// Results come back from files and deserialized objects, and a value out of range (an accuracy of 7 counted as
    /// solved, a wall time that overflows a sum, text that moves a terminal's cursor) must not pass as a finished point.</summary>
    public static string? OutOfRange(IReadOnlyDictionary<string, string> settings, int bits, int epochsRun, StopReason stopReason,
        double finalLoss, double finalAccuracy, TimeSpan wallTime, string? worker, int attempts)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var c = CultureInfo.InvariantCulture;
        int? Setting(string name) => settings.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, c, out int value) ? value : null;
        if (bits < 1 || bits > EngineLimits.MaxBits) return $"Bits {bits} is outside 1 to {EngineLimits.MaxBits}";
        if (Setting("Bits") is int given && given != bits) return $"Bits {bits} is not the point's own Bits, {given}";
        if (epochsRun < 0) return $"EpochsRun {epochsRun} is negative";
        if (Setting("Epochs") is int most && epochsRun > most) return $"EpochsRun {epochsRun} is more than the point's Epochs, {most}";
        if (Setting("Steps") is int steps && Setting("CheckEvery") is int every && every > 0 && (long)epochsRun * every > steps)
            return $"EpochsRun {epochsRun} is more than the point's Steps, {steps}, allow at CheckEvery {every}";
        if (!Enum.IsDefined(stopReason)) return $"StopReason {(int)stopReason} is not one of {string.Join(", ", Enum.GetNames<StopReason>())}";
        if (finalLoss < 0) return $"FinalLoss {finalLoss.ToString("R", c)} is negative"; // NaN and +∞ are a diverged run's
        if (!(finalAccuracy >= 0 && finalAccuracy <= 1)) return $"FinalAccuracy {finalAccuracy.ToString("R", c)} is outside 0 to 1";
        if (wallTime < TimeSpan.Zero || wallTime > MaxWallTime) return $"WallTime {wallTime.TotalMilliseconds.ToString("R", c)} ms is outside 0 to ten years";
        if (attempts < 1) return $"Attempts {attempts} is less than 1";
        foreach (var (name, value) in settings)
            if (HasHiddenCharacter(name) || HasHiddenCharacter(value)) return $"setting {name} holds a control character";
        if (worker is not null && HasHiddenCharacter(worker)) return "Worker holds a control character";
        return null;
    }

    /// <summary>A number of a result that must be whole (Bits, EpochsRun, Attempts) as an int, or why it cannot be.</summary>
    /// <exception cref="ArgumentException">it is not a whole number within an int's range.</exception>
    public static int Whole(string name, double value) =>
        value == Math.Floor(value) && value >= int.MinValue && value <= int.MaxValue ? (int)value
            : throw new ArgumentException($"{name} {value.ToString("R", CultureInfo.InvariantCulture)} is not a whole number from {int.MinValue} to {int.MaxValue}");

    private static bool HasHiddenCharacter(string text) => ParityNetException.Printable(text) != text;

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

    /// <summary>Steps (updates) the training ran, for a point with CheckEvery (each epoch is that many steps):
    /// EpochsRun × CheckEvery; null otherwise.</summary>
    public long? StepsRun => Settings.TryGetValue("CheckEvery", out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int every)
        ? (long)EpochsRun * every : null;

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
