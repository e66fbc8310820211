using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Paths resolved through PowerShell, so that relative paths follow $PWD (PowerShell #10278).</summary>
internal static class FilePaths
{
    /// <summary>The full file-system path of <paramref name="path"/>, which need not exist yet.</summary>
    /// <exception cref="ParityNetException">the path is on another provider (Env:, Variable:, ...).</exception>
    public static string Resolve(PSCmdlet cmdlet, string path)
    {
        string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (provider.Name != "FileSystem")
            throw new ParityNetException(ErrorIds.NotFileSystemPath, ParityErrorKind.InvalidArgument,
                $"'{path}' is on the {provider.Name} provider; give a file-system path such as ./model.onnx.", path);
        return full;
    }

    /// <summary>A new path without an extension gets .png (the file is a PNG); another extension, or anything already
    /// at the path (a file, a folder, a device), is kept as given, so that the file service judges it.</summary>
    public static string WithPng(string path) =>
        System.IO.Path.HasExtension(path) || SafeFile.KindOf(path) != FileKind.Missing || new FileInfo(path).LinkTarget is not null ? path : path + ".png";
}
