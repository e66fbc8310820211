using System.Diagnostics;

namespace ParityNet.Tests;

/// <summary>The one file service: kinds, links, special files, permission bits, the read cap.
/// Every file, FIFO and link is made in a fresh temporary folder.</summary>
public sealed class SafeFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("paritynet-safefile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static bool Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    [Fact]
    public void KindOf_TellsFilesFoldersMissingAndFifos()
    {
        File.WriteAllText(PathOf("a"), "x");
        Assert.Equal(FileKind.RegularFile, SafeFile.KindOf(PathOf("a")));
        Assert.Equal(FileKind.Directory, SafeFile.KindOf(_folder));
        Assert.Equal(FileKind.Missing, SafeFile.KindOf(PathOf("none")));
        if (OperatingSystem.IsWindows()) return;
        Assert.True(Run("mkfifo", PathOf("fifo")));
        Assert.Equal(FileKind.Fifo, SafeFile.KindOf(PathOf("fifo")));
        File.CreateSymbolicLink(PathOf("link"), PathOf("fifo"));
        Assert.Equal(FileKind.Fifo, SafeFile.KindOf(PathOf("link")));
    }

    [Fact]
    public void ReadAllBytes_StopsAtTheCap_AndReadsWhatFits()
    {
        File.WriteAllBytes(PathOf("ten"), new byte[10]);
        Assert.Equal(10, SafeFile.ReadAllBytes(PathOf("ten"), 10, "x").Length);
        var ex = Assert.Throws<ParityNetException>(() => SafeFile.ReadAllBytes(PathOf("ten"), 9, "x"));
        Assert.Equal(ErrorIds.FileTooLarge, ex.ErrorId);
        Assert.Empty(SafeFile.ReadAllBytes(Touch("empty"), 9, "x"));
    }

    [Fact]
    public async Task ReadAllBytes_RefusesAFifoWithoutOpeningIt()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.True(Run("mkfifo", PathOf("fifo")));
        // Opening a FIFO for reading blocks until a writer comes; the refusal must come first.
        var read = Task.Run(() => SafeFile.ReadAllBytes(PathOf("fifo"), 100, "a model"));
        var first = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(first == read, "reading the FIFO blocked");
        var ex = await Assert.ThrowsAsync<ParityNetException>(() => read);
        Assert.Equal(ErrorIds.NotARegularFile, ex.ErrorId);
        Assert.Contains("named pipe", ex.Message);
    }

    [Fact]
    public void Write_ThroughALink_ReplacesTheTarget_AndKeepsTheLinkAndTheMode()
    {
        string real = PathOf("real"), link = PathOf("link");
        File.WriteAllText(real, "old");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.CreateSymbolicLink(link, "real");
        string written = SafeFile.Write(link, overwrite: true, "x.bin", temp => File.WriteAllText(temp, "new"));
        Assert.Equal(real, written);
        Assert.Equal("new", File.ReadAllText(real));
        Assert.Equal("real", new FileInfo(link).LinkTarget);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(real));
        Assert.Equal(new[] { "link", "real" }, Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Write_ThatThrows_LeavesTheTargetAndNoTemporaryFile()
    {
        File.WriteAllText(PathOf("kept"), "precious");
        Assert.Throws<InvalidOperationException>(() => SafeFile.Write(PathOf("kept"), overwrite: true, "x.bin", temp =>
        {
            File.WriteAllText(temp, "half");
            throw new InvalidOperationException("the check failed");
        }));
        Assert.Equal("precious", File.ReadAllText(PathOf("kept")));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void CheckWritable_NamesEachRefusal()
    {
        File.WriteAllText(PathOf("exists"), "x");
        Assert.Equal(ErrorIds.FileExists, Assert.Throws<ParityNetException>(() => SafeFile.CheckWritable(PathOf("exists"), false, "m.onnx")).ErrorId);
        Assert.Equal(ErrorIds.NotARegularFile, Assert.Throws<ParityNetException>(() => SafeFile.CheckWritable(_folder, true, "m.onnx")).ErrorId);
        Assert.Equal(ErrorIds.FileNotFound, Assert.Throws<ParityNetException>(() => SafeFile.CheckWritable(PathOf("no/such/m.onnx"), true, "m.onnx")).ErrorId);
        if (OperatingSystem.IsWindows()) return;
        Assert.True(Run("mkfifo", PathOf("fifo")));
        Assert.Equal(ErrorIds.NotARegularFile, Assert.Throws<ParityNetException>(() => SafeFile.CheckWritable(PathOf("fifo"), true, "m.onnx")).ErrorId);
        File.CreateSymbolicLink(PathOf("loop1"), PathOf("loop2"));
        File.CreateSymbolicLink(PathOf("loop2"), PathOf("loop1"));
        Assert.Equal(ErrorIds.WriteFailed, Assert.Throws<ParityNetException>(() => SafeFile.CheckWritable(PathOf("loop1"), true, "m.onnx")).ErrorId);
    }

    private string Touch(string name)
    {
        File.WriteAllBytes(PathOf(name), Array.Empty<byte>());
        return PathOf(name);
    }
}
