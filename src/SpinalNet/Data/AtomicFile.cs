// Every file the program writes goes to a temporary name beside its target and is renamed into place when complete, so
// a crash or a full disk never leaves a truncated checkpoint or metrics file where a good one was. A temporary file
// left by a process that was killed mid-write (its process id no longer runs) is removed on the next write of the same
// target, and a run removes those of its whole folder as it starts (docs/architecture.md §14.7).
using System.Diagnostics;

namespace SpinalNet.Data;

/// <summary>Writes files under a temporary name and renames them into place when complete.</summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="write"/> with a temporary path, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var directory = CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
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

    /// <summary>Creates <paramref name="path"/> and the folders above it, failing in one line that names the file in
    /// the way when the path or a folder above it is a regular file; returns the path.</summary>
    public static string CreateFolder(string path)
    {
        for (var above = Path.GetFullPath(path); above is not null; above = Path.GetDirectoryName(above))
            if (File.Exists(above))
                throw new IOException(above == Path.GetFullPath(path)
                    ? $"{path}: a file, not a folder; name a folder to write into"
                    : $"{path}: cannot create the folder, {(Path.IsPathRooted(path) ? above
                        : Path.GetRelativePath(Directory.GetCurrentDirectory(), above))} is a file");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void WriteText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>Removes the temporary files in <paramref name="directory"/> (of the target <paramref name="name"/>, or of
    /// any) whose writer is gone, and returns their names.</summary>
    public static IReadOnlyList<string> RemoveStale(string directory, string name = "*")
    {
        var removed = new List<string>();
        if (!Directory.Exists(directory)) return removed;
        foreach (var stale in Directory.EnumerateFiles(directory, $".{name}.*.tmp").Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(stale);
            var id = file[..^4][(file[..^4].LastIndexOf('.') + 1)..];
            if (!int.TryParse(id, out int pid) || pid == Environment.ProcessId || Running(pid)) continue;
            try
            {
                File.Delete(stale);
                removed.Add(file);
            }
            catch (IOException) { }
        }
        return removed;
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
