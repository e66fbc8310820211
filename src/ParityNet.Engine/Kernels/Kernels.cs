using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

/// <summary>
/// The dense kernels of training and prediction: span in, span out, row-major, the caller owns
/// every buffer; shapes are given explicitly and checked once per call. Four doubles at a time
/// where the hardware allows, with plain multiply and add (no fused multiply-add) and a fixed
/// four-lane order for every sum across a row, so results are the same bits on every machine.
/// By kind, a file each: Products (matrix products, the bias gradient), SingleUnitBackward (the output
/// layer's backward step), OutputLoss (loss, accuracy and delta of the output unit), ActivationKernels
/// (bias and activation, forward and back) and Elementwise (dot product, sums, scaling, zeroing).
/// </summary>
internal static partial class Kernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckShape(ReadOnlySpan<double> span, long needed, string name)
    {
        if (span.Length < needed) ThrowShape(span.Length, needed, name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShape(int length, long needed, string name) =>
        throw new ArgumentException($"{name} has {length} values, the shape needs {needed}.", name);
}
