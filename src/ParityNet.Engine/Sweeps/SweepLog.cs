using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ParityNet;

/// <summary>A line of a result file that could not be read back, and what becomes of it.</summary>
/// <param name="Line">Its line number, from 1.</param>
/// <param name="Text">Its first 200 characters.</param>
/// <param name="Why">Why it was not taken.</param>
public sealed record SweepLogProblem(int Line, string Text, string Why);

/// <summary>
/// A sweep's storage: a JSON-lines file, one finished point a line, appended and flushed to disk before the
/// point is reported, so that what was reported is on disk. Reading it back gives the finished points (a rerun
/// skips them) and names every line it could not take: a torn last line (a crash mid-write) or a corrupt one
/// is reported and its point redone; a point recorded twice is reported and counted once.
/// </summary>
public sealed class SweepLog : IDisposable
{
    /// <summary>The largest result file read back: far more than a sweep of a million points writes.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>The longest line read as a result: a result line is a few hundred bytes.</summary>
    public const int MaxLineBytes = 1 << 16;

    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly FileStream _stream;

    private SweepLog(string path, FileStream stream, IReadOnlyList<SweepResult> finished, IReadOnlyList<SweepLogProblem> problems)
    {
        Path = path;
        _stream = stream;
        Finished = finished;
        Problems = problems;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The points the file already held, read back (FromFile, no network).</summary>
    public IReadOnlyList<SweepResult> Finished { get; }

    /// <summary>The lines that could not be taken.</summary>
    public IReadOnlyList<SweepLogProblem> Problems { get; }

    /// <summary>Opens <paramref name="path"/> for appending (creating it), after reading back what it holds. A torn
    /// last line, which has no line end, is cut off so that the next line starts cleanly; it is among
    /// <see cref="Problems"/>, and its point is not among <see cref="Finished"/>, so it is run again.</summary>
    /// <exception cref="ParityNetException">the path is not a regular file in an existing folder, or the file is larger than <see cref="MaxFileBytes"/>.</exception>
    public static SweepLog Open(string path)
    {
        string target = SafeFile.CheckWritable(path, overwrite: true, "sweep.jsonl");
        var (finished, problems, keep) = File.Exists(target)
            ? Read(SafeFile.ReadAllBytes(target, MaxFileBytes, "a sweep's result file such as sweep.jsonl"))
            : (new List<SweepResult>(), new List<SweepLogProblem>(), 0L);
        // A file with lines and no result in it is some other file given by mistake (points.csv): never touched.
        if (finished.Count == 0 && problems.Count > 0)
            throw new ParityNetException(ErrorIds.SweepResultLine, ParityErrorKind.InvalidArgument,
                $"'{path}' is not a sweep's result file: none of its {problems.Count} line(s) is a sweep result (line {problems[0].Line}: {problems[0].Text}). " +
                "It was left as it is. Give ⟦ResultPath⟧ a new file, or the .jsonl file an earlier run of this sweep wrote.", path);
        try
        {
            var stream = new FileStream(target, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            if (keep < 0)
            {
                // The whole file is kept and its last line, a whole result, is given its line end.
                stream.Seek(0, SeekOrigin.End);
                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }
            else
            {
                if (stream.Length != keep) stream.SetLength(keep);
                stream.Seek(0, SeekOrigin.End);
            }
            return new SweepLog(target, stream, finished, problems);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(ErrorIds.WriteFailed, ParityErrorKind.InvalidOperation, $"Could not open '{path}' to record the sweep: {ex.Message}", path, ex);
        }
    }

    /// <summary>Reads a result file without opening it for writing (a summary of a finished sweep).</summary>
    public static (IReadOnlyList<SweepResult> Finished, IReadOnlyList<SweepLogProblem> Problems) ReadFile(string path)
    {
        var (finished, problems, _) = Read(SafeFile.ReadAllBytes(path, MaxFileBytes, "a sweep's result file such as sweep.jsonl"));
        return (finished, problems);
    }

    /// <summary>The results in <paramref name="bytes"/>, the lines it could not take, and how many bytes end in a
    /// complete line (what an append must keep).</summary>
    internal static (List<SweepResult> Finished, List<SweepLogProblem> Problems, long Keep) Read(byte[] bytes)
    {
        var finished = new List<SweepResult>();
        var problems = new List<SweepLogProblem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int start = 0, line = 0;
        long keep = 0;
        while (start < bytes.Length)
        {
            line++;
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            bool torn = end < 0;
            int stop = torn ? bytes.Length : end;
            int length = stop - start;
            // A line is read only up to MaxLineBytes: a result is a few hundred bytes, and a giant line must not be decoded whole.
            string text = Encoding.UTF8.GetString(bytes, start, Math.Min(length, MaxLineBytes)).TrimEnd('\r');
            if (line == 1) text = text.TrimStart('\uFEFF'); // a byte-order mark an editor added
            start = stop + 1;
            if (!torn) keep = start;
            if (text.Trim().Length == 0) continue;
            string shown = text.Length <= 200 ? text : text[..200] + "…";
            if (length > MaxLineBytes)
            {
                problems.Add(new SweepLogProblem(line, shown, $"it is {length} bytes long, far longer than a result ({MaxLineBytes} at most). It is skipped and its point is run again"));
                continue;
            }
            if (torn)
            {
                // A complete result whose line end was lost (an editor) is kept; only an unfinished line is cut off.
                try
                {
                    var whole = Parse(text);
                    if (seen.Add(whole.Key)) finished.Add(whole);
                    problems.Add(new SweepLogProblem(line, shown, "the last line has no line end; it is a whole result, kept, and given its line end"));
                    keep = -bytes.Length; // keep everything, and add the line end
                }
                catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException or OverflowException)
                {
                    problems.Add(new SweepLogProblem(line, shown, "the last line has no line end: the sweep stopped while writing it. It is removed from the file and its point is run again"));
                }
                continue;
            }
            SweepResult result;
            try
            {
                result = Parse(text);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException or OverflowException)
            {
                problems.Add(new SweepLogProblem(line, shown, $"it is not a sweep result ({ex.Message.Split('.')[0]}). It stays in the file, is skipped, and its point is run again"));
                continue;
            }
            if (!seen.Add(result.Key))
            {
                // A point recorded as failed and later run with -RetryFailed: its result replaces the failure.
                int earlier = finished.FindIndex(r => r.Key == result.Key);
                if (earlier >= 0 && finished[earlier].IsFailed && !result.IsFailed) { finished[earlier] = result; continue; }
                problems.Add(new SweepLogProblem(line, shown, "this point was recorded before, on an earlier line; the earlier one counts"));
                continue;
            }
            finished.Add(result);
        }
        return (finished, problems, keep);
    }

    /// <summary>Appends <paramref name="result"/> as one line and flushes it to disk before returning.</summary>
    public void Append(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var bytes = Encoding.UTF8.GetBytes(Format(result) + "\n");
        try
        {
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: true);
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

    /// <summary>A result from one JSON line of <see cref="Format"/>.</summary>
    public static SweepResult Parse(string line)
    {
        var o = JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("Not a JSON object.");
        string key = (string?)o["key"] ?? throw new FormatException("No key.");
        var settings = (o["settings"]?.AsObject() ?? throw new FormatException("No settings."))
            .ToDictionary(p => p.Key, p => (string?)p.Value ?? throw new FormatException($"Setting {p.Key} is not text."));
        string expected = string.Join(";", settings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        if (expected != key) throw new FormatException($"Its key '{key}' does not match its settings.");
        double Number(string name) => o[name] is { } node ? node.Deserialize<double>(s_json) : throw new FormatException($"No {name}.");
        return new SweepResult(key, settings, (int)Number("bits"), checked((int)Number("epochsRun")),
            Enum.Parse<StopReason>((string?)o["stopReason"] ?? throw new FormatException("No stopReason.")),
            Number("finalLoss"), Number("finalAccuracy"), TimeSpan.FromMilliseconds(Number("wallTimeMs")),
            (string?)o["worker"] ?? "", (int)Number("attempts"),
            DateTime.Parse((string?)o["finished"] ?? throw new FormatException("No finished time."), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), fromFile: true,
            failure: (string?)o["failure"]);
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
