using System.Runtime.CompilerServices;

namespace ParityNet;

/// <summary>
/// The output unit: σ of the logit, the loss, the accuracy (<see cref="TaskLabels.Predicted"/> equal to the label),
/// and the delta ∂objective/∂logit averaged over the pass, for both losses side by side:
/// mean squared error, whose objective is ½·(y − p)², δ = (p − y)·p(1 − p), the lesson's weighted error with
/// its sign turned; and cross-entropy, computed from the logit (softplus form), δ = p − y.
/// </summary>
internal static class OutputLayer
{
    /// <summary>The loss summed over the rows, the rows predicted right, and delta[i] = scale·∂loss/∂logit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double LossSum, int Correct) Loss(LossFunction loss, ReadOnlySpan<double> probabilities, ReadOnlySpan<double> logits,
        ReadOnlySpan<double> labels, double scale, Span<double> delta)
    {
        if (loss == LossFunction.MeanSquaredError)
            return Kernels.SquaredErrorOutput(probabilities, labels, scale, delta);
        if (loss == LossFunction.CrossEntropy)
            return Kernels.CrossEntropyOutput(probabilities, logits, labels, scale, delta);
        if (loss == LossFunction.Hinge)
            return Kernels.HingeOutput(probabilities, logits, labels, scale, delta);

        double lossSum = 0;
        int correct = 0;
        for (int j = 0; j < probabilities.Length; j++)
        {
            double p = probabilities[j], y = labels[j];
            lossSum += Losses.Value(loss, logits[j], p, y);
            if (TaskLabels.Predicted(p) == y) correct++;
            delta[j] = scale * Losses.OutputGradient(loss, logits[j], p, y);
        }
        return (lossSum, correct);
    }
}
