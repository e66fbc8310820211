using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

// One or two vectors, element by element: dot product, sums, scaling, zeroing, finiteness.
// Why not System.Numerics.Tensors or Span.Clear (issue 27, measured in an interleaved A/B on this 2-core VM under a load
// of about 25, net10.0, AVX-512, medians of four rounds): TensorPrimitives.Dot and Sum add in the widest vectors the
// machine has, so their bits differ between an AVX2 and an AVX-512 machine, which the pinned bits forbid; Dot keeps
// its four lanes. TensorPrimitives.Add and Multiply and Span.Clear give the same bits (one IEEE operation per element,
// or zeros), but on the short rows these kernels mostly see they were slower: a row of 8 zeroed then summed into 8
// times took 68 ms here against 138 ms for Clear and TensorPrimitives.Add (106 ms for Clear and this Sum), and scaling
// 52 ms against 120 ms; from 1000 units they were faster (47 ms against 34 ms), at 50 000 even or slower. The engine
// references no package either, and would ship one more library for it.
internal static partial class Kernels
{
    /// <summary>Σ x[i]·y[i], summed in four lanes (i mod 4) that are then added as ((l0 + l1) + (l2 + l3)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("y is shorter than x.", nameof(y));
        int i = 0, n = x.Length;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var acc = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4) acc += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
            (s0, s1, s2, s3) = (acc[0], acc[1], acc[2], acc[3]);
        }
        else
        {
            for (; i <= n - 4; i += 4)
            {
                s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]; s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3];
            }
        }
        for (int lane = 0; i < n; i++, lane++)
        {
            double v = x[i] * y[i];
            switch (lane) { case 0: s0 += v; break; case 1: s1 += v; break; default: s2 += v; break; }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>y[i] += alpha · x[i], and whether every y[i] is then finite, in the same pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool MultiplyAddAndCheck(ReadOnlySpan<double> x, double alpha, Span<double> y)
    {
        int i = 0, n = x.Length;
        if (y.Length != n) throw new ArgumentException("x and y must have the same length.", nameof(y));
        bool finite = true;
        if (Vector512.IsHardwareAccelerated && n >= 8)
        {
            // Eight at a time: each element the same two operations, so the same bits as four at a time.
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var a = Vector512.Create(alpha);
            var check = Vector512<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var r = Vector512.LoadUnsafe(ref yr, (nuint)i) + a * Vector512.LoadUnsafe(ref xr, (nuint)i);
                r.StoreUnsafe(ref yr, (nuint)i);
                check += r - r;
            }
            finite = Vector512.EqualsAll(check, Vector512<double>.Zero);
        }
        if (Vector256.IsHardwareAccelerated && n - i >= 4)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var a = Vector256.Create(alpha);
            var check = Vector256<double>.Zero; // r − r is 0 for finite r, NaN otherwise
            for (; i <= n - 4; i += 4)
            {
                var r = Vector256.LoadUnsafe(ref yr, (nuint)i) + a * Vector256.LoadUnsafe(ref xr, (nuint)i);
                r.StoreUnsafe(ref yr, (nuint)i);
                check += r - r;
            }
            finite &= Vector256.EqualsAll(check, Vector256<double>.Zero);
        }
        for (; i < n; i++)
        {
            y[i] += alpha * x[i];
            finite &= double.IsFinite(y[i]);
        }
        return finite;
    }

    /// <summary>y[i] += x[i] (addition commutes exactly, so this is <see cref="Sum"/> into y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<double> x, Span<double> y) => Sum(x, y, y);

    /// <summary>destination[i] = x[i] + y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> destination)
    {
        int i = 0, n = x.Length;
        if (y.Length < n || destination.Length < n) throw new ArgumentException("y and destination must be as long as x.");
        if (Vector256.IsHardwareAccelerated)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            ref double dr = ref MemoryMarshal.GetReference(destination);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref xr, (nuint)i) + Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < n; i++) destination[i] = x[i] + y[i];
    }

    /// <summary>y[i] = 0, four at a time where the hardware allows: the kernels that then add into y load
    /// it four at a time, and a wide load from narrower stores is not forwarded from the store buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zero(Span<double> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double yr = ref MemoryMarshal.GetReference(y);
            if (Vector512.IsHardwareAccelerated)
                for (; i <= y.Length - 8; i += 8) Vector512<double>.Zero.StoreUnsafe(ref yr, (nuint)i);
            for (; i <= y.Length - 4; i += 4) Vector256<double>.Zero.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < y.Length; i++) y[i] = 0;
    }

    /// <summary>y[i] = alpha · x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scale(ReadOnlySpan<double> x, double alpha, Span<double> y)
    {
        int i = 0, n = x.Length;
        if (y.Length < n) throw new ArgumentException("y is shorter than x.", nameof(y));
        if (Vector256.IsHardwareAccelerated)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var a = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4) (a * Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = alpha * x[i];
    }

    /// <summary>Whether every value is finite (no NaN, no infinity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(ReadOnlySpan<double> values)
    {
        // x − x is 0 for every finite x and NaN otherwise; NaN survives the sum.
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 4)
        {
            var acc = Vector256<double>.Zero;
            ref double vr = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref vr, (nuint)i);
                acc += v - v;
            }
            if (!Vector256.EqualsAll(acc, Vector256<double>.Zero)) return false;
        }
        for (; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return false;
        return true;
    }
}
