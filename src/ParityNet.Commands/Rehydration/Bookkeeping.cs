using System.Globalization;
using System.Runtime.CompilerServices;

namespace ParityNet.Commands;

// The shared bound of every reading (MaxEntries) and its bookkeeping: what became of each deserialized object,
// and the inputs that long lists join. The readers of each type and the bag they read are in the files beside this.
internal static partial class Serialized
{
    /// <summary>
    /// The most list entries one input reads: what the largest network the engine accepts holds when written
    /// out whole, with room to spare, so that no network ParityNet makes is refused. Its weights twice (the
    /// Weights matrices and WeightValues) and its biases once, at most 2 × <see cref="EngineLimits.MaxParameters"/>;
    /// an entry per row of each matrix, at most the inputs of every layer; the support and control bits, at most the
    /// inputs twice more; nine lists of <see cref="EngineLimits.MaxRecordedEpochs"/> (three curves and six hidden-progress
    /// measures); and 4096 for the short lists and field look-ups. About 83.7 million.
    /// </summary>
    public const long MaxEntries = 2 * EngineLimits.MaxParameters
        + 3L * EngineLimits.MaxBits + (long)EngineLimits.MaxHiddenLayers * EngineLimits.MaxHiddenSize
        + 9L * EngineLimits.MaxRecordedEpochs
        + 4096;

    /// <summary>Lists longer than this join the readings that read them into one input. The only list PowerShell's
    /// serializer shares between different ParityNet objects is shorter: a spec's hidden sizes (networks trained
    /// from one network share its spec), at most <see cref="EngineLimits.MaxHiddenLayers"/> long; so a file of many
    /// networks is as many inputs, each with the whole budget.</summary>
    private const int SharedLength = EngineLimits.MaxHiddenLayers;

    // What became of each deserialized ParityNet object: its live object or its error. PowerShell's deserializer
    // hands a <Ref> to an object it has read already back as that same deserialized object, and rehydrates it
    // again: without this, one network and thousands of <Ref>s to it would become thousands of networks (and one
    // that fails late, thousands of failed readings). Export-Clixml wrote a <Ref> because it was one object, and
    // live ParityNet objects are immutable, so one live object is the faithful answer. Bags from JSON or scripts
    // are read afresh each time: a script may change them between uses.
    private static readonly ConditionalWeakTable<object, Outcome> s_outcomes = new();

    // The input that read each long list of a deserialized object, and the lock over every input's count.
    private static readonly ConditionalWeakTable<object, Input> s_readers = new();
    private static readonly object s_inputs = new();

    private sealed class Outcome(object? live, ParityNetException? error)
    {
        public readonly object? Live = live;
        public readonly ParityNetException? Error = error;
        public int Reported;
    }

    /// <summary>
    /// One input: a reading, joined with every reading that reads one of its long lists. Readings of deserialized
    /// objects that share nothing stay apart (a file of many networks is many inputs); objects whose lists are one
    /// list, written once and named again by <c>&lt;Ref&gt;</c>s, are one input, with one budget between them, so that
    /// a small file of such objects cannot expand without end. The same live object written twice through two
    /// PowerShell wrappers (<c>$net</c>, and an export result's <c>Network</c>) is such a pair, and reads twice.
    /// </summary>
    private sealed class Input
    {
        private Input? _parent;
        public long Entries;
        public int Objects;

        // The input this one has joined, if any (union-find, paths halved). Under s_inputs.
        public Input Root()
        {
            var input = this;
            while (input._parent is { } parent) { input._parent = parent._parent ?? parent; input = parent; }
            return input;
        }

        // Makes this input and other one. Under s_inputs.
        public Input Join(Input other)
        {
            Input a = Root(), b = other.Root();
            if (a == b) return a;
            a._parent = b;
            b.Entries += a.Entries;
            b.Objects += a.Objects;
            return b;
        }
    }

    /// <summary>One reading, from one call: its input, and whether a deserialized object is being read (whose
    /// long lists then join the readings that read them).</summary>
    private sealed class Reading
    {
        private readonly Input _input = new();
        public bool Tracked;

        /// <summary>Counts one more deserialized object read by this reading's input.</summary>
        public void Begin()
        {
            lock (s_inputs) _input.Root().Objects++;
        }

        /// <summary>Counts <paramref name="entries"/> more read at the list <paramref name="path"/>[<paramref name="index"/>].</summary>
        /// <exception cref="ParityNetException"><see cref="ErrorIds.InputTooLarge"/> past <see cref="MaxEntries"/> for the input.</exception>
        public void Count(long entries, string path, int index)
        {
            long total;
            int objects;
            lock (s_inputs)
            {
                var root = _input.Root();
                total = root.Entries += entries;
                objects = root.Objects;
            }
            if (total > MaxEntries)
                throw TooLarge(At(path, index), string.Create(CultureInfo.InvariantCulture,
                    $"takes the reading past {MaxEntries:N0} list entries{(objects > 1 ? $", read in all by the {objects} deserialized objects whose lists are shared through <Ref>s" : "")}, " +
                    $"more than the largest network ParityNet makes holds (at most {EngineLimits.MaxParameters:N0} weights and biases, written twice, and {EngineLimits.MaxRecordedEpochs:N0} recorded epochs); " +
                    $"a list read again (a <Ref> in Clixml, one array set twice by a script) counts again"));
        }

        /// <summary>Joins this reading's input with any other that read <paramref name="list"/>, a long list of a deserialized object.</summary>
        public void Share(object list)
        {
            if (!Tracked) return;
            lock (s_inputs)
            {
                if (s_readers.TryGetValue(list, out var other)) _input.Join(other);
                else s_readers.Add(list, _input);
            }
        }
    }
}
