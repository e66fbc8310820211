using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>The activation of the hidden layers. The output unit is always a sigmoid.</summary>
public enum Activation
{
    /// <summary>The lesson's logistic sigmoid, 1/(1+e^-x).</summary>
    Sigmoid,
    /// <summary>The hyperbolic tangent.</summary>
    Tanh,
    /// <summary>The rectified linear unit, max(0, x).</summary>
    ReLU,
}

/// <summary>Scalar activation functions and their derivatives, taken from the output as in the lesson.</summary>
public static class Activations
{
    /// <summary>A sigmoid that neither overflows nor loses the tiny tail: exp is only taken of a non-positive number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sigmoid(double x)
    {
        if (x >= 0)
            return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>The sigmoid's derivative taken from its output s: s·(1−s).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SigmoidDerivativeFromOutput(double s) => s * (1.0 - s);

    /// <summary>The activation of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Apply(Activation activation, double x) => activation switch
    {
        Activation.Sigmoid => Sigmoid(x),
        Activation.Tanh => Math.Tanh(x),
        Activation.ReLU => x > 0 ? x : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>The derivative at the input that gave output <paramref name="a"/>: s(1−s), 1−a², or a &gt; 0 ? 1 : 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double DerivativeFromOutput(Activation activation, double a) => activation switch
    {
        Activation.Sigmoid => a * (1.0 - a),
        Activation.Tanh => 1.0 - a * a,
        Activation.ReLU => a > 0 ? 1.0 : 0.0,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
