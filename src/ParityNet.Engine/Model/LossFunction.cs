using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>What training minimises.</summary>
public enum LossFunction
{
    /// <summary>The lesson's: mean squared error. Training descends ½·mean((y − p)²).</summary>
    MeanSquaredError,
    /// <summary>Binary cross-entropy, computed stably from the output's pre-activation.</summary>
    CrossEntropy,
}

/// <summary>Loss values and the gradient at the output unit's pre-activation.</summary>
public static class Losses
{
    /// <summary>The loss of one example from its output logit z and probability p = sigmoid(z):
    /// (y − p)² for MSE; softplus(z) − y·z = max(z, 0) − y·z + log(1 + e^−|z|) for cross-entropy,
    /// which never takes the log of 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Value(LossFunction loss, double logit, double probability, double label) => loss switch
    {
        LossFunction.MeanSquaredError => (label - probability) * (label - probability),
        LossFunction.CrossEntropy => Math.Max(logit, 0) - label * logit + Math.Log(1 + Math.Exp(-Math.Abs(logit))),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    /// <summary>∂loss/∂z for one example, where the objective is ½(y − p)² (MSE) or the cross-entropy:
    /// (p − y)·p(1 − p), the lesson's weighted error with its sign turned, or simply p − y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double OutputGradient(LossFunction loss, double probability, double label) => loss switch
    {
        LossFunction.MeanSquaredError => (probability - label) * Activations.SigmoidDerivativeFromOutput(probability),
        LossFunction.CrossEntropy => probability - label,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };
}
