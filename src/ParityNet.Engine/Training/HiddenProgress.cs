using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>
/// What the first layer's weights did at each recorded check, beside the loss and accuracy: the measures of
/// "hidden progress" in Barak et al., "Hidden Progress in Deep Learning: SGD Learns Parities Near the Computational
/// Limit" (NeurIPS 2022). W is the first layer (inputs × hidden units), W₀ its value before training, and "input p"
/// one input unit (one bit). The support measures exist for <see cref="ParityTask.SparseParity"/> only (empty lists
/// otherwise). Each list has one value per <see cref="TrainingHistory.RecordedEpochs"/>.
/// </summary>
public sealed class HiddenProgress
{
    internal HiddenProgress(IReadOnlyList<int> supportBits, IReadOnlyList<int> controlBits, IList<double> driftMax, IList<double> driftSum,
        IList<double> supportWeightMax, IList<double> otherWeightMax, IList<double> supportMovement, IList<double> controlMovement)
    {
        SupportBits = new ReadOnlyCollection<int>(supportBits.ToArray());
        ControlBits = new ReadOnlyCollection<int>(controlBits.ToArray());
        DriftMax = new ReadOnlyCollection<double>(driftMax);
        DriftSum = new ReadOnlyCollection<double>(driftSum);
        SupportWeightMax = new ReadOnlyCollection<double>(supportWeightMax);
        OtherWeightMax = new ReadOnlyCollection<double>(otherWeightMax);
        SupportMovement = new ReadOnlyCollection<double>(supportMovement);
        ControlMovement = new ReadOnlyCollection<double>(controlMovement);
    }

    /// <summary>A hidden-progress record as a serializer kept it; every value is checked.</summary>
    /// <exception cref="ArgumentException">a list's length or a value cannot belong to a record of <paramref name="records"/> checks.</exception>
    public static HiddenProgress Restore(int records, IReadOnlyList<int> supportBits, IReadOnlyList<int> controlBits,
        IReadOnlyList<double> driftMax, IReadOnlyList<double> driftSum, IReadOnlyList<double> supportWeightMax,
        IReadOnlyList<double> otherWeightMax, IReadOnlyList<double> supportMovement, IReadOnlyList<double> controlMovement)
    {
        Check(driftMax, records, nameof(driftMax));
        Check(driftSum, records, nameof(driftSum));
        int support = supportBits.Count == 0 ? 0 : records;
        Check(supportWeightMax, support, nameof(supportWeightMax));
        Check(otherWeightMax, support, nameof(otherWeightMax));
        Check(supportMovement, support, nameof(supportMovement));
        Check(controlMovement, controlBits.Count == 0 ? 0 : support, nameof(controlMovement));
        return new HiddenProgress(supportBits, controlBits, driftMax.ToArray(), driftSum.ToArray(), supportWeightMax.ToArray(),
            otherWeightMax.ToArray(), supportMovement.ToArray(), controlMovement.ToArray());

        static void Check(IReadOnlyList<double> values, int count, string name)
        {
            ArgumentNullException.ThrowIfNull(values, name);
            if (values.Count != count) throw new ArgumentException($"{values.Count} values where {count} were recorded.", name);
            foreach (double v in values)
                if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentOutOfRangeException(name, v, "a measure of weights is a finite number ≥ 0.");
        }
    }

    /// <summary>The support (bit 0 the least significant); empty unless the task is SparseParity.</summary>
    public IReadOnlyList<int> SupportBits { get; }

    /// <summary>The control set: as many bits as the support, not on it, drawn once from the network's seed; the
    /// yardstick for <see cref="SupportMovement"/>. Empty without a support, or when no other bits are left.</summary>
    public IReadOnlyList<int> ControlBits { get; }

    /// <summary>‖W − W₀‖∞: the largest |change| of any first-layer weight (the paper's measure of hidden progress).</summary>
    public IReadOnlyList<double> DriftMax { get; }

    /// <summary>‖W − W₀‖₁: the sum of |change| over every first-layer weight. The many irrelevant inputs' drift
    /// dominates it, so it hides the progress that <see cref="DriftMax"/> shows.</summary>
    public IReadOnlyList<double> DriftSum { get; }

    /// <summary>The largest |w| from a support input to any hidden unit.</summary>
    public IReadOnlyList<double> SupportWeightMax { get; }

    /// <summary>The largest |w| from any other input to any hidden unit. When <see cref="SupportWeightMax"/> pulls
    /// away from it, the network has found the support, often before the loss moves.</summary>
    public IReadOnlyList<double> OtherWeightMax { get; }

    /// <summary>The largest movement on the support of any one hidden unit: max over units j of
    /// √(Σ_{p in support} (W[p, j] − W₀[p, j])²).</summary>
    public IReadOnlyList<double> SupportMovement { get; }

    /// <summary>The same as <see cref="SupportMovement"/> on <see cref="ControlBits"/>: what a unit's movement on k
    /// bits that do not matter looks like.</summary>
    public IReadOnlyList<double> ControlMovement { get; }

    // The control set: k bits off the support, drawn by a partial Fisher–Yates shuffle from their own stream of the seed.
    private const ulong ControlStream = 0x434F_4E54_524F_4C01; // "CONTROL" 1

    internal static int[] DrawControl(int bits, IReadOnlyList<int> support, long seed)
    {
        if (support.Count == 0) return Array.Empty<int>();
        var others = Enumerable.Range(0, bits).Where(b => !support.Contains(b)).ToArray();
        int k = Math.Min(support.Count, others.Length);
        var rng = new SeededRandom(unchecked((long)((ulong)seed ^ ControlStream)));
        for (int i = 0; i < k; i++)
        {
            int j = i + (int)rng.NextInt64(others.Length - i);
            (others[i], others[j]) = (others[j], others[i]);
        }
        return others.Take(k).Order().ToArray();
    }

    /// <summary>Records the measures at each check of one run, against the first layer it started from.</summary>
    internal sealed class Recorder
    {
        private readonly double[] _start;
        private readonly int _bits, _units;
        private readonly bool[] _isSupport;
        private readonly int[] _supportRows, _controlRows;
        private readonly int[] _support, _control;
        private readonly List<double> _driftMax = new(), _driftSum = new(), _supportMax = new(), _otherMax = new(), _supportMove = new(), _controlMove = new();

        public Recorder(ReadOnlySpan<double> firstLayer, int bits, int units, IReadOnlyList<int> support, long seed)
        {
            _start = firstLayer.ToArray();
            _bits = bits;
            _units = units;
            _support = support.ToArray();
            _control = DrawControl(bits, support, seed);
            // Row p of the first layer is input p, which reads bit (bits − 1 − p): the most significant bit first.
            _supportRows = _support.Select(b => bits - 1 - b).ToArray();
            _controlRows = _control.Select(b => bits - 1 - b).ToArray();
            _isSupport = new bool[bits];
            foreach (int p in _supportRows) _isSupport[p] = true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Record(ReadOnlySpan<double> w)
        {
            if (w.Length != _start.Length) throw new ArgumentException("w is not the first layer this record started from.", nameof(w));
            double supportMax = 0, otherMax = 0;
            for (int p = 0; p < _bits; p++)
            {
                double rowMax = LargestMagnitude(w.Slice(p * _units, _units));
                if (_isSupport[p]) supportMax = Math.Max(supportMax, rowMax);
                else otherMax = Math.Max(otherMax, rowMax);
            }
            var (driftMax, driftSum) = Drift(w, _start);
            _driftMax.Add(driftMax);
            _driftSum.Add(driftSum);
            if (_support.Length == 0) return;
            _supportMax.Add(supportMax);
            _otherMax.Add(otherMax);
            _supportMove.Add(Movement(w, _supportRows));
            if (_control.Length > 0) _controlMove.Add(Movement(w, _controlRows));
        }

        // The largest |v| (the weights are finite when recorded): the same whatever the order.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static double LargestMagnitude(ReadOnlySpan<double> v)
        {
            double largest = 0;
            int i = 0;
            if (Vector256.IsHardwareAccelerated && v.Length >= 4)
            {
                ref double vr = ref MemoryMarshal.GetReference(v);
                var top = Vector256<double>.Zero;
                for (; i <= v.Length - 4; i += 4) top = Vector256.Max(top, Vector256.Abs(Vector256.LoadUnsafe(ref vr, (nuint)i)));
                largest = Math.Max(Math.Max(top[0], top[1]), Math.Max(top[2], top[3]));
            }
            for (; i < v.Length; i++) largest = Math.Max(largest, Math.Abs(v[i]));
            return largest;
        }

        // ‖w − start‖∞, and ‖w − start‖₁ summed in four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)), then the tail in order;
        // the scalar loop does the same operations.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static (double Max, double Sum) Drift(ReadOnlySpan<double> w, ReadOnlySpan<double> start)
        {
            int i = 0, n = w.Length;
            double max = 0, sum;
            if (Vector256.IsHardwareAccelerated)
            {
                ref double wr = ref MemoryMarshal.GetReference(w);
                ref double sr = ref MemoryMarshal.GetReference(start);
                Vector256<double> lanes = Vector256<double>.Zero, top = lanes;
                for (; i <= n - 4; i += 4)
                {
                    var change = Vector256.Abs(Vector256.LoadUnsafe(ref wr, (nuint)i) - Vector256.LoadUnsafe(ref sr, (nuint)i));
                    lanes += change;
                    top = Vector256.Max(top, change);
                }
                sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
                max = Math.Max(Math.Max(top[0], top[1]), Math.Max(top[2], top[3]));
            }
            else
            {
                double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
                for (; i <= n - 4; i += 4)
                {
                    double c0 = Math.Abs(w[i] - start[i]), c1 = Math.Abs(w[i + 1] - start[i + 1]);
                    double c2 = Math.Abs(w[i + 2] - start[i + 2]), c3 = Math.Abs(w[i + 3] - start[i + 3]);
                    l0 += c0; l1 += c1; l2 += c2; l3 += c3;
                    max = Math.Max(max, Math.Max(Math.Max(c0, c1), Math.Max(c2, c3)));
                }
                sum = (l0 + l1) + (l2 + l3);
            }
            for (; i < n; i++)
            {
                double change = Math.Abs(w[i] - start[i]);
                sum += change;
                max = Math.Max(max, change);
            }
            return (max, sum);
        }

        private double Movement(ReadOnlySpan<double> w, int[] rows)
        {
            double best = 0;
            for (int j = 0; j < _units; j++)
            {
                double sum = 0;
                foreach (int p in rows) { double d = w[p * _units + j] - _start[p * _units + j]; sum += d * d; }
                best = Math.Max(best, Math.Sqrt(sum));
            }
            return best;
        }

        public HiddenProgress Result() =>
            new(_support, _control, _driftMax, _driftSum, _supportMax, _otherMax, _supportMove, _controlMove);
    }
}
