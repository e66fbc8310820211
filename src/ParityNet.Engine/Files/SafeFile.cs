using System.Runtime.InteropServices;

namespace ParityNet;

/// <summary>What a path is on disk, after following symbolic links.</summary>
public enum FileKind
{
    /// <summary>Nothing is there (or a link points nowhere).</summary>
    Missing,
    /// <summary>A regular file.</summary>
    RegularFile,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A character device such as /dev/null or /dev/zero.</summary>
    CharacterDevice,
    /// <summary>A block device such as a disk.</summary>
    BlockDevice,
    /// <summary>A named pipe (FIFO).</summary>
    Fifo,
    /// <summary>A Unix domain socket.</summary>
    Socket,
    /// <summary>Anything else the system reports.</summary>
    Other,
}

/// <summary>
/// The one place ParityNet reads and writes files. Writes go to a temporary file in the final target's
/// folder and are moved into place only when complete, so a failure never leaves half a file. A
/// symbolic link (or a chain of them) is followed: the file it points to is replaced and the link stays
/// a link. A path that is not a regular file (a device, a FIFO, a socket) is never written through or
/// replaced, and never read. An existing file keeps its permission bits. Reads stop at a cap, whatever
/// size the file claims.
/// </summary>
public static class SafeFile
{
    /// <summary>What <paramref name="path"/> is, following symbolic links.</summary>
    public static FileKind KindOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                // The runtime's own stat shim: its FileStatus starts (Flags, Mode) on every Unix, and
                // Mode's type bits use the portable S_IF* values below. 256 bytes hold the whole struct.
                var status = new byte[256];
                if (SystemNativeStat(path, status) != 0) return FileKind.Missing;
                return (BitConverter.ToInt32(status, 4) & 0xF000) switch
                {
                    0x8000 => FileKind.RegularFile,
                    0x4000 => FileKind.Directory,
                    0x2000 => FileKind.CharacterDevice,
                    0x6000 => FileKind.BlockDevice,
                    0x1000 => FileKind.Fifo,
                    0xC000 => FileKind.Socket,
                    _ => FileKind.Other,
                };
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Fall through to what .NET itself can tell.
            }
        }
        var info = new FileInfo(path);
        if (Directory.Exists(path)) return FileKind.Directory;
        if (!info.Exists) return FileKind.Missing;
        return info.Attributes.HasFlag(FileAttributes.Device) ? FileKind.CharacterDevice : FileKind.RegularFile;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);

    /// <summary>The path a write to <paramref name="path"/> lands on: the path itself, or the final target of a
    /// chain of symbolic links (which may not exist yet).</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.WriteFailed"/> when the links loop.</exception>
    public static string FinalTarget(string path)
    {
        path = Path.GetFullPath(path);
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return path;
        try
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? path : Path.GetFullPath(target.FullName);
        }
        catch (IOException ex)
        {
            throw new ParityNetException(ErrorIds.WriteFailed, ParityErrorKind.InvalidOperation,
                $"'{path}' is a symbolic link that cannot be followed ({ex.Message}). Point it at a file, or give another path.", path, ex);
        }
    }

    /// <summary>Checks that <paramref name="path"/> can be written: its folder exists, and it is missing, or a
    /// regular file (through any links) that <paramref name="overwrite"/> allows replacing. Returns the file a
    /// write will replace (the link's final target for a link).</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.FileNotFound"/>, <see cref="ErrorIds.NotARegularFile"/>
    /// or <see cref="ErrorIds.FileExists"/>.</exception>
    public static string CheckWritable(string path, bool overwrite, string example)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        string target = FinalTarget(path);
        string shown = target == path ? $"'{path}'" : $"'{path}' (a link to '{target}')";
        switch (KindOf(target))
        {
            case FileKind.Missing:
                string folder = Path.GetDirectoryName(target) ?? throw NotFound(target);
                if (KindOf(folder) != FileKind.Directory) throw NotFound(folder);
                break;
            case FileKind.RegularFile:
                if (!overwrite)
                    throw new ParityNetException(ErrorIds.FileExists, ParityErrorKind.InvalidOperation,
                        $"{shown} already exists. Allow overwriting it (⟦Overwrite⟧), or choose another ⟦Path⟧.", path);
                break;
            case FileKind.Directory:
                throw new ParityNetException(ErrorIds.NotARegularFile, ParityErrorKind.InvalidArgument,
                    $"{shown} is a folder; give a file name such as {example}.", path);
            case var kind:
                throw NotRegular(shown, kind, path, $"Give the path of a regular file such as {example}; ParityNet never writes through or replaces a {Describe(kind)}.");
        }
        return target;
    }

    /// <summary>The most bytes a file name may have (Linux, macOS and Windows file systems: 255).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>A hidden, unique temporary name beside <paramref name="fileName"/>, ".name.guid.tmp", that fits
    /// <see cref="MaxNameBytes"/> UTF-8 bytes: a long name is shortened (never inside a character) before the
    /// suffix, so that any name the file system takes can be written.</summary>
    internal static string TemporaryName(string fileName)
    {
        string suffix = $".{Guid.NewGuid():N}.tmp";
        int room = MaxNameBytes - 1 - suffix.Length;
        string stem = fileName;
        if (System.Text.Encoding.UTF8.GetByteCount(stem) > room)
        {
            int end = stem.Length;
            while (end > 0 && System.Text.Encoding.UTF8.GetByteCount(stem.AsSpan(0, end)) > room) end--;
            if (end > 0 && char.IsHighSurrogate(stem[end - 1])) end--;
            stem = stem[..end];
        }
        return "." + stem + suffix;
    }

    /// <summary>Writes a file through <paramref name="write"/>, which fills the temporary file whose path it is
    /// given and may verify it; then the temporary file replaces the target in one move. Nothing is left behind
    /// when <paramref name="write"/> throws. Returns the target written (a link's final target for a link).</summary>
    /// <exception cref="ParityNetException">as <see cref="CheckWritable"/>, or <see cref="ErrorIds.WriteFailed"/>.</exception>
    public static string Write(string path, bool overwrite, string example, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string target = CheckWritable(path, overwrite, example);
        string folder = Path.GetDirectoryName(target)!;
        string temp = Path.Combine(folder, TemporaryName(Path.GetFileName(target)));
        try
        {
            write(temp);
            // Checked again right before the move: the target may have changed meanwhile.
            string again = CheckWritable(path, overwrite, example);
            if (again != target)
                throw new ParityNetException(ErrorIds.WriteFailed, ParityErrorKind.InvalidOperation,
                    $"'{path}' changed while it was being written (it now leads to '{again}'); nothing was written. Try again.", path);
            if (!OperatingSystem.IsWindows() && KindOf(target) == FileKind.RegularFile)
                File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            try
            {
                File.Move(temp, target, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(target))
            {
                throw new ParityNetException(ErrorIds.FileExists, ParityErrorKind.InvalidOperation,
                    $"'{target}' already exists. Allow overwriting it (⟦Overwrite⟧), or choose another ⟦Path⟧.", path);
            }
            return target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(ErrorIds.WriteFailed, ParityErrorKind.InvalidOperation,
                $"Could not write '{path}': {ex.Message}", path, ex);
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The bytes of the regular file at <paramref name="path"/> (links followed), reading at most
    /// <paramref name="maxBytes"/>: a file that turns out longer, whatever its size claimed, is refused.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.FileNotFound"/>, <see cref="ErrorIds.NotARegularFile"/>,
    /// <see cref="ErrorIds.FileTooLarge"/> or <see cref="ErrorIds.ReadFailed"/>.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var kind = KindOf(path);
        if (kind == FileKind.Missing) throw NotFound(path);
        if (kind != FileKind.RegularFile)
            throw NotRegular($"'{path}'", kind, path, $"Give the path of {what}.");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long claimed = stream.Length;
            if (claimed > maxBytes) throw TooLarge(path, maxBytes);
            var buffer = new MemoryStream((int)Math.Max(claimed, 0));
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > maxBytes) throw TooLarge(path, maxBytes);
                buffer.Write(chunk, 0, read);
            }
            return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(ErrorIds.ReadFailed, ParityErrorKind.InvalidOperation,
                $"Could not read '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>The regular file at <paramref name="path"/> (links followed), open for reading, sharing reading and
    /// writing so that a file another program is appending to can be read; the caller caps what it reads.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.FileNotFound"/>, <see cref="ErrorIds.NotARegularFile"/>
    /// or <see cref="ErrorIds.ReadFailed"/>.</exception>
    public static FileStream OpenRead(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var kind = KindOf(path);
        if (kind == FileKind.Missing) throw NotFound(path);
        if (kind != FileKind.RegularFile)
            throw NotRegular($"'{path}'", kind, path, $"Give the path of {what}.");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(ErrorIds.ReadFailed, ParityErrorKind.InvalidOperation, $"Could not read '{path}': {ex.Message}", path, ex);
        }
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Fifo => "named pipe (FIFO)",
        FileKind.Socket => "socket",
        FileKind.Directory => "folder",
        _ => "special file",
    };

    private static ParityNetException NotRegular(string shown, FileKind kind, string path, string fix) =>
        new(ErrorIds.NotARegularFile, ParityErrorKind.InvalidArgument, $"{shown} is a {Describe(kind)}, not a regular file. {fix}", path);

    private static ParityNetException NotFound(string path) =>
        new(ErrorIds.FileNotFound, ParityErrorKind.NotFound, $"'{path}' does not exist.", path);

    private static ParityNetException TooLarge(string path, long maxBytes) =>
        new(ErrorIds.FileTooLarge, ParityErrorKind.LimitsExceeded,
            $"'{path}' holds more than {maxBytes >> 20} MiB, more than any ParityNet network takes; it was not read.", path);
}
