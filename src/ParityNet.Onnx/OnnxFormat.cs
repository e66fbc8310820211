namespace ParityNet;

/// <summary>
/// The ONNX files ParityNet writes. Input <see cref="InputName"/> is float[N, Bits] (the integer's
/// bits, most significant first, as 0 or 1) with the symbolic batch dimension <see cref="BatchDimension"/>;
/// output <see cref="OutputName"/> is float[N, 1], the probability of label 1. Per layer l the graph is
/// MatMul(x, layer{l}.weight) → Add(·, layer{l}.bias) (only with biases) → the activation: the hidden layers'
/// (Sigmoid, Tanh or Relu), Sigmoid for the output. A network with signed (±1) inputs takes the same 0/1 input and
/// maps it first, in the graph: Add(bits, bits) → Add(·, <see cref="MinusOneName"/>), that is 2b − 1, exact in
/// float32, before layer 0's MatMul; its metadata says so (<see cref="Keys.Inputs"/> = <see cref="SignedInputs"/>).
/// </summary>
public static class OnnxFormat
{
    /// <summary>The ONNX IR version written: 8, the newest that ONNX 1.12's checker knows; ONNX Runtime 1.31 reads it.</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain opset written: 17 (MatMul-13, Add-14, Sigmoid-13).</summary>
    public const long Opset = 17;

    /// <summary>The oldest opset the importer accepts: the ops' current versions are from opset 13 and 14.</summary>
    public const long MinImportOpset = 13;

    /// <summary>The input tensor's name.</summary>
    public const string InputName = "bits";

    /// <summary>The output tensor's name.</summary>
    public const string OutputName = "probability";

    /// <summary>The symbolic batch dimension of the input and output.</summary>
    public const string BatchDimension = "N";

    /// <summary>The producer_name of every ParityNet file.</summary>
    public const string ProducerName = "ParityNet";

    /// <summary>ONNX's code for float32 tensors.</summary>
    internal const int FloatType = 1;

    /// <summary>The ±1 prelude's constant: float32 [1], −1, added to the doubled bits.</summary>
    public const string MinusOneName = "inputs.minus_one";

    /// <summary>The ±1 prelude's first output, the bits doubled (Add(bits, bits)).</summary>
    public const string DoubledName = "inputs.doubled";

    /// <summary>The ±1 prelude's output, 2b − 1, which layer 0's MatMul reads.</summary>
    public const string SignedName = "inputs.signed";

    /// <summary>The value of <see cref="Keys.Inputs"/> for a network whose inputs are ±1.</summary>
    public const string SignedInputs = "signed";

    /// <summary>The initializer holding layer <paramref name="layer"/>'s weights (inputs × units).</summary>
    public static string WeightName(int layer) => $"layer{layer}.weight";

    /// <summary>The initializer holding layer <paramref name="layer"/>'s biases.</summary>
    public static string BiasName(int layer) => $"layer{layer}.bias";

    /// <summary>The keys of <c>metadata_props</c>. Numbers are written in invariant culture, round-trip exact.</summary>
    public static class Keys
    {
        /// <summary>The version of this metadata layout, "1".</summary>
        public const string Format = "paritynet.format";
        /// <summary>Even, BitParity or SparseParity.</summary>
        public const string Task = "paritynet.task";
        /// <summary>SparseParity's support: the bits the label reads, 0 the least significant, e.g. "3,17,41".</summary>
        public const string Support = "paritynet.support";
        /// <summary>The input width.</summary>
        public const string Bits = "paritynet.bits";
        /// <summary>Units per layer, input to output, e.g. "8,4,1".</summary>
        public const string LayerSizes = "paritynet.layer_sizes";
        /// <summary>The hidden layers' activation, e.g. Sigmoid.</summary>
        public const string Activation = "paritynet.activation";
        /// <summary>"true" or "false".</summary>
        public const string HasBias = "paritynet.has_bias";
        /// <summary>"signed" when the network's inputs are ±1 (bit b enters as 2b − 1, computed by the graph's prelude);
        /// absent when they are the bits as 0/1, as in every file written before it.</summary>
        public const string Inputs = "paritynet.inputs";
        /// <summary>How the initial weights were drawn (optional on import: Uniform).</summary>
        public const string Initialization = "paritynet.initialization";
        /// <summary>The loss function trained on (optional on import: MeanSquaredError).</summary>
        public const string Loss = "paritynet.training.loss";
        /// <summary>Rows per update.</summary>
        public const string BatchSize = "paritynet.training.batch_size";
        /// <summary>The seed of the initial weights.</summary>
        public const string Seed = "paritynet.seed";
        /// <summary>"msb-first": how an integer becomes the input row.</summary>
        public const string BitOrder = "paritynet.bit_order";
        /// <summary>"true" when the network was trained; the training.* keys follow only then.</summary>
        public const string Trained = "paritynet.trained";
        /// <summary>The optimizer.</summary>
        public const string Optimizer = "paritynet.training.optimizer";
        /// <summary>The learning rate.</summary>
        public const string Alpha = "paritynet.training.alpha";
        /// <summary>The most epochs asked for.</summary>
        public const string EpochsRequested = "paritynet.training.epochs_requested";
        /// <summary>The epochs run.</summary>
        public const string EpochsRun = "paritynet.training.epochs_run";
        /// <summary>The accuracy target, absent when none.</summary>
        public const string TargetAccuracy = "paritynet.training.target_accuracy";
        /// <summary>The loss target, absent when none.</summary>
        public const string TargetLoss = "paritynet.training.target_loss";
        /// <summary>The final loss, of the run's loss function.</summary>
        public const string FinalLoss = "paritynet.training.final_loss";
        /// <summary>The final accuracy.</summary>
        public const string FinalAccuracy = "paritynet.training.final_accuracy";
        /// <summary>Held-out integers each check measured on, when given (optional on import: none given).</summary>
        public const string HeldOutSize = "paritynet.training.held_out_size";
        /// <summary>Steps between checks, when given (optional on import: none given).</summary>
        public const string CheckEvery = "paritynet.training.check_every";
        /// <summary>The weight decay λ, when not 0 (optional on import: 0).</summary>
        public const string WeightDecay = "paritynet.training.weight_decay";
        /// <summary>"true" for a random-label control run (optional on import: false).</summary>
        public const string RandomLabels = "paritynet.training.random_labels";
        /// <summary>"true" when training drew samples rather than every integer (optional on import: false).</summary>
        public const string Sampled = "paritynet.training.sampled";
        /// <summary>Updates per epoch, when known (optional on import: unknown).</summary>
        public const string StepsPerEpoch = "paritynet.training.steps_per_epoch";
        /// <summary>Why training stopped.</summary>
        public const string StopReason = "paritynet.training.stop_reason";
        /// <summary>The training's own seed (shuffles and samples), when one was given.</summary>
        public const string TrainingSeed = "paritynet.training.seed";
        /// <summary>The sampled training rows an epoch, when not the default.</summary>
        public const string SampleSize = "paritynet.training.sample_size";
        /// <summary>Momentum's coefficient, when not the default.</summary>
        public const string Momentum = "paritynet.training.momentum";
        /// <summary>"true" for Nesterov's momentum.</summary>
        public const string Nesterov = "paritynet.training.nesterov";
        /// <summary>Adam's β1, when not the default.</summary>
        public const string Beta1 = "paritynet.training.beta1";
        /// <summary>Adam's β2, when not the default.</summary>
        public const string Beta2 = "paritynet.training.beta2";
        /// <summary>AdaGrad's and Adam's ε, when one was given.</summary>
        public const string Epsilon = "paritynet.training.epsilon";
        /// <summary>The training's wall time in milliseconds; written last, so that a file cut short on a field boundary lacks it.</summary>
        public const string WallTimeMs = "paritynet.training.wall_time_ms";
    }
}
