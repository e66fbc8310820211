using System.Runtime.CompilerServices;

namespace ParityNet;

/// <summary>
/// The first layer over inputs wider than 62 bits (<see cref="WideNumbers"/>): each row is several chunks, and the
/// layer is the narrow kernels' sums of weight rows run chunk by chunk, the most significant chunk first, so that a
/// row's sum adds its set bits' weight rows in the dense product's order (input 0 first), as
/// <see cref="SummedBitsLayer.ForwardAny"/> does for one chunk. Any activation goes on top, as on the general path.
/// </summary>
internal static class WideBitsLayer
{
    /// <summary>z[count×m] = the bits of each row times w[bits×m]; rows holds <paramref name="chunks"/> longs a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardAny(ReadOnlySpan<long> rows, int chunks, int bits, ReadOnlySpan<double> w, int m, Span<double> z)
    {
        int count = rows.Length / chunks;
        if (rows.Length != count * chunks || chunks != WideNumbers.Chunks(bits)) throw new ArgumentException("rows do not hold whole rows of this width.", nameof(rows));
        if (w.Length < (long)bits * m || z.Length < (long)count * m) throw new ArgumentException("w or z is too short for the shape.");
        for (int i = 0; i < count; i++)
        {
            var zi = z.Slice(i * m, m);
            for (int c = chunks - 1; c >= 0; c--)
            {
                int width = WideNumbers.ChunkWidth(bits, c), first = WideNumbers.FirstRow(bits, c);
                long chunk = rows[i * chunks + c];
                if (chunk < 0 || chunk >> width != 0) throw new ArgumentOutOfRangeException(nameof(rows), chunk, $"not a {width}-bit chunk.");
                // The first chunk starts the sums; each later one adds its rows to them (output and seed may be the same span).
                BitWalk.CombineRows<BitWalk.Sum>(chunk, width, w.Slice(first * m, width * m), c == chunks - 1 ? default : zi, m, zi);
            }
        }
    }

    /// <summary>g[bits×m] += (bits of the rows)ᵀ · delta, and biasSum += Σ delta: chunk by chunk, each chunk's gradient rows
    /// from <see cref="BitWalk.GradientAny"/> over that chunk of every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardAny(ReadOnlySpan<long> rows, int chunks, int bits, ReadOnlySpan<double> delta, int m, Span<double> g, Span<double> biasSum)
    {
        int count = rows.Length / chunks;
        if (rows.Length != count * chunks || chunks != WideNumbers.Chunks(bits)) throw new ArgumentException("rows do not hold whole rows of this width.", nameof(rows));
        Span<long> column = count <= 256 ? stackalloc long[count] : new long[count];
        for (int c = chunks - 1; c >= 0; c--)
        {
            int width = WideNumbers.ChunkWidth(bits, c), first = WideNumbers.FirstRow(bits, c);
            for (int i = 0; i < count; i++) column[i] = rows[i * chunks + c];
            BitWalk.GradientAny(column, width, delta, m, g.Slice(first * m, width * m), c == 0 ? biasSum : default);
        }
    }
}
