using System.Runtime.CompilerServices;
using System.Numerics;

namespace ParityNet;

/// <summary>What the network learns to tell apart.</summary>
public enum ParityTask
{
    /// <summary>The lesson's task: label 1 for an even number, 0 for an odd one (only the last bit matters).</summary>
    Even,

    /// <summary>True N-bit parity: label 1 when an odd number of bits are set (XOR of all bits).</summary>
    BitParity,

    /// <summary>(n, k)-sparse parity (Barak et al. 2022): label 1 when an odd number of the k bits of the network's
    /// support (<see cref="NetworkSpec.Support"/>) are set, the XOR of those bits; the other bits do not matter.</summary>
    SparseParity,
}

/// <summary>Labels and their names for each task, and the one rule that turns a probability into a label.</summary>
public static class TaskLabels
{
    /// <summary>The decision threshold: a probability of at least this predicts label 1.</summary>
    public const double Threshold = 0.5;

    /// <summary>The predicted label of a probability: 1 when p ≥ <see cref="Threshold"/>, else 0. Accuracy everywhere
    /// (training, predictions, the vectorised MSE output) is this label equal to the expected one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predicted(double probability) => probability >= Threshold ? 1 : 0;

    /// <summary>The expected label (0 or 1) of <paramref name="number"/> for <paramref name="task"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Label(ParityTask task, long number) => task switch
    {
        ParityTask.Even => (number & 1) == 0 ? 1 : 0,
        ParityTask.BitParity => BitOperations.PopCount((ulong)number) & 1,
        ParityTask.SparseParity => throw new ArgumentException("SparseParity's label needs the network's support: give it (TaskLabels.Label(task, number, support)).", nameof(task)),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
    };

    /// <summary>The expected label of <paramref name="number"/> for <paramref name="task"/>, where
    /// <paramref name="support"/> is the mask of the bits SparseParity reads (<see cref="Mask"/>; ignored by the other tasks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Label(ParityTask task, long number, long support) =>
        task == ParityTask.SparseParity ? BitOperations.PopCount((ulong)(number & support)) & 1 : Label(task, number);

    /// <summary>A control run's label of <paramref name="number"/>: 0 or 1 with even odds, fixed by <paramref name="seed"/>
    /// and the number, unrelated to any task (<see cref="TrainingOptions.RandomLabels"/>).</summary>
    public static int RandomLabel(long seed, long number)
    {
        // SplitMix64's finaliser of (seed, number): a fixed random function of the integer, the same in every pass.
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)number) + 0xD1B54A32D192ED03UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) >> 63);
    }

    /// <summary>The seed of a run's random labels (<see cref="TrainingOptions.RandomLabels"/>), from the run's seed.</summary>
    internal static long RandomLabelSeed(long runSeed) => unchecked(runSeed * 31 + 0x52414E44); // "RAND"

    /// <summary>The bit mask of a support (bit positions, 0 the least significant); 0 for none.</summary>
    public static long Mask(IReadOnlyList<int>? support)
    {
        long mask = 0;
        if (support is not null) foreach (int bit in support) if (bit < 63) mask |= 1L << bit; // a long's bits: higher ones are 0 in any long
        return mask;
    }

    /// <summary>
    /// A label as a word that says what it means for the task: for <see cref="ParityTask.Even"/> the number is
    /// Even (1) or Odd (0); for <see cref="ParityTask.BitParity"/> its count of 1 bits is odd, OddOnes (1), or even,
    /// EvenOnes (0), so that 3 (two 1 bits) reads EvenOnes, not "Even"; for <see cref="ParityTask.SparseParity"/> the
    /// count of 1 bits on the support is odd, OddSupport (1), or even, EvenSupport (0).
    /// </summary>
    public static string Name(ParityTask task, int label) => task switch
    {
        ParityTask.Even => label == 1 ? "Even" : "Odd",
        ParityTask.BitParity => label == 1 ? "OddOnes" : "EvenOnes",
        ParityTask.SparseParity => label == 1 ? "OddSupport" : "EvenSupport",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
    };
}
