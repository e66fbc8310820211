using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace ParityNet.Commands;

/// <summary>
/// PowerShell loads a binary module's assemblies but not the native libraries NuGet lays out under
/// runtimes/&lt;rid&gt;/native (the app's deps.json is pwsh's, not ours). SkiaSharp and HarfBuzzSharp
/// (the chart) have no resolver of their own, so this finds their libraries in this module's folder.
/// ONNX Runtime resolves its own.
/// </summary>
public sealed class NativeLibraries : IModuleAssemblyInitializer
{
    private static int s_registered;

    /// <inheritdoc/>
    public void OnImport()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
    }

    private static IntPtr Resolve(Assembly assembly, string name)
    {
        string? name0 = assembly.GetName().Name;
        if (name0 is null || !(name0.StartsWith("SkiaSharp", StringComparison.Ordinal) || name0.StartsWith("HarfBuzzSharp", StringComparison.Ordinal)))
            return IntPtr.Zero;
        string runtimes = Path.Combine(Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location) ?? ".", "runtimes");
        string rid = RuntimeId();
        // SkiaSharp ships one universal macOS library under runtimes/osx.
        foreach (string folder in new[] { rid, rid[..rid.IndexOf('-')] })
            foreach (string file in Candidates(name))
            {
                string full = Path.Combine(runtimes, folder, "native", file);
                if (File.Exists(full) && NativeLibrary.TryLoad(full, out IntPtr handle)) return handle;
            }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows()) yield return name + ".dll";
        else if (OperatingSystem.IsMacOS()) { yield return "lib" + name + ".dylib"; yield return name + ".dylib"; }
        else { yield return "lib" + name + ".so"; yield return name + ".so"; }
    }

    /// <summary>The NuGet runtime id of this process: linux-x64, win-arm64, osx-arm64, ...</summary>
    internal static string RuntimeId()
    {
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{os}-{arch}";
    }
}
