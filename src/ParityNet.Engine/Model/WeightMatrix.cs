namespace ParityNet;

/// <summary>
/// One layer's weights (a "synapse"): <see cref="Rows"/> inputs by <see cref="Columns"/> outputs,
/// so that output = input · W as in the lesson. Read-only: networks are immutable.
/// </summary>
public sealed class WeightMatrix
{
    private readonly double[] _values;

    internal WeightMatrix(int rows, int columns, double[] values)
    {
        Rows = rows;
        Columns = columns;
        _values = values;
    }

    /// <summary>The number of inputs of the layer.</summary>
    public int Rows { get; }

    /// <summary>The number of units of the layer.</summary>
    public int Columns { get; }

    /// <summary>The weight from input <paramref name="row"/> to unit <paramref name="column"/>.</summary>
    public double this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"row must be 0 to {Rows - 1}.");
            if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column), column, $"column must be 0 to {Columns - 1}.");
            return _values[row * Columns + column];
        }
    }

    /// <summary>A copy of the weights as rows, for scripts and JSON.</summary>
    public double[][] Values
    {
        get
        {
            var rows = new double[Rows][];
            for (int r = 0; r < Rows; r++)
                rows[r] = _values.AsSpan(r * Columns, Columns).ToArray();
            return rows;
        }
    }

    /// <summary>The weights row-major, without a copy.</summary>
    public ReadOnlySpan<double> AsSpan() => _values;

    /// <summary>The largest matrix <see cref="ToText"/> prints whole; larger ones print their first rows and columns.</summary>
    public const int TextLimit = 16;

    /// <summary>The matrix as labelled rows (its inputs) and columns (its units), rounded to <paramref name="digits"/>
    /// decimals; at most <see cref="TextLimit"/> of each are printed, with a note of the rest.</summary>
    public string ToText(int digits = 3)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string format = "0." + new string('0', Math.Clamp(digits, 0, 10));
        int rows = Math.Min(Rows, TextLimit), columns = Math.Min(Columns, TextLimit);
        int width = Math.Max(format.Length + 2, 6);
        var text = new System.Text.StringBuilder();
        text.Append($"{Rows}x{Columns}").Append(' ', Math.Max(1, 8 - $"{Rows}x{Columns}".Length));
        for (int j = 0; j < columns; j++) text.Append($"unit {j}".PadLeft(width));
        if (columns < Columns) text.Append($"  … {Columns - columns} more");
        text.AppendLine();
        for (int i = 0; i < rows; i++)
        {
            text.Append($"in {i}".PadRight(8));
            for (int j = 0; j < columns; j++) text.Append((this[i, j] + 0.0).ToString(format, c).PadLeft(width));
            text.AppendLine();
        }
        if (rows < Rows) text.AppendLine($"… {Rows - rows} more rows");
        return text.ToString().TrimEnd();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Rows}x{Columns}";
}
