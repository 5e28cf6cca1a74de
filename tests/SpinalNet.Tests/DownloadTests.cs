// Downloads against an HTTP server on 127.0.0.1 that the test starts itself (never any other address): success,
// checksum mismatch (error, nothing left behind), a transfer cut off mid-way (resumed with a Range request), 404
// (clear error), mirror fallback; and archive unpacking that refuses escaping entries and links.
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using SpinalNet.Data;

namespace SpinalNet.Tests;

/// <summary>A minimal HTTP/1.1 file server on a free loopback port: GET with optional Range, 404 for unknown paths,
/// and an optional cut: the first response for a path sends only part of its body, then drops the connection.</summary>
sealed class LoopbackServer : IDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly Task loop;

    public Dictionary<string, byte[]> Files { get; } = new();
    public Dictionary<string, int> CutAfter { get; } = new();
    public List<string> Requests { get; } = new();

    public LoopbackServer()
    {
        listener.Start();
        loop = Task.Run(Serve);
    }

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/{path}";

    async Task Serve()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            using (client)
            {
                try { await Handle(client.GetStream()); } catch (IOException) { }
            }
        }
    }

    async Task Handle(NetworkStream stream)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n") && await stream.ReadAsync(one) == 1) header.Append((char)one[0]);
        var lines = header.ToString().Split("\r\n");
        string path = lines[0].Split(' ')[1].TrimStart('/');
        string? range = lines.FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?[6..].Trim();
        lock (Requests) Requests.Add($"{path} {range ?? "-"}");
        if (!Files.TryGetValue(path, out var body))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            return;
        }
        long start = range is null ? 0 : long.Parse(range["bytes=".Length..].TrimEnd('-'));
        string status = range is null ? "200 OK" : "206 Partial Content";
        string extra = range is null ? "" : $"Content-Range: bytes {start}-{body.Length - 1}/{body.Length}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Length: {body.Length - start}\r\n{extra}Connection: close\r\n\r\n"));
        int send = body.Length - (int)start;
        if (CutAfter.Remove(path, out int cut)) send = cut;
        await stream.WriteAsync(body.AsMemory((int)start, send));
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try { loop.Wait(2000); } catch (AggregateException) { }
    }
}

public class DownloadTests
{
    static readonly byte[] Payload = DataTestFiles.RandomBytes(300_000, 77);
    static string Md5(byte[] b) => Convert.ToHexStringLower(MD5.HashData(b));

    /// <summary>A client that never goes through a proxy: requests stay on the loopback interface.</summary>
    static HttpClient Loopback() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    static Downloader NewDownloader(List<string>? log = null) =>
        new(Loopback(), attemptsPerUrl: 3, log: log is null ? null : log.Add, retryDelay: TimeSpan.FromMilliseconds(20));

    [Fact]
    public void DownloadsVerifiesAndRenamesIntoPlace()
    {
        using var server = new LoopbackServer();
        using var dir = new TempFolder();
        server.Files["data.bin"] = Payload;
        var progress = new List<DownloadProgress>();
        var downloader = new Downloader(Loopback(), progress: progress.Add);
        string path = downloader.Download(new RemoteFile("data.bin", [server.Url("data.bin")], Md5(Payload)), dir.Path);
        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        Assert.Equal(Payload.Length, progress[^1].Received);
        Assert.Equal(Payload.Length, progress[^1].Total);

        // a verified copy is not fetched again; SHA-256 checksums work too
        string sha = Convert.ToHexStringLower(SHA256.HashData(Payload));
        downloader.Download(new RemoteFile("data.bin", [server.Url("data.bin")], sha), dir.Path);
        Assert.Single(server.Requests);
    }

    [Fact]
    public void ChecksumMismatchFailsAndLeavesNothingBehind()
    {
        using var server = new LoopbackServer();
        using var dir = new TempFolder();
        server.Files["data.bin"] = Payload;
        var e = Assert.Throws<DownloadException>(() => NewDownloader().Download(
            new RemoteFile("data.bin", [server.Url("data.bin")], new string('0', 32)), dir.Path));
        Assert.Contains($"checksum mismatch: MD5 {Md5(Payload)}, expected {new string('0', 32)} (download deleted)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void InterruptedTransferResumesWithARangeRequest()
    {
        using var server = new LoopbackServer();
        using var dir = new TempFolder();
        server.Files["data.bin"] = Payload;
        server.CutAfter["data.bin"] = 123_456;
        var log = new List<string>();
        string path = NewDownloader(log).Download(new RemoteFile("data.bin", [server.Url("data.bin")], Md5(Payload)),
            dir.Path);
        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Equal(["data.bin -", "data.bin bytes=123456-"], server.Requests);
        Assert.Contains("resuming", Assert.Single(log));
        Assert.Equal(["data.bin"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void NotFoundIsAClearErrorAndAMirrorIsTriedNext()
    {
        using var server = new LoopbackServer();
        using var dir = new TempFolder();
        var e = Assert.Throws<DownloadException>(() => NewDownloader().Download(
            new RemoteFile("gone.bin", [server.Url("gone.bin")], Md5(Payload)), dir.Path));
        Assert.Equal($"gone.bin: download failed: {server.Url("gone.bin")}: HTTP 404 Not Found", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        server.Files["mirror/data.bin"] = Payload;
        string path = NewDownloader().Download(
            new RemoteFile("data.bin", [server.Url("data.bin"), server.Url("mirror/data.bin")], Md5(Payload)), dir.Path);
        Assert.Equal(Payload, File.ReadAllBytes(path));
    }

    static byte[] TarGz(Action<TarWriter> write)
    {
        var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            write(tar);
        return memory.ToArray();
    }

    static void AddFile(TarWriter tar, string name, byte[] data) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });

    [Fact]
    public void ArchivesUnpackInsideTheTargetAndRefuseEscapesAndLinks()
    {
        using var dir = new TempFolder();
        string good = dir.Combine("good.tar.gz");
        File.WriteAllBytes(good, TarGz(t =>
        {
            t.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "set/"));
            AddFile(t, "set/a/b.bin", [1, 2, 3]);
        }));
        ArchiveExtractor.Extract(good, dir.Combine("out"));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(dir.Combine("out", "set", "a", "b.bin")));

        string evil = dir.Combine("evil.tar.gz");
        File.WriteAllBytes(evil, TarGz(t =>
        {
            AddFile(t, "fine.bin", [1]);
            AddFile(t, "../escaped.bin", [2]);
        }));
        Assert.Contains("entry '../escaped.bin' would be written outside the target folder; refused",
            Assert.Throws<DataFormatException>(() => ArchiveExtractor.Extract(evil, dir.Combine("out2"))).Message);
        Assert.False(File.Exists(dir.Combine("escaped.bin")));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Combine("out2"))); // nothing unpacked, staging removed

        string link = dir.Combine("link.tar.gz");
        File.WriteAllBytes(link, TarGz(t =>
            t.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "passwd") { LinkName = "/etc/passwd" })));
        Assert.Contains("entry 'passwd' is a link; links are refused",
            Assert.Throws<DataFormatException>(() => ArchiveExtractor.Extract(link, dir.Combine("out3"))).Message);

        string zip = dir.Combine("evil.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        using (var s = archive.CreateEntry("/abs/x.bin").Open()) s.WriteByte(1);
        Assert.Contains("would be written outside the target folder",
            Assert.Throws<DataFormatException>(() => ArchiveExtractor.Extract(zip, dir.Combine("out4"))).Message);
        string zipLink = dir.Combine("link.zip");
        using (var archive = ZipFile.Open(zipLink, ZipArchiveMode.Create))
        {
            var entry = archive.CreateEntry("l");
            entry.ExternalAttributes = unchecked((int)0xA1FF0000);
            using var s = entry.Open();
            s.Write("target"u8);
        }
        Assert.Contains("is a link; links are refused",
            Assert.Throws<DataFormatException>(() => ArchiveExtractor.Extract(zipLink, dir.Combine("out5"))).Message);
    }

    [Fact]
    public void InstallingACatalogSetDownloadsUnpacksAndLoads()
    {
        using var server = new LoopbackServer();
        using var dir = new TempFolder();
        var pixels = DataTestFiles.RandomBytes(3072, 5);
        byte[] archive = TarGz(t => AddFile(t, "cifar-10-batches-bin/test_batch.bin", [7, .. pixels]));
        server.Files["cifar-10-binary.tar.gz"] = archive;
        var info = DatasetCatalog.Get("cifar10") with
        {
            Files = [new RemoteFile("cifar-10-binary.tar.gz", [server.Url("cifar-10-binary.tar.gz")], Md5(archive), true)],
        };
        DatasetInstaller.Install(info, dir.Path, NewDownloader());
        var test = DatasetCatalog.Open(info, dir.Path, "test");
        Assert.Equal([7], Enumerable.Range(0, test.Count).Select(test.Label));
        Assert.Equal(pixels, test.ReadImage(0).ToBytes());
        var log = new List<string>();
        DatasetInstaller.Install(info, dir.Path, NewDownloader(), log.Add);
        Assert.Contains("already present", Assert.Single(log));
        Assert.Contains("cannot be downloaded here; get it from https://www.kaggle.com",
            Assert.Throws<ArgumentException>(() =>
                DatasetInstaller.Install(DatasetCatalog.Get("bird225"), dir.Path, NewDownloader())).Message);
    }
}
