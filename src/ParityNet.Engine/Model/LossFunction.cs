using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>What training minimises.</summary>
public enum LossFunction
{
    /// <summary>The lesson's: mean squared error. Training descends ½·mean((y − p)²).</summary>
    MeanSquaredError,
    /// <summary>Binary cross-entropy, computed stably from the output's pre-activation.</summary>
    CrossEntropy,
    /// <summary>Hinge loss on the output's pre-activation z (the output unit is linear for this loss):
    /// max(0, 1 − y±·z) with y± = 2y − 1, i.e. +1 for label 1 and −1 for label 0. The probability shown is still
    /// sigmoid(z), so the answer (z ≥ 0 ⇔ p ≥ ½) is the same. Barak et al. (2022) train sparse parity with it.</summary>
    Hinge,
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
        LossFunction.Hinge => Math.Max(0, 1 - (2 * label - 1) * logit),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    /// <summary>∂loss/∂z for one example, where the objective is ½(y − p)² (MSE), the cross-entropy or the hinge:
    /// (p − y)·p(1 − p), the lesson's weighted error with its sign turned; simply p − y; or −y± where the margin
    /// y±·z is below 1 and 0 where it is not (the subgradient 0 at a margin of exactly 1, as PyTorch takes it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double OutputGradient(LossFunction loss, double logit, double probability, double label) => loss switch
    {
        LossFunction.MeanSquaredError => (probability - label) * Activations.SigmoidDerivativeFromOutput(probability),
        LossFunction.CrossEntropy => probability - label,
        LossFunction.Hinge => (2 * label - 1) * logit < 1 ? -(2 * label - 1) : 0.0,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };
}
