using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

// The output unit under each loss: the loss sum, the rows right, and the delta, in one pass.
internal static partial class Kernels
{
    /// <summary>For the output unit under mean squared error: the loss sum Σ (y − p)², the number of
    /// rows where (p ≥ ½) equals y, and delta[i] = scale·(−(y − p)·p(1 − p)), ∂objective/∂logit. The loss
    /// is summed in four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)), then the tail in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double LossSum, int Correct) SquaredErrorOutput(ReadOnlySpan<double> p, ReadOnlySpan<double> y, double scale, Span<double> delta)
    {
        int n = p.Length;
        if (y.Length < n || delta.Length < n) throw new ArgumentException("y and delta must be as long as p.");
        ref double pr = ref MemoryMarshal.GetReference(p);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double dr = ref MemoryMarshal.GetReference(delta);
        var lanes = Vector256<double>.Zero;
        var half = Vector256.Create(TaskLabels.Threshold); // TaskLabels.Predicted, four at a time
        var one = Vector256<double>.One;
        var scaleV = Vector256.Create(scale);
        int correct = 0, i = 0;
        for (; i <= n - 4; i += 4)
        {
            var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
            var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
            var e = yv - pv;
            lanes += e * e;
            var predicted = Vector256.GreaterThanOrEqual(pv, half) & one;
            correct += BitOperations.PopCount(Vector256.Equals(predicted, yv).ExtractMostSignificantBits());
            (scaleV * (-e * (pv * (one - pv)))).StoreUnsafe(ref dr, (nuint)i);
        }
        double lossSum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        for (; i < n; i++)
        {
            double pi = p[i], e = y[i] - pi;
            lossSum += e * e;
            if (TaskLabels.Predicted(pi) == y[i]) correct++;
            delta[i] = scale * (-e * (pi * (1.0 - pi)));
        }
        return (lossSum, correct);
    }

    /// <summary>For the output unit under cross-entropy: the loss sum Σ (max(z, 0) − y·z + log(1 + e^−|z|)) from the logits z,
    /// the number of rows where (p ≥ ½) equals y, and delta[i] = scale·(p − y), ∂objective/∂logit. The loss is summed in
    /// four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)), then the tail in order; its log term is
    /// <see cref="VectorMath.LogOnePlusExpNegAbs(double)"/>, four at a time where FMA3 allows, the same bits either way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double LossSum, int Correct) CrossEntropyOutput(ReadOnlySpan<double> p, ReadOnlySpan<double> z, ReadOnlySpan<double> y, double scale, Span<double> delta)
    {
        int n = p.Length;
        if (z.Length < n || y.Length < n || delta.Length < n) throw new ArgumentException("z, y and delta must be as long as p.");
        int correct = 0, i = 0;
        double lossSum;
        if (Fma.IsSupported)
        {
            ref double pr = ref MemoryMarshal.GetReference(p);
            ref double zr = ref MemoryMarshal.GetReference(z);
            ref double yr = ref MemoryMarshal.GetReference(y);
            ref double dr = ref MemoryMarshal.GetReference(delta);
            var lanes = Vector256<double>.Zero;
            var half = Vector256.Create(TaskLabels.Threshold);
            var scaleV = Vector256.Create(scale);
            for (; i <= n - 4; i += 4)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var zv = Vector256.LoadUnsafe(ref zr, (nuint)i);
                var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                var positive = Vector256.ConditionalSelect(Vector256.GreaterThan(zv, Vector256<double>.Zero), zv, Vector256<double>.Zero);
                lanes += (positive - yv * zv) + VectorMath.LogOnePlusExpNegAbs(zv);
                var predicted = Vector256.GreaterThanOrEqual(pv, half) & Vector256<double>.One;
                correct += BitOperations.PopCount(Vector256.Equals(predicted, yv).ExtractMostSignificantBits());
                (scaleV * (pv - yv)).StoreUnsafe(ref dr, (nuint)i);
            }
            lossSum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        }
        else
        {
            double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
            for (; i <= n - 4; i += 4)
            {
                l0 += CrossEntropy(z[i], y[i]); l1 += CrossEntropy(z[i + 1], y[i + 1]);
                l2 += CrossEntropy(z[i + 2], y[i + 2]); l3 += CrossEntropy(z[i + 3], y[i + 3]);
                for (int r = i; r < i + 4; r++)
                {
                    if (TaskLabels.Predicted(p[r]) == y[r]) correct++;
                    delta[r] = scale * (p[r] - y[r]);
                }
            }
            lossSum = (l0 + l1) + (l2 + l3);
        }
        for (; i < n; i++)
        {
            lossSum += CrossEntropy(z[i], y[i]);
            if (TaskLabels.Predicted(p[i]) == y[i]) correct++;
            delta[i] = scale * (p[i] - y[i]);
        }
        return (lossSum, correct);
    }

    /// <summary>For the output unit under the hinge loss: the loss sum Σ max(0, 1 − y±·z) from the logits z (y± = 2y − 1; a NaN z gives a NaN sum), the number
    /// of rows where (p ≥ ½) equals y, and delta[i] = scale·(−y±) where the margin y±·z is below 1, else 0 (the loss's gradient at z,
    /// as <see cref="Losses.OutputGradient"/> takes it). The loss is summed in four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)),
    /// then the tail in order; every other value is elementwise. Vector256 operations, which give the same bits on every machine
    /// (emulated where not accelerated); the scalar loop does the same operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double LossSum, int Correct) HingeOutput(ReadOnlySpan<double> p, ReadOnlySpan<double> z, ReadOnlySpan<double> y, double scale, Span<double> delta)
    {
        int n = p.Length;
        if (z.Length < n || y.Length < n || delta.Length < n) throw new ArgumentException("z, y and delta must be as long as p.");
        int correct = 0, i = 0;
        double lossSum;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double pr = ref MemoryMarshal.GetReference(p);
            ref double zr = ref MemoryMarshal.GetReference(z);
            ref double yr = ref MemoryMarshal.GetReference(y);
            ref double dr = ref MemoryMarshal.GetReference(delta);
            var lanes = Vector256<double>.Zero;
            var one = Vector256<double>.One;
            var half = Vector256.Create(TaskLabels.Threshold);
            var scaleV = Vector256.Create(scale);
            for (; i <= n - 4; i += 4)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                var sign = yv * 2.0 - one;
                var rest = one - sign * Vector256.LoadUnsafe(ref zr, (nuint)i);
                var inside = Vector256.GreaterThan(rest, Vector256<double>.Zero); // the margin is below 1
                lanes += Vector256.ConditionalSelect(~Vector256.LessThanOrEqual(rest, Vector256<double>.Zero), rest, Vector256<double>.Zero); // NaN stays
                var predicted = Vector256.GreaterThanOrEqual(pv, half) & one;
                correct += BitOperations.PopCount(Vector256.Equals(predicted, yv).ExtractMostSignificantBits());
                Vector256.ConditionalSelect(inside, scaleV * -sign, Vector256<double>.Zero).StoreUnsafe(ref dr, (nuint)i);
            }
            lossSum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        }
        else
        {
            double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
            for (; i <= n - 4; i += 4)
            {
                l0 += Hinge(z[i], y[i]); l1 += Hinge(z[i + 1], y[i + 1]); l2 += Hinge(z[i + 2], y[i + 2]); l3 += Hinge(z[i + 3], y[i + 3]);
                for (int r = i; r < i + 4; r++)
                {
                    if (TaskLabels.Predicted(p[r]) == y[r]) correct++;
                    delta[r] = HingeDelta(z[r], y[r], scale);
                }
            }
            lossSum = (l0 + l1) + (l2 + l3);
        }
        for (; i < n; i++)
        {
            lossSum += Hinge(z[i], y[i]);
            if (TaskLabels.Predicted(p[i]) == y[i]) correct++;
            delta[i] = HingeDelta(z[i], y[i], scale);
        }
        return (lossSum, correct);
    }

    // One row's hinge loss and delta, as HingeOutput's vector path computes them: the loss 1 − y±·z unless that is at most 0 (a NaN
    // stays, so that a diverged run is seen), the delta −y±·scale where 1 − y±·z is positive (the margin below 1), else 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Hinge(double z, double y)
    {
        double rest = 1.0 - (y * 2.0 - 1.0) * z;
        return rest <= 0 ? 0 : rest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double HingeDelta(double z, double y, double scale)
    {
        double sign = y * 2.0 - 1.0;
        return 1.0 - sign * z > 0 ? scale * -sign : 0;
    }

    // One row's cross-entropy from its logit, as CrossEntropyOutput's vector path computes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CrossEntropy(double z, double y) => ((z > 0 ? z : 0) - y * z) + VectorMath.LogOnePlusExpNegAbs(z);
}
