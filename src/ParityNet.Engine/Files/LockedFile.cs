using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ParityNet;

/// <summary>
/// A file with one owner at a time: opened for reading and appending under an exclusive OS lock that holds across
/// processes for as long as it is open, and that other readers (Get-Content, Measure-ParitySweep) are not kept out
/// by. The lock dies with its process, so a crashed owner never leaves the file locked.
/// <list type="bullet">
/// <item>Linux: an open-file-description lock (fcntl F_OFD_SETLK). Not .NET's FileShare.None, which is flock
/// LOCK_EX and locks out every .NET reader (they take LOCK_SH); not FileStream.Lock, which is a classic POSIX lock
/// (F_SETLK, seen with strace), per process: a second owner in the same process is not refused, and closing any
/// other handle to the file in that process drops the lock. DOTNET_SYSTEM_IO_DISABLEFILELOCKING does not touch it.</item>
/// <item>Windows: the share mode. Opened for writing with FileShare.Read, a second writer is refused by the system
/// itself while readers that share writing still read.</item>
/// <item>Other Unix (macOS, where FileStream.Lock is not supported) and Linux kernels before 3.15: FileShare.None, an
/// exclusive flock, which holds across processes but also keeps other programs from reading the file meanwhile.</item>
/// </list>
/// Appends write at the file's length as the system reports it at each write, not at an offset of their own:
/// .NET's FileMode.Append opens without O_APPEND (strace: O_WRONLY|O_CREAT, then pwrite64 at its own offset), so
/// append semantics come from the lock (only the owner writes) and from writing where the file ends now.
/// </summary>
internal sealed class LockedFile : IDisposable
{
    private readonly FileStream _stream;

    private LockedFile(FileStream stream) => _stream = stream;

    /// <summary>Opens (creating) <paramref name="path"/> and takes its lock; null when another owner holds it.</summary>
    /// <exception cref="IOException">the file could not be opened or locked for another reason.</exception>
    /// <exception cref="UnauthorizedAccessException">no permission to write it.</exception>
    public static LockedFile? TryOpen(string path)
    {
        var stream = TryOpenLocked(path, descriptionLock: OperatingSystem.IsLinux() && IntPtr.Size == 8);
        return stream is null ? null : new LockedFile(stream);
    }

    private static FileStream? TryOpenLocked(string path, bool descriptionLock)
    {
        var share = descriptionLock || OperatingSystem.IsWindows() ? FileShare.Read : FileShare.None;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share, bufferSize: 0);
        }
        catch (IOException ex) when (IsSharingViolation(ex))
        {
            return null;
        }
        if (!descriptionLock) return stream;
        try
        {
            var request = new FileLockRequest { Type = WriteLock, Whence = 0, Start = 0, Length = 0 }; // 0: to the end, however far it grows
            if (Fcntl(stream.SafeFileHandle, OpenFileDescriptionSetLock, ref request) == 0) return stream;
            int errno = Marshal.GetLastPInvokeError();
            stream.Dispose();
            if (errno is 11 or 13) return null; // EAGAIN, EACCES: another owner holds it
            if (errno == 22) return TryOpenLocked(path, descriptionLock: false); // EINVAL: a kernel before 3.15, so flock
            throw new IOException($"The system refused to lock '{path}' (errno {errno}).", errno);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The file's length now.</summary>
    public long Length => RandomAccess.GetLength(_stream.SafeFileHandle);

    /// <summary>The file from its start, to read what it holds; the caller does not dispose it.</summary>
    public Stream ReadFromStart()
    {
        _stream.Position = 0;
        return _stream;
    }

    /// <summary>Cuts the file to <paramref name="length"/> bytes and flushes that to disk.</summary>
    public void Truncate(long length)
    {
        _stream.SetLength(length);
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Writes <paramref name="bytes"/> where the file ends now and flushes them to disk before returning.</summary>
    /// <exception cref="IOException">the write failed (a full disk); the file is cut back to where it ended, so that
    /// no fragment is left for the next append to follow.</exception>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        var handle = _stream.SafeFileHandle;
        long end = RandomAccess.GetLength(handle);
        try
        {
            RandomAccess.Write(handle, bytes, end);
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            try { _stream.SetLength(end); } catch (IOException) { } // best effort: the disk may refuse this too
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private static bool IsSharingViolation(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 32 or 33 : ex.HResult is 11 or 35; // EWOULDBLOCK: Linux 11, macOS 35

    private const int OpenFileDescriptionSetLock = 37; // F_OFD_SETLK, the same on every Linux architecture
    private const short WriteLock = 1; // F_WRLCK

    /// <summary>Linux's struct flock on 64-bit systems: l_type, l_whence, l_start, l_len, l_pid (32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileLockRequest
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(SafeFileHandle descriptor, int command, ref FileLockRequest request);
}
