using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>New-ParityNetwork: an untrained network with seeded initial weights.</summary>
[Cmdlet(VerbsCommon.New, "ParityNetwork")]
[OutputType(typeof(ParityNetwork))]
public sealed class NewParityNetworkCommand : PSCmdlet
{
    // Every default is the engine's own (NetworkSpec), so the two cannot drift apart.
    private static readonly NetworkSpec Defaults = new();

    /// <summary>The input width: the network answers for 0 … 2^Bits − 1.</summary>
    [Parameter(Position = 0)]
    [WholeNumber(Example = "8")]
    public int Bits { get; set; } = Defaults.Bits;

    /// <summary>Hidden layer sizes, input side first.</summary>
    [Parameter(Position = 1)]
    [WholeNumber(Example = "4")]
    public int[] HiddenSize { get; set; } = Defaults.HiddenSizes.ToArray();

    /// <summary>The task: Even (the lesson's), BitParity, or SparseParity (the XOR of a few bits, -Relevant or -Support).</summary>
    [Parameter]
    public ParityTask Task { get; set; } = Defaults.Task;

    /// <summary>SparseParity: how many bits (k) the label reads, drawn from -Seed.</summary>
    [Parameter]
    [WholeNumber(Example = "3")]
    public int? Relevant { get; set; }

    /// <summary>SparseParity: the bits the label reads, 0 the least significant.</summary>
    [Parameter]
    [WholeNumber(Example = "3")]
    public int[]? Support { get; set; }

    /// <summary>The hidden layers' activation: Sigmoid (the lesson's), Tanh or ReLU. The output is always a sigmoid.</summary>
    [Parameter]
    public Activation Activation { get; set; } = Defaults.Activation;

    /// <summary>How initial weights are drawn: Uniform in [-1, 1) (the lesson's), Xavier, He, or PyTorch (nn.Linear's default, biases too).</summary>
    [Parameter]
    public Initialization Initialization { get; set; } = Defaults.Initialization;

    /// <summary>The seed of the initial weights.</summary>
    [Parameter]
    [WholeNumber(long.MinValue, long.MaxValue, Example = "42")]
    public long Seed { get; set; } = Defaults.Seed;

    /// <summary>Inputs enter as ±1 (a bit b as 2b − 1) instead of 0/1, as in Barak et al. (2022).</summary>
    [Parameter]
    public SwitchParameter SignedInputs { get; set; }

    /// <summary>No biases, exactly as in the lesson.</summary>
    [Parameter]
    public SwitchParameter NoBias { get; set; }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        var spec = new NetworkSpec
        {
            Bits = Bits,
            HiddenSizes = (HiddenSize ?? Array.Empty<int>()).ToArray(),
            Task = Task,
            Activation = Activation,
            Initialization = Initialization,
            HasBias = !NoBias.IsPresent,
            SignedInputs = SignedInputs.IsPresent,
            Seed = Seed,
            Relevant = Relevant,
            Support = Support is { Length: > 0 } ? Support.ToArray() : null,
        };
        try
        {
            var network = ParityNetwork.Create(spec);
            WriteVerbose($"Made an untrained {string.Join("-", network.LayerSizes)} network for {spec.Task} ({spec.Task switch { ParityTask.Even => "1 for an even number", ParityTask.BitParity => "1 for an odd count of 1 bits", _ => $"1 for an odd count of 1 bits among bits {string.Join(", ", network.Support)}" }}): " +
                $"{spec.Activation} hidden units, a sigmoid output, {(spec.SignedInputs ? "inputs as ±1 (bit b enters as 2b − 1), " : "")}weights drawn {spec.Initialization} from seed {spec.Seed}{(!spec.HasBias ? ", no biases (the lesson's)" : spec.Initialization == Initialization.PyTorch ? ", biases drawn too" : ", biases at zero")}. Train it with Invoke-NetworkTraining.");
            WriteObject(network);
        }
        catch (ParityNetException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
    }
}
