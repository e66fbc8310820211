using System.Globalization;

namespace ParityNet.Commands;

internal static partial class Serialized
{
    private static ParityPrediction ReadPrediction(Bag bag)
    {
        var number = bag.WholeNumber("Number");
        string bits = bag.String("Bits");
        if (bits.Length < 1 || bits.Length > EngineLimits.MaxBits || number.Sign < 0 || number.GetBitLength() > bits.Length || BitEncoding.ToText(number, bits.Length) != bits)
            throw Invalid(bag.Path("Bits"), $"is '{(bits.Length > 70 ? bits[..70] + "…" : bits)}', which is not {WideNumbers.Show(number)} in 1 to {EngineLimits.MaxBits} bits");
        double probability = bag.Double("Probability");
        if (!(probability >= 0 && probability <= 1))
            throw Invalid(bag.Path("Probability"), $"is {probability.ToString("R", CultureInfo.InvariantCulture)}, not a probability from 0 to 1");
        string? source = bag.Has("Source") && bag.Value("Source") is { IsNull: false } s ? s.AsString() : null;
        var task = bag.Enum<ParityTask>("Task");
        int[]? support = bag.Has("Support") ? bag.Ints("Support") : null;
        if (task == ParityTask.SparseParity && (support is null || support.Length == 0 || support.Any(b => b < 0 || b >= bits.Length) || support.Distinct().Count() != support.Length))
            throw Invalid(bag.Path("Support"), $"is not the bits of a {bits.Length}-bit SparseParity network (distinct, 0 to {bits.Length - 1})");
        var prediction = new ParityPrediction(number, bits.Length, task, probability, bag.Enum<PredictionEngine>("Engine"), source, support);
        bag.Same("Prediction", prediction.Prediction, v => v.AsString());
        bag.Same("Expected", prediction.Expected, v => v.AsString());
        bag.Same("Correct", prediction.Correct, v => v.AsBool());
        return prediction;
    }
}
