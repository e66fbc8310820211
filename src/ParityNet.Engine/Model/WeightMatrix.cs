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

    /// <inheritdoc/>
    public override string ToString() => $"{Rows}x{Columns}";
}
