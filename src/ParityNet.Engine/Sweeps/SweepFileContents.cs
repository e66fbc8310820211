using System.Text;

namespace ParityNet;

/// <summary>
/// What a result file holds: the finished points, and the lines it could not take, the first
/// <see cref="ProblemsKept"/> of them in full and all of them counted, so that a file of a million corrupt lines
/// gives a few warnings and a count rather than a million warnings. It is read a chunk at a time, refused by its
/// declared size before any of it is read, and stops when its token is cancelled (Ctrl+C) within a few thousand lines.
/// </summary>
public sealed class SweepFileContents
{
    /// <summary>The lines that could not be taken kept in full; the rest are counted.</summary>
    public const int ProblemsKept = 10;

    private const int LinesBetweenChecks = 4096;
    private readonly List<SweepResult> _finished = new();
    private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal); // key -> its place in _finished
    private readonly List<SweepLogProblem> _problems = new();
    private readonly Dictionary<string, int> _lineOf = new(StringComparer.Ordinal);
    private readonly int[] _counts = new int[Enum.GetValues<SweepLogProblemKind>().Length];

    private SweepFileContents() { }

    /// <summary>The points the file holds, each once (FromFile, no network).</summary>
    public IReadOnlyList<SweepResult> Finished => _finished;

    /// <summary>The first <see cref="ProblemsKept"/> lines that could not be taken.</summary>
    public IReadOnlyList<SweepLogProblem> Problems => _problems;

    /// <summary>How many lines could not be taken, all told.</summary>
    public int ProblemCount { get; private set; }

    /// <summary>How many lines have the problem <paramref name="kind"/>.</summary>
    public int CountOf(SweepLogProblemKind kind) => _counts[(int)kind];

    /// <summary>The line a point is held on, if the file holds it.</summary>
    public int? LineOf(string key) => _lineOf.TryGetValue(key, out int line) ? line : null;

    /// <summary>The bytes that end in a complete line: what the file is cut to before a sweep appends.</summary>
    internal long Keep { get; private set; }

    /// <summary>The last line is a whole result without its line end: the file is kept whole and given one.</summary>
    internal bool AddLineEnd { get; private set; }

    /// <summary>Reads <paramref name="stream"/> from where it is to its end.</summary>
    /// <param name="stream">The file.</param>
    /// <param name="path">The file's name as the user gave it, for errors.</param>
    /// <param name="setting">The setting that gave the file (ResultPath, Path), for the fix an error names.</param>
    /// <param name="cancel">Stops the reading.</param>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.SweepResultFileTooLarge"/>.</exception>
    /// <exception cref="OperationCanceledException">when <paramref name="cancel"/> is cancelled.</exception>
    internal static SweepFileContents Read(Stream stream, string path, string setting, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        if (stream.CanSeek && stream.Length - stream.Position > SweepLog.MaxFileBytes) throw TooLarge(path, setting, stream.Length);
        var contents = new SweepFileContents();
        var chunk = new byte[1 << 20];
        var line = new byte[SweepLog.MaxLineBytes];
        int held = 0, number = 0;
        long length = 0, consumed = 0;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            cancel.ThrowIfCancellationRequested();
            // A file that grew past its declared size while it was read is cut off at the cap all the same.
            if (consumed + read > SweepLog.MaxFileBytes) throw TooLarge(path, setting, consumed + read);
            int at = 0;
            while (at < read)
            {
                int newline = chunk.AsSpan(at, read - at).IndexOf((byte)'\n');
                int end = newline < 0 ? read : at + newline;
                // A line is kept only up to MaxLineBytes: a result is a few hundred bytes, and a giant line must not be held whole.
                int take = Math.Min(end - at, line.Length - held);
                chunk.AsSpan(at, take).CopyTo(line.AsSpan(held));
                held += take;
                length += end - at;
                if (newline < 0) break;
                contents.Take(++number, line.AsSpan(0, held), length, torn: false);
                contents.Keep = consumed + end + 1;
                held = 0;
                length = 0;
                at = end + 1;
                if (number % LinesBetweenChecks == 0) cancel.ThrowIfCancellationRequested();
            }
            consumed += read;
        }
        if (length > 0) contents.Take(++number, line.AsSpan(0, held), length, torn: true);
        return contents;
    }

    /// <summary>Reads <paramref name="bytes"/> as a whole file (tests).</summary>
    internal static SweepFileContents Read(byte[] bytes, CancellationToken cancel = default) =>
        Read(new MemoryStream(bytes, writable: false), "test.jsonl", "Path", cancel);

    /// <summary>The warnings that name the lines that could not be taken and what becomes of them, each escaped
    /// (<see cref="ParityNetException.Printable"/>): the first <see cref="ProblemsKept"/> in full, then how many more.</summary>
    /// <param name="path">The file as the user named it.</param>
    /// <param name="runs">For a sweep that took the file (and repaired its last line): whether it runs the point with
    /// this key now. Null when the file was only read, as Measure-ParitySweep does: then nothing is said to run.</param>
    public IEnumerable<string> Warnings(string path, Func<string, bool>? runs = null)
    {
        bool sweep = runs is not null;
        foreach (var p in _problems)
        {
            string fate = p.Kind switch
            {
                SweepLogProblemKind.Repeated => "It is skipped",
                SweepLogProblemKind.NoLineEnd => sweep ? "It is counted, and was given its line end" : "It is counted",
                SweepLogProblemKind.Unfinished => sweep ? "It was removed from the file" + RunsAgain(p, runs) : "It is left out (a sweep may be writing it now)",
                _ => (sweep ? "It stays in the file and is skipped" : "It is skipped") + RunsAgain(p, runs),
            };
            yield return ParityNetException.Printable($"'{path}' line {p.Line}: {p.Why}. {fate}. The line: {p.Text}");
        }
        if (ProblemCount > _problems.Count)
        {
            var kinds = new (SweepLogProblemKind Kind, string Words)[]
            {
                (SweepLogProblemKind.NotAResult, "not sweep results"), (SweepLogProblemKind.OutOfRange, "results out of range"),
                (SweepLogProblemKind.Repeated, "repeats of an earlier line"), (SweepLogProblemKind.TooLong, "far too long"),
            };
            var shown = _problems.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.Count());
            string counts = string.Join(", ", kinds.Select(k => (k.Words, More: CountOf(k.Kind) - shown.GetValueOrDefault(k.Kind))).Where(k => k.More > 0).Select(k => $"{k.More} {k.Words}"));
            yield return ParityNetException.Printable($"'{path}': {ProblemCount - _problems.Count} more lines could not be taken ({counts}); they are skipped, and only the first {_problems.Count} are shown.");
        }
    }

    private string RunsAgain(SweepLogProblem problem, Func<string, bool>? runs) =>
        problem.Key is not { } key ? ""
        : LineOf(key) is int held ? $"; its point is held on line {held}"
        : runs?.Invoke(key) == true ? ", and its point is run again" : "";

    private void Take(int number, ReadOnlySpan<byte> bytes, long length, bool torn)
    {
        string text = Encoding.UTF8.GetString(bytes).TrimEnd('\r');
        if (number == 1) text = text.TrimStart('\uFEFF'); // a byte-order mark an editor added
        if (text.Trim().Length == 0) return;
        string shown = text.Length <= 200 ? text : text[..200] + "…";
        if (length > SweepLog.MaxLineBytes)
        {
            Problem(new SweepLogProblem(number, shown, torn
                ? $"the last line is {length} bytes long, far longer than a result ({SweepLog.MaxLineBytes} at most), and has no line end: a sweep stopped while writing it"
                : $"it is {length} bytes long, far longer than a result ({SweepLog.MaxLineBytes} at most)", torn ? SweepLogProblemKind.Unfinished : SweepLogProblemKind.TooLong));
            return;
        }
        // Most lines that are not results are not JSON objects either: said without the cost of an exception each.
        if (text.TrimStart()[0] != '{')
        {
            Problem(torn
                ? new SweepLogProblem(number, shown, "the last line has no line end and is not a whole result: a sweep stopped while writing it", SweepLogProblemKind.Unfinished)
                : new SweepLogProblem(number, shown, "it is not a sweep result (it is not a JSON object)", SweepLogProblemKind.NotAResult));
            return;
        }
        SweepResult result;
        string? key = null;
        try
        {
            result = SweepLog.Parse(text, out key);
        }
        catch (FormatException ex)
        {
            Problem(torn
                ? new SweepLogProblem(number, shown, "the last line has no line end and is not a whole result: a sweep stopped while writing it", SweepLogProblemKind.Unfinished, key)
                : new SweepLogProblem(number, shown, $"it is not a sweep result ({ex.Message.TrimEnd('.')})", SweepLogProblemKind.NotAResult, key));
            return;
        }
        catch (ArgumentException ex)
        {
            Problem(torn
                ? new SweepLogProblem(number, shown, $"the last line has no line end, and its {ex.Message}: a sweep stopped while writing it", SweepLogProblemKind.Unfinished, key)
                : new SweepLogProblem(number, shown, $"its {ex.Message}: no sweep gives that", SweepLogProblemKind.OutOfRange, key));
            return;
        }
        if (torn)
        {
            // A whole result whose line end was lost (an editor) is kept; only an unfinished line is cut off.
            AddLineEnd = true;
            Problem(new SweepLogProblem(number, shown, "the last line has no line end, but it is a whole result", SweepLogProblemKind.NoLineEnd, result.Key));
        }
        if (_lineOf.TryGetValue(result.Key, out int earlier))
        {
            // A point recorded as failed and later run again with -RetryFailed: the later line (a result, or the
            // failure of that retry) replaces the failure.
            int failed = _indexOf[result.Key];
            if (_finished[failed].IsFailed)
            {
                _finished[failed] = result;
                _lineOf[result.Key] = number;
                return;
            }
            Problem(new SweepLogProblem(number, shown, $"this point was recorded before, on line {earlier}; the earlier one counts", SweepLogProblemKind.Repeated, result.Key));
            return;
        }
        _lineOf[result.Key] = number;
        _indexOf[result.Key] = _finished.Count;
        _finished.Add(result);
    }

    private void Problem(SweepLogProblem problem)
    {
        ProblemCount++;
        _counts[(int)problem.Kind]++;
        if (_problems.Count < ProblemsKept) _problems.Add(problem);
    }

    private static ParityNetException TooLarge(string path, string setting, long bytes) =>
        new(ErrorIds.SweepResultFileTooLarge, ParityErrorKind.LimitsExceeded,
            $"'{path}' is {bytes} bytes long, more than the {SweepLog.MaxFileBytes >> 20} MiB a sweep's result file may hold (a sweep of a million points writes about 300 MiB); " +
            $"it was not read. Give ⟦{setting}⟧ a sweep's result file, or split a sweep this large into several, each with its own file.", path);
}
