namespace ParityNet;

/// <summary>What kind of failure a <see cref="ParityNetException"/> is; the cmdlets map it to an ErrorCategory.</summary>
public enum ParityErrorKind
{
    /// <summary>An argument is outside what the engine accepts.</summary>
    InvalidArgument,
    /// <summary>The input has the wrong form or content.</summary>
    InvalidData,
    /// <summary>The input is of a type that cannot be used (a string where a number belongs).</summary>
    InvalidType,
    /// <summary>The operation cannot run in the current state.</summary>
    InvalidOperation,
    /// <summary>More memory than allowed would be needed.</summary>
    LimitsExceeded,
    /// <summary>Something that was looked for does not exist.</summary>
    NotFound,
}

/// <summary>
/// An engine error with a stable id (e.g. <c>ParityNet.InputOutOfRange</c>) a script can catch. The engine names
/// the settings a fix involves as tokens, ⟦Alpha⟧, and does not word them for any front end: <see cref="Exception.Message"/>
/// shows the setting's own name, and a front end words them its way with <see cref="Worded"/> (the cmdlets as
/// parameters, -Alpha).
/// </summary>
public sealed class ParityNetException : Exception
{
    /// <summary>Creates the error; <paramref name="message"/> may name settings as ⟦Setting⟧.</summary>
    public ParityNetException(string errorId, ParityErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(Plain(Printable(message)), inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
        Template = Printable(message);
    }

    /// <summary>The text with every control character written as \uXXXX: messages and warnings quote untrusted files
    /// (a node name, an external data location, a line of a sweep's result file), and a terminal must never act on an
    /// escape sequence (ESC, BEL) in them, nor show text reordered or hidden by an invisible format character (U+202E
    /// RIGHT-TO-LEFT OVERRIDE, a zero-width space) or broken by a line separator. The one escaping helper.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(Hidden)) return text;
        var sb = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text) sb.Append(Hidden(c) ? $"\\u{(int)c:X4}" : c);
        return sb.ToString();
    }

    private static bool Hidden(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) is
        System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator;

    private static readonly System.Text.RegularExpressions.Regex s_token = new("⟦([^⟧]+)⟧", System.Text.RegularExpressions.RegexOptions.Compiled);

    /// <summary>The message with its setting tokens, ⟦Setting⟧.</summary>
    public string Template { get; }

    /// <summary>The settings the message names, in order.</summary>
    public IReadOnlyList<string> Settings => s_token.Matches(Template).Select(m => m.Groups[1].Value).ToArray();

    /// <summary>The message with each setting worded by <paramref name="word"/>.</summary>
    public string Worded(Func<string, string> word) => s_token.Replace(Template, m => word(m.Groups[1].Value));

    private static string Plain(string message) => s_token.Replace(message, m => m.Groups[1].Value);

    /// <summary>The stable id, always starting with "ParityNet.".</summary>
    public string ErrorId { get; }

    /// <summary>The kind of failure.</summary>
    public ParityErrorKind Kind { get; }

    /// <summary>The offending value, if any.</summary>
    public object? Target { get; }
}

/// <summary>The stable error ids. Scripts may depend on these strings.</summary>
public static class ErrorIds
{
    /// <summary>A number is negative or does not fit the network's bits.</summary>
    public const string InputOutOfRange = "ParityNet.InputOutOfRange";
    /// <summary>An input is not an integer (3.5, "abc", $null, an array).</summary>
    public const string InputNotInteger = "ParityNet.InputNotInteger";
    /// <summary>Alpha is not a positive finite number.</summary>
    public const string InvalidAlpha = "ParityNet.InvalidAlpha";
    /// <summary>A training or network setting is outside its range.</summary>
    public const string InvalidArgument = "ParityNet.InvalidArgument";
    /// <summary>A batch size is not positive, larger than the data, or given to full-batch gradient descent.</summary>
    public const string InvalidBatchSize = "ParityNet.InvalidBatchSize";
    /// <summary>Epochs is not positive.</summary>
    public const string InvalidEpochs = "ParityNet.InvalidEpochs";
    /// <summary>A target accuracy or loss is outside its range.</summary>
    public const string InvalidTarget = "ParityNet.InvalidTarget";
    /// <summary>Bits is outside what the engine can enumerate.</summary>
    public const string BitsOutOfRange = "ParityNet.BitsOutOfRange";
    /// <summary>A hidden layer size is outside its range.</summary>
    public const string InvalidHiddenSize = "ParityNet.InvalidHiddenSize";
    /// <summary>The network or its training would need more memory than allowed.</summary>
    public const string TooLarge = "ParityNet.NetworkTooLarge";
    /// <summary>Weights given to build a network do not fit its shape or are not finite.</summary>
    public const string InvalidWeights = "ParityNet.InvalidWeights";
    /// <summary>No network was given and the session has none.</summary>
    public const string NoCurrentNetwork = "ParityNet.NoCurrentNetwork";
    /// <summary>A -Network parameter was given $null or an empty list: a variable never set, or a command that
    /// returned nothing. Refused rather than read as "no -Network", which would quietly use another network.</summary>
    public const string NetworkNull = "ParityNet.NetworkNull";
    /// <summary>A value given to a numeric parameter is not a number of its kind ('abc', 3.5 for a whole number, a
    /// range typed as text). PowerShell reports it as ParameterArgumentTransformationError; this id is the inner
    /// exception's (<c>$_.Exception.InnerException.ErrorId</c>).</summary>
    public const string ParameterNotNumber = "ParityNet.ParameterNotNumber";
    /// <summary>An object given as a network (from Import-Clixml, Receive-Job, ConvertFrom-Json, ...) is
    /// inconsistent, tampered with or incomplete; the message names the field.</summary>
    public const string InvalidNetwork = "ParityNet.InvalidNetwork";
    /// <summary>An object given as a network (from Import-Clixml, Receive-Job, ConvertFrom-Json, ...) would take
    /// more reading than any network ParityNet makes: more numbers than the largest network holds, a list counted
    /// each time it is read, together with the other deserialized objects that share its lists through &lt;Ref&gt;s.</summary>
    public const string InputTooLarge = "ParityNet.InputTooLarge";

    // Files: one catalogue for every command that reads or writes one (SafeFile).

    /// <summary>The target file exists and overwriting was not asked for.</summary>
    public const string FileExists = "ParityNet.FileExists";
    /// <summary>The file or its folder does not exist.</summary>
    public const string FileNotFound = "ParityNet.FileNotFound";
    /// <summary>The path exists but is not a regular file: a folder, a device, a FIFO or a socket.</summary>
    public const string NotARegularFile = "ParityNet.NotARegularFile";
    /// <summary>Writing the file failed (permissions, disk full, a locked file).</summary>
    public const string WriteFailed = "ParityNet.FileWriteFailed";
    /// <summary>Reading the file failed (permissions, a locked file).</summary>
    public const string ReadFailed = "ParityNet.FileReadFailed";
    /// <summary>A path is not on the file system (e.g. Env: or HKLM:).</summary>
    public const string NotFileSystemPath = "ParityNet.NotFileSystemPath";
    /// <summary>The file is larger than any input the module reads.</summary>
    public const string FileTooLarge = "ParityNet.OnnxFileTooLarge";

    // ONNX files.

    /// <summary>The file is not an ONNX model at all (empty, random bytes, another format).</summary>
    public const string NotOnnx = "ParityNet.OnnxNotOnnx";
    /// <summary>The file starts as an ONNX model but ends early.</summary>
    public const string Truncated = "ParityNet.OnnxTruncated";
    /// <summary>The file is ONNX, but not a graph ParityNet can map to a network.</summary>
    public const string UnsupportedGraph = "ParityNet.OnnxUnsupportedGraph";
    /// <summary>ONNX Runtime's answers differ from the engine's by more than the tolerance.</summary>
    public const string CrossCheckFailed = "ParityNet.OnnxCrossCheckFailed";
    /// <summary>A model without ParityNet metadata whose last node is not Sigmoid or Softmax: whether its output
    /// holds probabilities or logits must be given.</summary>
    public const string OutputKindUnknown = "ParityNet.OnnxOutputKindUnknown";
    /// <summary>ONNX Runtime failed to load or run a model.</summary>
    public const string RuntimeFailed = "ParityNet.OnnxRuntimeFailed";
    /// <summary>The graph is not a graph at all: a name defined twice, a node that reads a name no earlier node
    /// or input defines (a cycle, or nodes out of order), or more nodes than any network has.</summary>
    public const string GraphMalformed = "ParityNet.OnnxGraphMalformed";
    /// <summary>The graph uses an operator, a custom domain, a function or a subgraph outside the feed-forward
    /// operators ParityNet reads and runs.</summary>
    public const string OperatorNotAllowed = "ParityNet.OnnxOperatorNotAllowed";
    /// <summary>A tensor keeps its data in another file (external data), which ParityNet never reads.</summary>
    public const string ExternalData = "ParityNet.OnnxExternalData";
    /// <summary>A model answered NaN, or (read as a probability) a number outside [0, 1].</summary>
    public const string OutputNotProbability = "ParityNet.OnnxOutputNotProbability";

    // Sweeps.

    /// <summary>A sweep point names a setting no cmdlet has, or gives a value the engine refuses.</summary>
    public const string SweepInvalidPoint = "ParityNet.SweepInvalidPoint";
    /// <summary>A remote session given to a sweep cannot load ParityNet.</summary>
    public const string SweepModuleMissing = "ParityNet.SweepModuleMissing";
    /// <summary>A sweep's worker failed in the middle of a point (the point is run again elsewhere).</summary>
    public const string SweepWorkerFailed = "ParityNet.SweepWorkerFailed";
    /// <summary>A sweep point's training failed (the error of Invoke-NetworkTraining, on that point).</summary>
    public const string SweepPointFailed = "ParityNet.SweepPointFailed";
    /// <summary>Every worker of a sweep failed, so points were left unrun.</summary>
    public const string SweepNoWorkers = "ParityNet.SweepNoWorkers";
    /// <summary>A sweep's result file is held by another sweep, in this process or another: a file has one sweep at a time.</summary>
    public const string SweepResultFileInUse = "ParityNet.SweepResultFileInUse";
    /// <summary>A sweep's result file is larger than any sweep writes; it is refused by its size, unread.</summary>
    public const string SweepResultFileTooLarge = "ParityNet.SweepResultFileTooLarge";
    /// <summary>A line of a sweep's result file could not be read back (its point is run again).</summary>
    public const string SweepResultLine = "ParityNet.SweepResultLine";
    /// <summary>A sweep point lost its worker -MaxAttempts times; it is given up and recorded as failed.</summary>
    public const string SweepPointAbandoned = "ParityNet.SweepPointAbandoned";
    /// <summary>A sweep has more points than a sweep may have, or more workers than the machine can start.</summary>
    public const string SweepTooLarge = "ParityNet.SweepTooLarge";

    // Charts.

    /// <summary>An input to Export-TrainingChart has no training history to draw.</summary>
    public const string ChartNotTrained = "ParityNet.ChartNotTrained";
    /// <summary>Export-TrainingChart was given nothing to draw.</summary>
    public const string ChartNothingToDraw = "ParityNet.ChartNothingToDraw";
    /// <summary>Export-TrainingChart's -Label gives a number of labels that does not match the runs.</summary>
    public const string ChartLabelCount = "ParityNet.ChartLabelCount";
    /// <summary>Export-TrainingChart was asked for a step axis (-XAxis Steps, -LogSteps) for a run whose steps are not known.</summary>
    public const string ChartNoSteps = "ParityNet.ChartNoSteps";
    /// <summary>Export-TrainingChart was given -LogSteps with -XAxis Epochs.</summary>
    public const string ChartAxisConflict = "ParityNet.ChartAxisConflict";
    /// <summary>Export-TrainingChart -Show HiddenProgress was given a run without hidden-progress measures.</summary>
    public const string ChartNoHiddenProgress = "ParityNet.ChartNoHiddenProgress";
    /// <summary>Drawing a chart failed.</summary>
    public const string ChartRenderFailed = "ParityNet.ChartRenderFailed";
}
