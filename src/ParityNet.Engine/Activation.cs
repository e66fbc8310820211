namespace ParityNet;

/// <summary>The activation of the hidden layers. The output unit is always a sigmoid.</summary>
public enum Activation
{
    /// <summary>The lesson's logistic sigmoid, 1/(1+e^-x).</summary>
    Sigmoid,
}

/// <summary>Scalar activation functions.</summary>
public static class Activations
{
    /// <summary>A sigmoid that neither overflows nor loses the tiny tail: exp is only taken of a non-positive number.</summary>
    public static double Sigmoid(double x)
    {
        if (x >= 0)
            return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>The sigmoid's derivative taken from its output s: s·(1−s).</summary>
    public static double SigmoidDerivativeFromOutput(double s) => s * (1.0 - s);
}
