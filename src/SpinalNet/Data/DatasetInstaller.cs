// `spinalnet data download`: fetches every file of a catalog entry into <root>/<folder> with the verified, resumable
// Downloader and unpacks archives safely. A set already in place (by hand or an earlier run) is left alone, so the
// same files placed offline work without any download.
namespace SpinalNet.Data;

/// <summary>Downloads and unpacks a catalogue entry under the data root (`spinalnet data download`).</summary>
public static class DatasetInstaller
{
    /// <summary>Downloads and unpacks <paramref name="info"/>; returns its folder. Sets without a download (Kaggle)
    /// fail with one line naming where to get them.</summary>
    public static string Install(DatasetInfo info, string root, Downloader downloader, Action<string>? log = null,
        CancellationToken cancel = default)
    {
        string folder = info.Path(root);
        if (info.IsPresent(root))
        {
            log?.Invoke($"{info.Name}: already present in {folder}");
            return folder;
        }
        if (info.Files.Count == 0)
            throw new ArgumentException(
                $"{info.Name} cannot be downloaded here; get it from {info.ManualSource} and place it in {folder}");
        bool existed = Directory.Exists(folder);
        try
        {
            foreach (var file in info.Files)
            {
                string path = downloader.Download(file, folder, cancel);
                log?.Invoke($"{file.Name}: verified ({Checksum.Kind(file.Checksum)})");
                if (file.Extract)
                {
                    ArchiveExtractor.Extract(path, folder);
                    log?.Invoke($"{file.Name}: unpacked into {folder}");
                }
            }
        }
        catch when (!existed && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            // Nothing arrived: leave no empty folder that looks like a half-installed set.
            Directory.Delete(folder);
            throw;
        }
        if (!info.IsPresent(root))
            throw new DataFormatException(folder,
                $"downloaded, but {string.Join(", ", info.Marker)} is still missing (unexpected archive layout)");
        return folder;
    }
}
