using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ParityNet;

/// <summary>What is wrong with a line of a result file.</summary>
public enum SweepLogProblemKind
{
    /// <summary>It is not a sweep result: not JSON, or a field missing or of the wrong type.</summary>
    NotAResult,
    /// <summary>It is a result whose values no sweep gives (an accuracy of 7, negative epochs, an unknown stop reason).</summary>
    OutOfRange,
    /// <summary>Its point was recorded on an earlier line, which counts.</summary>
    Repeated,
    /// <summary>It is far longer than a result.</summary>
    TooLong,
    /// <summary>The last line, without a line end and not a whole result: a sweep stopped while writing it.</summary>
    Unfinished,
    /// <summary>The last line, without a line end but a whole result: counted.</summary>
    NoLineEnd,
}

/// <summary>A line of a result file that could not be read back, and what becomes of it.</summary>
/// <param name="Line">Its line number, from 1.</param>
/// <param name="Text">Its first 200 characters.</param>
/// <param name="Why">Why it was not taken (or, for <see cref="SweepLogProblemKind.NoLineEnd"/>, what was odd about it).</param>
/// <param name="Kind">What is wrong with it.</param>
/// <param name="Key">The point it names, when it names one.</param>
public sealed record SweepLogProblem(int Line, string Text, string Why, SweepLogProblemKind Kind = SweepLogProblemKind.NotAResult, string? Key = null);

/// <summary>
/// A sweep's storage: a JSON-lines file, one finished point a line, appended and flushed to disk before the
/// point is reported, so that what was reported is on disk. The sweep owns the file for its whole life under an OS
/// lock (<see cref="LockedFile"/>): a second sweep on it is refused by name at once, and only the owner reads it
/// back for a rerun, repairs a torn last line and appends. Reading it back gives the finished points (a rerun skips
/// them) and names the lines it could not take: a torn last line (a crash mid-write), a corrupt one, a result out
/// of range, a point recorded twice (counted once).
/// </summary>
public sealed class SweepLog : IDisposable
{
    /// <summary>The largest result file read back: far more than a sweep of a million points writes (about 300 MiB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>The longest line read as a result: a result line is a few hundred bytes.</summary>
    public const int MaxLineBytes = 1 << 16;

    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private static readonly HashSet<string> s_stopReasons = new(Enum.GetNames<StopReason>(), StringComparer.Ordinal);
    private readonly LockedFile _file;

    private SweepLog(string path, LockedFile file, SweepFileContents contents)
    {
        Path = path;
        _file = file;
        Contents = contents;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>What the file held when the sweep took it.</summary>
    public SweepFileContents Contents { get; }

    /// <summary>The points the file already held, read back (FromFile, no network).</summary>
    public IReadOnlyList<SweepResult> Finished => Contents.Finished;

    /// <summary>The first lines that could not be taken (<see cref="SweepFileContents.ProblemCount"/> counts them all).</summary>
    public IReadOnlyList<SweepLogProblem> Problems => Contents.Problems;

    /// <summary>Takes <paramref name="path"/> for a sweep (creating it): locks it, then reads back what it holds. A torn
    /// last line, which has no line end, is cut off, under the lock, so that the next line starts cleanly; it is among
    /// the problems, and its point is not among <see cref="Finished"/>, so it is run again.</summary>
    /// <exception cref="ParityNetException">the path is not a regular file in an existing folder, another sweep holds it
    /// (<see cref="ErrorIds.SweepResultFileInUse"/>), it is larger than <see cref="MaxFileBytes"/>, or it holds no result.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled while the file was read.</exception>
    public static SweepLog Open(string path, CancellationToken cancel = default)
    {
        string target = SafeFile.CheckWritable(path, overwrite: true, "sweep.jsonl");
        LockedFile? file;
        try
        {
            file = LockedFile.TryOpen(target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(ErrorIds.WriteFailed, ParityErrorKind.InvalidOperation, $"Could not open '{path}' to record the sweep: {ex.Message}", path, ex);
        }
        if (file is null)
            throw new ParityNetException(ErrorIds.SweepResultFileInUse, ParityErrorKind.InvalidOperation,
                $"'{path}' is in use by another sweep, in this session or another process (one left running after its window or launcher was closed counts; " +
                $"on Linux, lsof '{target}' names it). A result file has one sweep at a time, so nothing was run and the file was not touched. " +
                "Wait for that sweep to finish (or stop it) and run this one again, or give this one another ⟦ResultPath⟧.", path);
        try
        {
            var contents = SweepFileContents.Read(file.ReadFromStart(), path, "ResultPath", cancel);
            // A file with lines and no result in it is some other file given by mistake (points.csv): never touched.
            bool tornFirstResult = contents.ProblemCount == 1 && contents.Problems[0].Kind == SweepLogProblemKind.Unfinished
                && contents.Problems[0].Text.StartsWith("{\"key\":", StringComparison.Ordinal); // a crash while writing the first result
            if (contents.Finished.Count == 0 && contents.ProblemCount > 0 && !tornFirstResult)
                throw new ParityNetException(ErrorIds.SweepResultLine, ParityErrorKind.InvalidArgument,
                    $"'{path}' is not a sweep's result file: none of its {contents.ProblemCount} line(s) is a sweep result (line {contents.Problems[0].Line}: {contents.Problems[0].Text}). " +
                    "It was left as it is. Give ⟦ResultPath⟧ a new file, or the .jsonl file an earlier run of this sweep wrote.", path);
            if (contents.AddLineEnd) file.Append("\n"u8); // its last line, a whole result, is given its line end
            else if (file.Length != contents.Keep) file.Truncate(contents.Keep);
            return new SweepLog(target, file, contents);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            file.Dispose();
            throw new ParityNetException(ErrorIds.WriteFailed, ParityErrorKind.InvalidOperation, $"Could not read and repair '{path}' to record the sweep: {ex.Message}", path, ex);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads a result file without taking it (a summary, even of a sweep still running). A last line without
    /// a line end is left out: a sweep may be writing it.</summary>
    /// <exception cref="ParityNetException">it is missing or not a regular file, or larger than <see cref="MaxFileBytes"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled while the file was read.</exception>
    public static SweepFileContents ReadFile(string path, CancellationToken cancel = default)
    {
        using var stream = SafeFile.OpenRead(path, "a sweep's result file such as sweep.jsonl");
        try
        {
            return SweepFileContents.Read(stream, path, "Path", cancel);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(ErrorIds.ReadFailed, ParityErrorKind.InvalidOperation, $"Could not read '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>Appends <paramref name="result"/> as one line and flushes it to disk before returning.</summary>
    public void Append(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var bytes = Encoding.UTF8.GetBytes(Format(result) + "\n");
        try
        {
            _file.Append(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(ErrorIds.WriteFailed, ParityErrorKind.InvalidOperation,
                $"Could not record {result.Key} in '{Path}': {ex.Message}. The points recorded before it are kept; rerun the sweep with the same result file to go on.", Path, ex);
        }
    }

    /// <summary>A result as one JSON line.</summary>
    public static string Format(SweepResult result)
    {
        var settings = new JsonObject();
        foreach (var (name, value) in result.Settings) settings[name] = value;
        var o = new JsonObject
        {
            ["key"] = result.Key,
            ["settings"] = settings,
            ["bits"] = result.Bits,
            ["epochsRun"] = result.EpochsRun,
            ["stopReason"] = result.StopReason.ToString(),
            ["finalLoss"] = result.FinalLoss,
            ["finalAccuracy"] = result.FinalAccuracy,
            ["solved"] = result.Solved,
            ["wallTimeMs"] = result.WallTime.TotalMilliseconds,
            ["worker"] = result.Worker,
            ["attempts"] = result.Attempts,
            ["finished"] = result.Finished.ToString("O", CultureInfo.InvariantCulture),
        };
        if (result.Failure is not null) o["failure"] = result.Failure;
        return o.ToJsonString(s_json);
    }

    /// <summary>A result from one JSON line of <see cref="Format"/>, its values checked (<see cref="SweepResult.OutOfRange"/>).</summary>
    /// <exception cref="FormatException">it is not a result, or one whose values no sweep gives.</exception>
    public static SweepResult Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            return Parse(line, out _);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>A result from a line; <paramref name="key"/> is the point it names once that is known.</summary>
    /// <exception cref="FormatException">it is not a result.</exception>
    /// <exception cref="ArgumentException">its values are out of range (<paramref name="key"/> is set).</exception>
    internal static SweepResult Parse(string line, out string? key)
    {
        key = null;
        JsonObject o;
        string named;
        Dictionary<string, string> settings;
        try
        {
            o = JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("Not a JSON object.");
            named = (string?)o["key"] is { Length: > 0 } k ? k : throw new FormatException("No key.");
            settings = (o["settings"]?.AsObject() ?? throw new FormatException("No settings."))
                .ToDictionary(p => p.Key, p => (string?)p.Value ?? throw new FormatException($"Setting {p.Key} is not text."));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException(ex.Message, ex);
        }
        string expected = string.Join(";", settings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        if (expected != named) throw new FormatException($"Its key '{named}' does not match its settings.");
        key = named;
        double Number(string name)
        {
            try
            {
                return o[name] is { } node ? node.Deserialize<double>(s_json) : throw new FormatException($"No {name}.");
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                throw new FormatException($"Its {name} is not a number.", ex);
            }
        }
        string Text(string name)
        {
            try
            {
                return (string?)o[name] ?? throw new FormatException($"No {name}.");
            }
            catch (InvalidOperationException ex)
            {
                throw new FormatException($"Its {name} is not text.", ex);
            }
        }
        string reason = Text("stopReason");
        if (!s_stopReasons.Contains(reason))
            throw new ArgumentException($"StopReason '{reason}' is not one of {string.Join(", ", Enum.GetNames<StopReason>())}");
        double wallMs = Number("wallTimeMs");
        if (!(wallMs >= 0 && wallMs <= SweepResult.MaxWallTime.TotalMilliseconds))
            throw new ArgumentException($"WallTime {wallMs.ToString("R", CultureInfo.InvariantCulture)} ms is outside 0 to ten years");
        if (!DateTime.TryParse(Text("finished"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var finished))
            throw new FormatException("Its finished time is not a date.");
        string worker = o["worker"] is null ? "" : Text("worker");
        return new SweepResult(named, settings, SweepResult.Whole("Bits", Number("bits")), SweepResult.Whole("EpochsRun", Number("epochsRun")),
            Enum.Parse<StopReason>(reason), Number("finalLoss"), Number("finalAccuracy"), TimeSpan.FromMilliseconds(wallMs),
            worker, SweepResult.Whole("Attempts", Number("attempts")), finished, fromFile: true,
            failure: o["failure"] is null ? null : Text("failure"));
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
