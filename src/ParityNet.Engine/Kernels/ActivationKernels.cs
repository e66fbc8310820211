using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

// Bias and activation forward, and the activation's derivative backward.
internal static partial class Kernels
{
    /// <summary>z[i, j] += bias[j] for an n×m block; an empty bias adds nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias(Span<double> z, ReadOnlySpan<double> bias, int n, int m)
    {
        CheckShape(z, (long)n * m, nameof(z));
        if (bias.IsEmpty) return;
        if (bias.Length != m) throw new ArgumentException($"bias has {bias.Length} values, expected {m}.", nameof(bias));
        if (m == 1)
        {
            // One unit (the output): one addition a row, without a call a row.
            double b = bias[0];
            for (int i = 0; i < n; i++) z[i] = b + z[i];
            return;
        }
        for (int i = 0; i < n; i++) Add(bias, z.Slice(i * m, m));
    }

    /// <summary>a[i] = ReLU(sums[i] + bias[i]) (ReLU(sums[i]) when bias is empty; a may be sums): <see cref="AddBias"/>
    /// then ReLU for one row. ReLU is x &gt; 0 ? x : 0, NaN and −0 included, written as a select (Max's NaN rules
    /// differ between runtimes); <see cref="Activate"/> takes it from here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasReLU(ReadOnlySpan<double> sums, ReadOnlySpan<double> bias, Span<double> a)
    {
        int m = sums.Length, i = 0;
        if (a.Length < m || !bias.IsEmpty && bias.Length < m) throw new ArgumentException("bias and a must be as long as sums.");
        bool hasBias = !bias.IsEmpty;
        ref double sr = ref MemoryMarshal.GetReference(sums);
        ref double br = ref MemoryMarshal.GetReference(bias);
        ref double ar = ref MemoryMarshal.GetReference(a);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= m - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref sr, (nuint)i);
                if (hasBias) v += Vector256.LoadUnsafe(ref br, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<double>.Zero), v, Vector256<double>.Zero).StoreUnsafe(ref ar, (nuint)i);
            }
        for (; i < m; i++)
        {
            double v = hasBias ? sums[i] + bias[i] : sums[i];
            a[i] = v > 0 ? v : 0;
        }
    }

    /// <summary>values[i] = activation(values[i]), in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(Span<double> values, Activation activation)
    {
        switch (activation)
        {
            case Activation.Sigmoid:
                VectorMath.Sigmoid(values, values);
                break;
            case Activation.Tanh:
                VectorMath.Tanh(values, values);
                break;
            case Activation.ReLU:
                BiasReLU(values, default, values); // x > 0 ? x : 0, in the one place that writes it
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>delta[i] = error[i] · f′ taken from output[i]: the lesson's weighted error for any activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ActivationDelta(ReadOnlySpan<double> error, ReadOnlySpan<double> output, Span<double> delta, Activation activation)
    {
        if (error.Length != output.Length || delta.Length < error.Length)
            throw new ArgumentException("error, output and delta must have the same length.");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double er = ref MemoryMarshal.GetReference(error);
            ref double o = ref MemoryMarshal.GetReference(output);
            ref double de = ref MemoryMarshal.GetReference(delta);
            for (; i <= error.Length - 4; i += 4)
                (Vector256.LoadUnsafe(ref er, (nuint)i) * Derivative(activation, Vector256.LoadUnsafe(ref o, (nuint)i))).StoreUnsafe(ref de, (nuint)i);
        }
        for (; i < error.Length; i++)
            delta[i] = error[i] * Activations.DerivativeFromOutput(activation, output[i]);
    }

    /// <summary><see cref="Activations.DerivativeFromOutput"/> of four outputs, the same operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Derivative(Activation activation, Vector256<double> a) => activation switch
    {
        Activation.Sigmoid => a * (Vector256<double>.One - a),
        Activation.Tanh => Vector256<double>.One - a * a,
        _ => Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<double>.Zero), Vector256<double>.One, Vector256<double>.Zero),
    };
}
