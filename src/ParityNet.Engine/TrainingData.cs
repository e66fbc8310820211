namespace ParityNet;

/// <summary>Every integer 0 … 2^Bits − 1 as bit rows, with its label for a task.</summary>
internal static class TrainingData
{
    /// <summary>Fills <paramref name="inputs"/> (2^bits rows of bits) and <paramref name="labels"/>.</summary>
    public static void Enumerate(int bits, ParityTask task, Span<double> inputs, Span<double> labels)
    {
        int n = 1 << bits;
        for (int i = 0; i < n; i++)
        {
            BitEncoding.Encode(i, bits, inputs.Slice(i * bits, bits));
            labels[i] = TaskLabels.Label(task, i);
        }
    }
}
