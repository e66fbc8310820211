using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Test-Parity: integers in, predictions out. Uses -Network, else the session's current network,
/// else the built-in default; with -OnnxPath, ONNX Runtime answers from an exported file, in batches.
/// A bad number is a non-terminating error; the others are still answered.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "Parity", DefaultParameterSetName = NetworkSet)]
[OutputType(typeof(ParityPrediction))]
public sealed class TestParityCommand : PSCmdlet, IDisposable
{
    private const string NetworkSet = "Network";
    private const string NetworkFromPipelineSet = "NetworkFromPipeline";
    private const string OnnxSet = "Onnx";
    private Predictor? _predictor;
    private object? _predictorInput;
    private OnnxPredictor? _onnx;
    private readonly List<System.Numerics.BigInteger> _pending = new();
    private readonly CancellationTokenSource _stop = new();

    // Numbers and networks both come down pipelines, so each has its own parameter set: only when
    // -Number is given on the command line does the pipeline carry networks. A single set with both
    // taking pipeline input made PowerShell try (and fail) to convert every number to a network
    // first, which cost about 10 µs a number (measured: 9× Select-Object's pass-through).
    //
    // What PowerShell's binder does for each piped number is most of Test-Parity's cost, so the parameters are
    // laid out for it (measured with stand-in cmdlets that only bind and write, CPU time per number: Select-Object
    // 1.16 µs; a cmdlet with one object parameter 0.94 µs; these three sets with -Number object[] 1.45 µs, with
    // -Number object 1.21 µs, with the piped network on a parameter of its own 1.03 µs, and that one not
    // mandatory 1.00 µs):
    // - -Number is a plain object, not object[], so that a piped number is not copied into a new array (a list
    //   given on the command line or piped whole is unrolled here, as the binder did);
    // - a network piped in binds to -InputObject, a parameter of the pipeline's set alone. When that was -Network,
    //   which is also in the default set, the binder looked at -Network again for every number, in each of its
    //   four binding passes, although it can never take one there.

    /// <summary>The integers to classify (one, or a list); an object with a Number property (a CSV row, a prediction)
    /// gives that. It binds by value, and <see cref="NumberInput"/> reads a Number property, so by property name too.</summary>
    [Parameter(ParameterSetName = NetworkSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = OnnxSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = NetworkFromPipelineSet, Mandatory = true, Position = 0)]
    [AllowNull, AllowEmptyCollection]
    public object? Number { get; set; }

    /// <summary>The network to ask (or a TrainingHistory or export result, for its network); by default the session's
    /// current network, else the built-in one. A network piped in while -Number is given binds to <see cref="InputObject"/>.</summary>
    [Parameter(ParameterSetName = NetworkSet)]
    public object? Network { get; set; }

    /// <summary>A network piped in while -Number is given (an object with a Network property gives that, as for
    /// -Network). Hidden: the pipeline fills it. Not mandatory, as the binder also looks again at every parameter
    /// still unbound and mandatory somewhere for each number; given -Number alone, both sets fit and the default wins.</summary>
    [Parameter(ParameterSetName = NetworkFromPipelineSet, ValueFromPipeline = true, DontShow = true)]
    public object? InputObject { get; set; }

    /// <summary>An ONNX file: ONNX Runtime computes the predictions (Engine = OnnxRuntime), a batch of numbers
    /// per run. Export-NetworkOnnx's files, or any model with one float or double input [N, Bits] and one
    /// output [N, 1] or [N, 2] (two classes, column 1 is label 1), such as PyTorch's exports.</summary>
    [Parameter(Mandatory = true, ParameterSetName = OnnxSet)]
    [ValidateNotNullOrEmpty]
    public string? OnnxPath { get; set; }

    /// <summary>For a model without ParityNet metadata: the task it was trained for (what Expected and Correct
    /// mean). Default Even. A ParityNet file's own task wins.</summary>
    [Parameter(ParameterSetName = OnnxSet)]
    public ParityTask? Task { get; set; }

    /// <summary>For a model without ParityNet metadata: the order of the bits along its input. Default
    /// MsbFirst, ParityNet's own.</summary>
    [Parameter(ParameterSetName = OnnxSet)]
    public BitOrder? BitOrder { get; set; }

    /// <summary>For a model without ParityNet metadata whose last node is not Sigmoid or Softmax: whether its
    /// output holds a probability or a logit (then σ, or softmax for two columns, is applied).</summary>
    [Parameter(ParameterSetName = OnnxSet)]
    public OnnxOutputKind? OutputKind { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        NetworkInput.RefuseNothing(this, nameof(Network), "-Network", "the session's current network, else the built-in one");
        if (OnnxPath is not null)
        {
            try
            {
                var options = new ForeignOptions { Task = Task ?? ParityTask.Even, BitOrder = BitOrder ?? ParityNet.BitOrder.MsbFirst, OutputKind = OutputKind };
                _onnx = OnnxPredictor.Open(FilePaths.Resolve(this, OnnxPath), options, _stop.Token);
                WriteVerbose($"'{_onnx.Source}': {_onnx.Reading}.{(_onnx.IsParityNet ? "" : " -Task, -BitOrder and -OutputKind change how it is read.")}");
                if (_onnx.IsParityNet && (Task is { } t && t != _onnx.Task || BitOrder is ParityNet.BitOrder.LsbFirst))
                    WriteWarning($"'{_onnx.Source}' is a ParityNet file: its own task ({_onnx.Task}) and bit order (most significant first) are used, not -Task or -BitOrder.");
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (ParityNetException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
            return;
        }
    }

    /// <summary>The predictor of -Network (which may change with each pipeline object), else of the current or default network.</summary>
    /// <exception cref="ParityNetException">-Network is not a network.</exception>
    private Predictor PredictorFor(object? givenInput)
    {
        if (_predictor is not null && (givenInput is null || ReferenceEquals(_predictorInput, givenInput))) return _predictor;
        var given = NetworkInput.Resolve(givenInput);
        var network = given ?? SessionNetwork.Current;
        if (given is not null)
            WriteVerbose($"Using the network given: {network}.");
        else if (network is not null)
            WriteVerbose($"No -Network: using the session's current network, {network}.");
        else
        {
            WriteVerbose(SessionNetwork.DefaultIsReady
                ? "No -Network and no current network in this session: using the built-in default network."
                : "No -Network and no current network in this session: training the built-in default network (New-ParityNetwork | Invoke-NetworkTraining with their defaults) once for this process.");
            network = SessionNetwork.Default;
        }
        _predictorInput = givenInput;
        return _predictor = new Predictor(network!);
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        Predictor? predictor = null;
        if (_onnx is null)
        {
            if (ParameterSetName == NetworkFromPipelineSet && NetworkInput.RefusedFromPipeline(this, nameof(InputObject), InputObject)) return;
            try
            {
                predictor = PredictorFor(InputObject ?? Network); // each is null outside its own set
            }
            catch (ParityNetException ex)
            {
                // A bad -Network on the command line stops the command; one from the pipeline is skipped.
                if (ParameterSetName == NetworkSet) ThrowTerminatingError(ErrorRecords.From(ex));
                WriteError(ErrorRecords.From(ex));
                return;
            }
        }
        // A list is its numbers, one by one, as binding to an array parameter made it; anything else is one number.
        object? value = NumberInput.Element(Number);
        if (value is System.Collections.IList list)
        {
            foreach (var item in list) Answer(NumberInput.Element(item), predictor);
        }
        else
        {
            Answer(value, predictor);
        }
    }

    /// <summary>One number's prediction, or its error (non-terminating); with -OnnxPath, the number joins the batch.</summary>
    private void Answer(object? item, Predictor? predictor)
    {
        try
        {
            var n = NumberInput.ConvertWide(item);
            if (_onnx is not null)
            {
                _onnx.CheckNumber(n);
                _pending.Add(n);
                if (_pending.Count >= _onnx.RowsPerRun) FlushOnnx();
                return;
            }
            WriteObject(predictor!.Test(n));
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_onnx is not null) FlushOnnx();
        Dispose();
    }

    /// <summary>Answers the numbers collected so far with ONNX Runtime, a batch per run. A number whose answer is not a
    /// probability (NaN, or outside [0, 1]) gets a non-terminating error instead of a prediction; the others are answered.</summary>
    private void FlushOnnx()
    {
        OnnxAnswer[] answers;
        try
        {
            answers = _onnx!.TestEach(_pending, cancel: _stop.Token);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (ParityNetException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
            return;
        }
        _pending.Clear();
        foreach (var answer in answers)
        {
            if (answer.Prediction is { } prediction) WriteObject(prediction);
            else WriteError(ErrorRecords.From(answer.Error!));
        }
    }

    /// <summary>Ctrl+C: ONNX Runtime's run is told to end (RunOptions.Terminate), within one run of a few tens of milliseconds.</summary>
    protected override void StopProcessing()
    {
        try { _stop.Cancel(); } catch (ObjectDisposedException) { } // Ctrl+C after this command has finished
    }

    /// <summary>Frees the ONNX Runtime session.</summary>
    public void Dispose()
    {
        _onnx?.Dispose();
        _onnx = null;
    }
}
