// Safe unpacking of downloaded archives (.tar.gz/.tgz/.tar and .zip): every entry must land inside the
// target folder (no absolute paths, no "..", no links of any kind), else nothing is unpacked. Entries go to a
// temporary folder inside the target first and are moved into place only when the whole archive was read.
using System.Formats.Tar;
using System.IO.Compression;

namespace SpinalNet.Data;

/// <summary>Unpacks .tar.gz, .tar and .zip archives safely: every entry inside the target folder, else
/// nothing.</summary>
public static class ArchiveExtractor
{
    public static bool IsArchive(string path) =>
        path.EndsWith(".tar.gz") || path.EndsWith(".tgz") || path.EndsWith(".tar") || path.EndsWith(".zip");

    public static void Extract(string archive, string target)
    {
        AtomicFile.CreateFolder(target);
        string root = Path.GetFullPath(target);
        string staging = Path.Combine(root, $".extract-{Path.GetFileName(archive)}-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            if (archive.EndsWith(".zip")) ExtractZip(archive, staging);
            else ExtractTar(archive, staging);
            foreach (var entry in Directory.EnumerateFileSystemEntries(staging))
            {
                string destination = Path.Combine(root, Path.GetFileName(entry));
                if (Directory.Exists(entry)) MergeDirectory(entry, destination);
                else File.Move(entry, destination, overwrite: true);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(archive, $"corrupt archive ({e.Message.ReplaceLineEndings(" ")})");
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    static void MergeDirectory(string source, string destination)
    {
        if (!Directory.Exists(destination))
        {
            Directory.Move(source, destination);
            return;
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(source))
        {
            string to = Path.Combine(destination, Path.GetFileName(entry));
            if (Directory.Exists(entry)) MergeDirectory(entry, to);
            else File.Move(entry, to, overwrite: true);
        }
    }

    /// <summary>The full path of <paramref name="name"/> under <paramref name="root"/>; fails if it would escape.</summary>
    static string Inside(string archive, string root, string name)
    {
        string full = Path.GetFullPath(Path.Combine(root, name));
        if (Path.IsPathRooted(name) || name.Split('/', '\\').Contains("..") ||
            !(full + Path.DirectorySeparatorChar).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new DataFormatException(archive, $"entry '{name}' would be written outside the target folder; refused");
        return full;
    }

    static void ExtractZip(string archive, string root)
    {
        using var zip = ZipFile.OpenRead(archive);
        foreach (var entry in zip.Entries)
        {
            const int typeMask = 0xF000, symlink = 0xA000;
            if (((entry.ExternalAttributes >> 16) & typeMask) == symlink)
                throw new DataFormatException(archive, $"entry '{entry.FullName}' is a link; links are refused");
            string path = Inside(archive, root, entry.FullName);
            if (entry.FullName.EndsWith('/')) Directory.CreateDirectory(path);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                entry.ExtractToFile(path, overwrite: true);
            }
        }
    }

    static void ExtractTar(string archive, string root)
    {
        using var file = File.OpenRead(archive);
        using var stream = archive.EndsWith(".tar") ? (Stream)file : new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(Inside(archive, root, entry.Name));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    string path = Inside(archive, root, entry.Name);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    using (var output = File.Create(path)) entry.DataStream?.CopyTo(output);
                    break;
                case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                    break;
                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                    throw new DataFormatException(archive, $"entry '{entry.Name}' is a link; links are refused");
                default:
                    throw new DataFormatException(archive, $"entry '{entry.Name}' is a {entry.EntryType}; refused");
            }
        }
    }
}
