using System.Collections;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Turns the property bags that cross a boundary back into live ParityNet objects: the
/// <c>Deserialized.ParityNet.*</c> objects of Import-Clixml, Receive-Job and Invoke-Command, and the
/// objects (or hashtables) of ConvertFrom-Json. Every field is read by name and checked against the
/// others; the first that does not fit is named in a <see cref="ErrorIds.InvalidNetwork"/> error, so
/// a tampered, cut or incomplete object never becomes a silently different network.
/// </summary>
/// <remarks>
/// Reading is linear in what the bag holds and bounded, because a serialized form can describe far more than
/// it spells out: a Clixml <c>&lt;Ref&gt;</c> names an object or list written earlier, any number of times, and
/// PowerShell's deserializer hands each ParityNet object to the converter on its own. So: every list is read
/// once per reading (a queue or other collection is copied once, never enumerated again per entry); a
/// deserialized ParityNet object is converted once, and a <c>&lt;Ref&gt;</c> to it gives the same live object;
/// and one input reads at most <see cref="MaxEntries"/> list entries, a list counted each time it is read, where
/// an input is one reading together with every other deserialized object that reads one of its long lists
/// (see <see cref="Input"/>).
/// </remarks>
internal static partial class Serialized
{
    private const string Fix =
        "Give the object Export-Clixml, Receive-Job or ConvertTo-Json -Depth 6 made from it, unchanged, or make the network again with New-ParityNetwork.";

    private static int s_reported;

    /// <summary>Whether <paramref name="value"/> is a property bag (deserialized, from JSON, or a hashtable) rather than a live object.</summary>
    public static bool IsBag(object? value) => value switch
    {
        PSObject { BaseObject: PSCustomObject } => true,
        PSObject pso => pso.BaseObject is IDictionary,
        IDictionary => true,
        _ => false,
    };

    /// <summary>Which ParityNet type a bag was serialized from, by its type names (Clixml) or its fields (JSON); null if none.</summary>
    public static Type? KindOf(object bag)
    {
        if (bag is PSObject pso)
        {
            foreach (string name in pso.TypeNames)
            {
                if (name == "Deserialized.ParityNet.ParityNetwork") return typeof(ParityNetwork);
                if (name == "Deserialized.ParityNet.TrainingHistory") return typeof(TrainingHistory);
                if (name == "Deserialized.ParityNet.ParityPrediction") return typeof(ParityPrediction);
                if (name == "Deserialized.ParityNet.OnnxExportResult") return typeof(OnnxExportResult);
            }
        }
        var fields = new Bag(bag, "", new Reading());
        if (fields.Has("Weights") || fields.Has("Spec")) return typeof(ParityNetwork);
        if (fields.Has("InputsCompared") || fields.Has("MaxAbsDifference")) return typeof(OnnxExportResult);
        if (fields.Has("RecordedEpochs") || fields.Has("StopReason")) return typeof(TrainingHistory);
        if (fields.Has("Probability") && fields.Has("Number")) return typeof(ParityPrediction);
        return null;
    }

    /// <summary>The live object of type <paramref name="type"/> that <paramref name="bag"/> describes.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.InvalidNetwork"/>, naming the field;
    /// <see cref="ErrorIds.InputTooLarge"/>, when reading it would take more than any network ParityNet makes.</exception>
    public static object To(Type type, object bag)
    {
        var root = new Bag(bag, "", new Reading());
        if (type == typeof(ParityNetwork)) return Network(root);
        if (type == typeof(TrainingHistory)) return History(root);
        if (type == typeof(ParityPrediction)) return Prediction(root);
        if (type == typeof(OnnxExportResult)) return ExportResult(root);
        throw new ArgumentException($"ParityNet cannot rehydrate a {type.FullName}.", nameof(type));
    }

    /// <summary>True once for a deserialized ParityNet object whose conversion failed: the first time its error
    /// is to be reported, so that a file's <c>&lt;Ref&gt;</c>s to it do not repeat the report.</summary>
    public static bool FirstReport(object bag) =>
        DeserializedKey(bag) is { } key && s_outcomes.TryGetValue(key, out var outcome) && outcome.Error is not null
        && Interlocked.Exchange(ref outcome.Reported, 1) == 0;

    /// <summary>How many deserialized objects this process has reported unconverted, this one included.</summary>
    public static int Reported() => Interlocked.Increment(ref s_reported);

    private static ParityNetwork Network(Bag bag) => Once(bag, ReadNetwork);

    private static TrainingHistory History(Bag bag) => Once(bag, ReadHistory);

    private static ParityPrediction Prediction(Bag bag) => Once(bag, ReadPrediction);

    private static OnnxExportResult ExportResult(Bag bag) => Once(bag, ReadExportResult);

    /// <summary>The live object <paramref name="bag"/> holds or describes. A deserialized object is read once, its
    /// long lists joining its input with any other that read them; after that its live object, or its error, is
    /// the answer.</summary>
    private static T Once<T>(Bag bag, Func<Bag, T> read) where T : class
    {
        if (bag.Live<T>() is { } live) return live;
        if (DeserializedKey(bag.Raw) is not { } key) return read(bag);
        if (s_outcomes.TryGetValue(key, out var known))
        {
            if (known.Error is not null) throw known.Error;
            if (known.Live is T same) return same;
        }
        var reading = bag.Reading;
        bool tracked = reading.Tracked;
        reading.Tracked = true;
        reading.Begin();
        try
        {
            T result = read(bag);
            s_outcomes.AddOrUpdate(key, new Outcome(result, null));
            return result;
        }
        catch (ParityNetException ex)
        {
            s_outcomes.AddOrUpdate(key, new Outcome(null, ex));
            throw;
        }
        finally
        {
            reading.Tracked = tracked;
        }
    }

    // A deserialized ParityNet object (from PowerShell's serializer), by identity; null for anything else.
    private static object? DeserializedKey(object? value) =>
        value is PSObject { BaseObject: PSCustomObject } pso && pso.TypeNames.Count > 0
        && pso.TypeNames[0].StartsWith("Deserialized.ParityNet.", StringComparison.Ordinal) ? pso : null;

    internal static ParityNetException Invalid(string field, string problem) =>
        new(ErrorIds.InvalidNetwork, ParityErrorKind.InvalidData,
            $"The object cannot be used as a ParityNet object: {(field.Length > 0 ? field + " " : "")}{problem}. {Fix}", field);

    private static ParityNetException TooLarge(string field, string problem) =>
        new(ErrorIds.InputTooLarge, ParityErrorKind.LimitsExceeded,
            $"The object cannot be used as a ParityNet object: {(field.Length > 0 ? field + " " : "")}{problem}. {Fix}", field);

    private static string At(string path, int index) => index < 0 ? path : $"{path}[{index}]";
}
