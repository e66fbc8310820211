using System.Globalization;

namespace ParityNet.Commands;

internal static partial class Serialized
{
    private static ParityNetwork ReadNetwork(Bag bag)
    {
        var specBag = bag.Object("Spec");
        var spec = new NetworkSpec
        {
            Bits = specBag.Int("Bits"),
            HiddenSizes = specBag.Ints("HiddenSizes"),
            Task = specBag.Enum<ParityTask>("Task"),
            Activation = specBag.Enum<Activation>("Activation"),
            Initialization = specBag.Enum<Initialization>("Initialization"),
            HasBias = specBag.Bool("HasBias"),
            SignedInputs = specBag.Has("SignedInputs") && specBag.Bool("SignedInputs"), // added with issue 28
            Seed = specBag.Long("Seed"),
            Support = specBag.Has("Support") && specBag.Value("Support") is { IsNull: false } ? specBag.Ints("Support") : null,
        };
        try
        {
            ParityNetwork.Validate(spec);
        }
        catch (ParityNetException ex)
        {
            throw Invalid(bag.Path("Spec"), ex.Message);
        }
        // The flat fields a view shows must say the same as the spec, else the object was edited.
        bag.Same("Bits", spec.Bits, v => v.AsInt());
        bag.Same("HasBias", spec.HasBias, v => v.AsBool());
        if (bag.Has("SignedInputs")) bag.Same("SignedInputs", spec.SignedInputs, v => v.AsBool());
        bag.Same("Seed", spec.Seed, v => v.AsLong());
        bag.Same("Task", spec.Task, v => v.AsEnum<ParityTask>());
        if (bag.Has("Support") && bag.Ints("Support") is var shown && !shown.SequenceEqual(spec.Support ?? Array.Empty<int>()))
            throw Invalid(bag.Path("Support"), $"is {string.Join(",", shown)} but the spec's is {string.Join(",", spec.Support ?? Array.Empty<int>())}");
        bag.Same("Activation", spec.Activation, v => v.AsEnum<Activation>());
        int[] sizes = ParityNetwork.Sizes(spec);
        if (bag.Has("LayerSizes"))
        {
            var given = bag.Ints("LayerSizes");
            if (!given.SequenceEqual(sizes))
                throw Invalid(bag.Path("LayerSizes"), $"is {string.Join("-", given)} but the spec makes {string.Join("-", sizes)}");
        }

        int layers = sizes.Length - 1;
        // The matrices (Weights), or, where ConvertTo-Json's default depth cut them to text, the flat rows
        // (WeightValues); when both are whole they must agree.
        bool hasFlat = bag.Has("WeightValues");
        var weights = WeightsFromMatrices(bag, sizes, layers, hasFlat);
        var flat = hasFlat ? WeightsFromFlat(bag, sizes, layers, required: weights is null) : null;
        if (weights is null) weights = flat ?? throw Invalid(bag.Path("Weights"), "is cut to text and there are no WeightValues; use ConvertTo-Json -Depth 6");
        else if (flat is not null)
            for (int l = 0; l < layers; l++)
                for (int i = 0; i < weights[l].Length; i++)
                    if (BitConverter.DoubleToInt64Bits(weights[l][i]) != BitConverter.DoubleToInt64Bits(flat[l][i]))
                        throw Invalid(bag.Path($"WeightValues[{l}][{i}]"), $"is {flat[l][i].ToString("R", CultureInfo.InvariantCulture)} but Weights[{l}] says {weights[l][i].ToString("R", CultureInfo.InvariantCulture)}");
        var biasList = bag.List("Biases");
        if (biasList.Count != layers)
            throw Invalid(bag.Path("Biases"), $"holds {biasList.Count} layers of biases; the network has {layers} layers");
        var biases = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            var layer = biasList[l];
            var cells = layer.Items();
            int expected = spec.HasBias ? sizes[l + 1] : 0;
            if (cells.Count != expected)
                throw Invalid(layer.Where, spec.HasBias ? $"has {cells.Count} biases, not {expected}" : $"has {cells.Count} biases, but HasBias is false");
            biases[l] = new double[expected];
            for (int i = 0; i < expected; i++) biases[l][i] = cells[i].AsFiniteDouble();
        }
        var historyValue = bag.Value("History");
        var history = historyValue.IsNull ? null : History(historyValue.AsBag());
        bag.Same("IsTrained", history is not null, v => v.AsBool());
        try
        {
            return ParityNetwork.FromWeights(spec, weights, biases, history);
        }
        catch (ParityNetException ex)
        {
            throw Invalid(bag.Path("Weights"), ex.Message);
        }
    }

    // The weights from the Weights matrices; null when ConvertTo-Json cut them to text (a flat copy may stand in).
    private static double[][]? WeightsFromMatrices(Bag bag, int[] sizes, int layers, bool hasFlat)
    {
        var weightList = bag.List("Weights");
        if (weightList.Count != layers)
            throw Invalid(bag.Path("Weights"), $"holds {weightList.Count} matrices; a {string.Join("-", sizes)} network has {layers}");
        var weights = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            var item = weightList[l];
            if (item.IsText) return null;
            var matrix = item.AsBag();
            int rows = matrix.Int("Rows"), columns = matrix.Int("Columns");
            if (rows != sizes[l] || columns != sizes[l + 1])
                throw Invalid(matrix.Path("Rows"), $"and Columns say {rows}x{columns}; layer {l} of a {string.Join("-", sizes)} network is {sizes[l]}x{sizes[l + 1]}");
            var valuesField = matrix.Value("Values");
            if (valuesField.IsText && hasFlat) return null;
            var values = valuesField.Items();
            if (hasFlat && values.AnyText()) return null;
            if (values.Count != rows)
                throw Invalid(valuesField.Where, $"has {values.Count} rows, not {rows}");
            var w = new double[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                var row = values[r];
                var cells = row.Items();
                if (cells.Count != columns) throw Invalid(row.Where, $"has {cells.Count} weights, not {columns}");
                for (int c = 0; c < columns; c++) w[r * columns + c] = cells[c].AsFiniteDouble();
            }
            weights[l] = w;
        }
        return weights;
    }

    // The weights from WeightValues: per layer, inputs × units row-major.
    private static double[][]? WeightsFromFlat(Bag bag, int[] sizes, int layers, bool required)
    {
        var list = bag.List("WeightValues");
        if (list.Count != layers)
            throw Invalid(bag.Path("WeightValues"), $"holds {list.Count} layers; a {string.Join("-", sizes)} network has {layers}");
        var weights = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            var layer = list[l];
            if (layer.IsText) return required ? throw Invalid(layer.Where, "is cut to text; use ConvertTo-Json -Depth 6") : null;
            var cells = layer.Items();
            int expected = sizes[l] * sizes[l + 1];
            if (cells.Count != expected) throw Invalid(layer.Where, $"has {cells.Count} weights; layer {l} is {sizes[l]}x{sizes[l + 1]} = {expected}");
            weights[l] = new double[expected];
            for (int i = 0; i < expected; i++) weights[l][i] = cells[i].AsFiniteDouble();
        }
        return weights;
    }
}
