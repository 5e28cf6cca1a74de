// Verified, resumable downloads of the data files in the catalog (docs/data.md §6; torchvision's download_url with its
// MNIST mirror list): each URL is tried in turn (official host first, then mirrors); a transfer that breaks off resumes
// from the bytes already received with an HTTP Range request; the file grows under a temporary name and is renamed into
// place only after its MD5 or SHA-256 matches the published one (or, as torchvision publishes its weights, the first hex
// digits of the SHA-256; docs/pretrained.md §12.2). A mismatch deletes the temporary file.
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace SpinalNet.Data;

/// <summary>Bytes received so far of one file; Total is null when the server does not say.</summary>
public sealed record DownloadProgress(string File, long Received, long? Total)
{
    /// <summary>A progress report that writes one line per file at every tenth of its size (for logs and pipes).</summary>
    public static Action<DownloadProgress> EveryTenth(Action<string> print)
    {
        var reported = new Dictionary<string, int>();
        return p =>
        {
            if (p.Total is not long total || total == 0) return;
            int tenth = (int)(10 * p.Received / total);
            if (reported.GetValueOrDefault(p.File, -1) == tenth) return;
            reported[p.File] = tenth;
            print($"{p.File}: {10 * tenth}% of {total:N0} bytes");
        };
    }
}

/// <summary>A download that failed from every source; the message names the file.</summary>
public sealed class DownloadException(string message) : IOException(message);

/// <summary>Verified, resumable downloads with mirror fallback, through a temporary name.</summary>
/// <param name="retryDelay">The wait before the second attempt at a URL, doubled before each further one (default
/// 1 s): a host that is briefly down or overloaded gets time to recover.</param>
public sealed class Downloader(HttpClient client, int attemptsPerUrl = 4, Action<DownloadProgress>? progress = null,
    Action<string>? log = null, TimeSpan? retryDelay = null)
{
    /// <summary>An HTTP client for downloads: no overall time-out (large files), and a user agent, since some hosts
    /// refuse anonymous clients.</summary>
    public static HttpClient NewClient()
    {
        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("spinalnet-data/1.0");
        return client;
    }

    /// <summary>The path of <paramref name="file"/> in <paramref name="folder"/>, downloaded and verified unless a
    /// verified copy is already there.</summary>
    public string Download(RemoteFile file, string folder, CancellationToken cancel = default)
    {
        AtomicFile.CreateFolder(folder);
        string target = Path.Combine(folder, file.Name);
        if (File.Exists(target))
        {
            if (Checksum.Matches(target, file.Checksum)) return target;
            log?.Invoke($"{target}: checksum does not match the published one, downloading again");
        }
        string partial = PartialPath(target);
        var errors = new List<string>();
        foreach (var url in file.Urls)
        {
            if (TryUrl(url, file, partial, errors, cancel))
            {
                string actual = Checksum.Compute(partial, file.Checksum);
                if (Checksum.Agrees(actual, file.Checksum))
                {
                    File.Move(partial, target, overwrite: true);
                    return target;
                }
                File.Delete(partial);
                errors.Add($"{url}: checksum mismatch: {Checksum.Kind(file.Checksum)} {actual}, expected {file.Checksum} " +
                           "(download deleted)");
            }
        }
        throw new DownloadException($"{file.Name}: download failed: {string.Join("; ", errors)}");
    }

    public static string PartialPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.part");

    /// <summary>Fetches <paramref name="url"/> into <paramref name="partial"/>, resuming after broken transfers;
    /// false (with the reason in <paramref name="errors"/>) when this URL cannot deliver the file.</summary>
    bool TryUrl(string url, RemoteFile file, string partial, List<string> errors, CancellationToken cancel)
    {
        var delay = retryDelay ?? TimeSpan.FromSeconds(1);
        string? error = null;
        for (int attempt = 1; attempt <= attemptsPerUrl; attempt++)
        {
            cancel.ThrowIfCancellationRequested();
            if (attempt > 1)
            {
                log?.Invoke($"{url}: {error}; resuming in {delay.TotalSeconds:0.#} s (attempt {attempt} of {attemptsPerUrl})");
                cancel.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
            long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
            try
            {
                using var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead, cancel);
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
                    return true; // the partial file already holds everything: let the checksum decide
                if (!response.IsSuccessStatusCode)
                {
                    error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                    if ((int)response.StatusCode >= 500) continue;
                    break;
                }
                bool resumed = response.StatusCode == HttpStatusCode.PartialContent && have > 0;
                if (have > 0 && !resumed) log?.Invoke($"{url}: server ignored the range request, starting over");
                long start = resumed ? have : 0;
                long? total = response.Content.Headers.ContentLength is long length ? start + length : null;
                using (var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write))
                using (var input = response.Content.ReadAsStream(cancel))
                {
                    var buffer = new byte[1 << 16];
                    long received = start;
                    int n;
                    while ((n = input.Read(buffer)) > 0)
                    {
                        output.Write(buffer, 0, n);
                        received += n;
                        progress?.Invoke(new DownloadProgress(file.Name, received, total));
                    }
                    if (total is long t && received < t)
                        throw new IOException($"connection closed after {received} of {t} bytes");
                }
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancel.IsCancellationRequested)
            {
                error = e.Message.ReplaceLineEndings(" ");
            }
        }
        // One reason per URL: the last attempt's.
        errors.Add($"{url}: {error}");
        return false;
    }
}

/// <summary>MD5 (32 hex digits) or SHA-256 (64 hex digits, or fewer than 32: its first digits) of a file.</summary>
public static class Checksum
{
    public static string Kind(string expected) => expected.Length switch
    {
        32 => "MD5",
        64 => "SHA-256",
        _ => "SHA-256 prefix",
    };

    /// <summary>The file's whole hash, of the kind <paramref name="expected"/> is.</summary>
    public static string Compute(string path, string expected)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var hash = expected.Length == 32 ? MD5.HashData(stream) : SHA256.HashData(stream);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether a computed hash is the expected one (or starts with the expected prefix).</summary>
    public static bool Agrees(string actual, string expected) =>
        expected.Length > 0 && actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase);

    public static bool Matches(string path, string expected) => Agrees(Compute(path, expected), expected);
}
