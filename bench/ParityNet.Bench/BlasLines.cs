using System.Text.Json;

/// <summary>
/// Which BLAS each python reference ran on (issue 22), as its script reports it (bench/blas_info.py: the OpenBLAS
/// library it loaded, the kernel it chose, its build and thread count; PyTorch's build settings), one line per
/// reference and setting, printed under the table the runs belong to.
/// </summary>
internal sealed class BlasLines
{
    private readonly List<string> _lines = new();

    /// <summary>Keeps the line of one run's JSON result, unless an earlier run gave the same line.</summary>
    public void Add(string reference, Allocator allocator, JsonElement result)
    {
        string blas = result.TryGetProperty("blas", out var b) && b.ValueKind == JsonValueKind.Object
            ? $"OpenBLAS core {b.GetProperty("core").GetString()}, OpenBLAS threads {b.GetProperty("threads").GetInt32()} ({b.GetProperty("config").GetString()}; {b.GetProperty("library").GetString()})"
            : "no OpenBLAS loaded";
        string build = result.TryGetProperty("build", out var built) ? $" ({built.GetString()})" : "";
        string line = $"BLAS: {reference}{build}, {PythonProcess.Describe(allocator)}: {blas}";
        if (!_lines.Contains(line)) _lines.Add(line);
    }

    public void Print()
    {
        foreach (string line in _lines) Console.WriteLine(line);
        _lines.Clear();
    }
}
