/// <summary>
/// The arithmetic the engine does, counted as it does it (src/ParityNet.Engine/Layers and Kernels), for the floors
/// the Bench prints (issue 22): floor = operations / <see cref="MachinePeak"/>. An add, a multiply, a compare or a
/// select counts as one operation. Loads and stores are not counted, nor the output unit's sigmoid, loss and p − y
/// (a few operations, an exp and a log a row: about 1% of the recipe's row, less for the wide one), nor the
/// sampling of wide inputs: the floors are lower bounds.
/// </summary>
internal static class OperationCount
{
    /// <summary>Adam's update of one parameter: the first moment (2 multiplies, an add, the flush's compare), the second
    /// (3 multiplies, an add, a compare), the step (2 divides, a square root, an add, a divide, a multiply, a subtract).</summary>
    public const int AdamPerParameter = 16;

    /// <summary>Sgd's update of one parameter, p + (−α)·g (a multiply and an add), and its finiteness check (r − r summed: two).</summary>
    public const int SgdPerParameter = 4;

    /// <summary>One row of the parity recipe's full-batch pass over consecutive integers, with m hidden ReLU units and
    /// one output: forward m adds (the slot walk: the row is its parent's sums plus one weight row), m bias adds, m ReLU,
    /// 2m for the output's dot; backward 2m for the delta sent back ((d·w)·relu′), 2m for the output weights'
    /// gradient, 2m for the first layer's weight and bias gradient by the pairwise fold (BitWalk.GradientBlock:
    /// m adds a row at the first level, halving at each next one). 11m in all.</summary>
    public static double RecipeRow(int hidden) => 11.0 * hidden;

    /// <summary>One epoch of the recipe at <paramref name="bits"/>: one forward and backward pass over every integer
    /// (the pass that measures the epoch also gives the step) and Adam's update of every parameter.</summary>
    public static double RecipeEpoch(int bits, int hidden) =>
        (1L << bits) * RecipeRow(hidden) + AdamPerParameter * Parameters(bits, hidden);

    public const string RecipeFormula =
        "per row, m = 128 hidden units: forward m (slot walk) + m (bias) + m (ReLU) + 2m (output dot), backward 2m (delta sent back, (d·w)·relu′) + 2m (output weights' gradient) + 2m (first layer's gradient by the pairwise fold) = 11m = 1408; an epoch: 2^N rows × 1408 + 16 × parameters (Adam)";

    /// <summary>One training row of wide inputs with <paramref name="setBits"/> bits set: forward s·m adds (the sum of
    /// the weight rows of its set bits), m bias adds, m ReLU, 2m for the output's dot; backward 2m for the delta sent
    /// back, 2m for the output weights' gradient, s·m adds for the first layer's gradient (each set bit's row),
    /// m for its bias. (2s + 9)·m.</summary>
    public static double WideTrainingRow(double setBits, int hidden) => (2 * setBits + 9) * hidden;

    /// <summary>One measured row of wide inputs: the forward part, (s + 4)·m.</summary>
    public static double WideMeasuredRow(double setBits, int hidden) => (setBits + 4) * hidden;

    /// <summary>One Sgd step of <paramref name="batch"/> rows, with its share of the epoch's held-out loss
    /// (<paramref name="measuredRowsPerStep"/> rows, forward only, by sums in groups, tables included), and the update of every
    /// parameter.</summary>
    public static double SmallBatchStep(int bits, int hidden, int batch, double setBits, double measuredRowsPerStep) =>
        batch * WideTrainingRow(setBits, hidden)
        + measuredRowsPerStep * (GroupedMeasuredRow(bits, hidden) + GroupedTables(bits, hidden, 1024) / 1024)
        + SgdPerParameter * Parameters(bits, hidden);

    public const string SmallBatchFormula =
        "per training row, m = 1000 hidden units and s bits set: forward s·m (sums of the set bits' weight rows) + m (bias) + m (ReLU) + 2m (output dot), backward 2m (delta sent back) + 2m (output weights' gradient) + s·m (first layer's gradient) + m (its bias) = (2s + 9)·m; per held-out row by sums in groups (⌈n/6⌉ + 2)·m, and 63·⌈n/6⌉·m for the tables of every 1024 rows; a step: 32 training rows + 32 held-out rows (32 000 an epoch over 1000 steps) + 4 × 51 001 parameters (Sgd's multiply-add and finiteness check)";

    /// <summary>One measured row by sums in groups (GroupedSumsLayer): per unit, one table entry for each of the ⌈bits/6⌉ groups
    /// (the first holds the bias), so ⌈bits/6⌉ − 1 adds, then ReLU and the output's multiply and add: (⌈bits/6⌉ + 2)·m.</summary>
    public static double GroupedMeasuredRow(int bits, int hidden) => ((bits + 5) / 6 + 2.0) * hidden;

    /// <summary>The tables of a measuring pass of <paramref name="rows"/> rows by sums in groups: for each call of up to 1024 rows
    /// (eight tiles), each group's 63 sums of its weight rows that are not the first, one add each, for every unit.</summary>
    public static double GroupedTables(int bits, int hidden, int rows) => Math.Ceiling(rows / 1024.0) * ((bits + 5) / 6) * 63.0 * hidden;

    public const string GroupedFormula = "(⌈n/6⌉ + 2)·m a row (⌈n/6⌉ − 1 adds of table entries, ReLU, the output's multiply and add), plus 63·⌈n/6⌉·m adds of tables for every 1024 rows";

    /// <summary>Weights and biases of a bits-hidden-1 network with biases.</summary>
    public static long Parameters(int bits, int hidden) => (long)bits * hidden + hidden + hidden + 1;
}
