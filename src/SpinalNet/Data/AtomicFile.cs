// Every file the program writes goes to a temporary name beside its target and is renamed into place when complete, so
// a crash or a full disk never leaves a truncated checkpoint or metrics file where a good one was. A temporary file
// left by a process that was killed mid-write (its process id no longer runs) is removed on the next write of the same
// target.
using System.Diagnostics;

namespace SpinalNet.Data;

/// <summary>Writes files under a temporary name and renames them into place when complete.</summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="write"/> with a temporary path, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string name = Path.GetFileName(path);
        RemoveStale(directory, name);
        var temp = Path.Combine(directory, $".{name}.{Environment.ProcessId}.tmp");
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>The temporary files of <paramref name="name"/> whose writer is gone.</summary>
    static void RemoveStale(string directory, string name)
    {
        foreach (var stale in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
        {
            var id = Path.GetFileName(stale)[(name.Length + 2)..^4];
            if (int.TryParse(id, out int pid) && pid != Environment.ProcessId && !Running(pid))
                try { File.Delete(stale); } catch (IOException) { }
        }
    }

    static bool Running(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
