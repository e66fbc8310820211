/// <summary>Which code and which machine a run measured, printed at its top so that every published figure names them.</summary>
internal static class BenchMachine
{
    public static string Commit(string root)
    {
        string Git(string args)
        {
            try
            {
                var info = new System.Diagnostics.ProcessStartInfo("git", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
                using var p = System.Diagnostics.Process.Start(info)!;
                string output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return p.ExitCode == 0 ? output : "";
            }
            catch (System.ComponentModel.Win32Exception) { return ""; }
        }
        string hash = Git("rev-parse --short=12 HEAD");
        if (hash.Length == 0) return "unknown (no git)";
        return Git("status --porcelain --untracked-files=no").Length > 0 ? hash + " with uncommitted changes" : hash;
    }

    public static string Cpu()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString();
    }
}
