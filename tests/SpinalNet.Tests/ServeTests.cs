// `spinalnet serve` (docs/serving.md §16.5): a real Kestrel in this process on 127.0.0.1 (ServeFixture). Its answers equal
// `spinalnet predict`'s for the same image (inversion included); bad requests get their status and a JSON error and the
// server goes on; 200 requests from 8 concurrent clients are all answered and /metrics counts them; a full queue
// answers 503; /explain's shares sum to its logits.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SpinalNet.Serving;

namespace SpinalNet.Tests;

public sealed class ServeTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    readonly HttpClient client = new() { BaseAddress = new Uri(server.Address) };

    static ByteArrayContent Png(byte[] bytes, string type = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    async Task<(HttpStatusCode Status, JsonElement Body)> Post(string path, HttpContent content)
    {
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Answers_equal_predicts_for_the_same_images()
    {
        var expected = server.Source.Predict(server.Digits, 3);
        Assert.True(expected[3].Inverted, "the dark-on-light digit is inverted, as predict does");
        foreach (var (file, prediction) in server.Digits.Zip(expected))
        {
            var (status, body) = await Post("/predict?top=3", Png(File.ReadAllBytes(file)));
            Assert.Equal(HttpStatusCode.OK, status);
            var answered = body.GetProperty("predictions").EnumerateArray()
                .Select(p => (p.GetProperty("class").GetString()!, p.GetProperty("probability").GetDouble())).ToArray();
            Assert.Equal(prediction.Top.Select(c => (c.Name, c.Probability)), answered);
            Assert.Equal(prediction.Inverted, body.GetProperty("inverted").GetBoolean());
        }
        // A multipart form (what a browser's form posts) gets the same answer.
        using var form = new MultipartFormDataContent { { Png(File.ReadAllBytes(server.Digits[0])), "file", "digit0.png" } };
        var (formStatus, formBody) = await Post("/predict?top=3", form);
        Assert.Equal(HttpStatusCode.OK, formStatus);
        Assert.Equal(expected[0].Top[0].Name, formBody.GetProperty("predictions")[0].GetProperty("class").GetString());
    }

    /// <summary>A PNG that declares <paramref name="width"/> × <paramref name="height"/> pixels in its header and holds
    /// almost nothing: the header of a decompression bomb.</summary>
    static byte[] DeclaredPng(int width, int height)
    {
        static byte[] Chunk(string type, byte[] data)
        {
            var chunk = new byte[12 + data.Length];
            BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
            System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
            data.CopyTo(chunk, 8);
            BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length),
                Crc32(chunk.AsSpan(4, 4 + data.Length)));
            return chunk;
        }
        static uint Crc32(ReadOnlySpan<byte> bytes)  // PNG's CRC (ISO 3309)
        {
            uint crc = 0xFFFFFFFF;
            foreach (var b in bytes)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
            return ~crc;
        }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // 8-bit grey
        using var zipped = new MemoryStream();
        using (var z = new ZLibStream(zipped, CompressionLevel.Optimal)) z.Write(new byte[1 + width]);
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IDAT", zipped.ToArray()),
            .. Chunk("IEND", [])];
    }

    [Fact]
    public async Task Bad_requests_get_their_status_and_a_json_error_and_the_server_goes_on()
    {
        var digit = File.ReadAllBytes(server.Digits[0]);
        var cases = new (string Path, HttpContent Content, HttpStatusCode Status, string Says)[]
        {
            ("/predict", Png("not an image at all"u8.ToArray()), HttpStatusCode.BadRequest, "not an image"),
            ("/predict", Png(DeclaredPng(60_000, 60_000)), HttpStatusCode.BadRequest, "60000 x 60000"),
            ("/predict", Png(new byte[300 * 1024]), HttpStatusCode.RequestEntityTooLarge, "over the limit"),
            ("/predict", Png(digit, "text/plain"), HttpStatusCode.UnsupportedMediaType, "text/plain"),
            ("/predict", Png([]), HttpStatusCode.BadRequest, "empty"),
            ("/predict?top=0", Png(digit), HttpStatusCode.BadRequest, "top=0"),
            ("/explain", Png(digit, "application/json"), HttpStatusCode.UnsupportedMediaType, "application/json"),
        };
        foreach (var (path, content, status, says) in cases)
        {
            var (answered, body) = await Post(path, content);
            Assert.Equal(status, answered);
            Assert.Contains(says, body.GetProperty("error").GetString());
        }
        // A header bomb the PNG decoder would accept is still refused under the server's pixel limit.
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("/predict", Png(DeclaredPng(5000, 5000)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Post("/predict", Png(digit))).Status);
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Two_hundred_requests_from_eight_clients_are_all_answered_and_counted()
    {
        long before = server.App.Services.GetService(typeof(RequestMetrics)) is RequestMetrics m
            ? m.Count("/predict", 200) : -1;
        var images = server.Digits.Select(File.ReadAllBytes).ToArray();
        var statuses = new List<HttpStatusCode>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async c =>
        {
            using var own = new HttpClient { BaseAddress = new Uri(server.Address) };
            for (int i = 0; i < 25; i++)
            {
                using var response = await own.PostAsync("/predict", Png(images[(c + i) % images.Length]));
                await response.Content.ReadAsStringAsync();
                lock (statuses) statuses.Add(response.StatusCode);
            }
        }));
        Assert.Equal(200, statuses.Count(s => s == HttpStatusCode.OK));
        var metrics = await client.GetStringAsync("/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("spinalnet_requests_total{endpoint=\"/predict\",status=\"200\"}"));
        Assert.Equal(before + 200, long.Parse(line.Split(' ')[1]));
        Assert.Contains("spinalnet_request_duration_seconds{endpoint=\"/predict\",quantile=\"0.99\"}", metrics);
        Assert.Contains("# TYPE spinalnet_requests_total counter", metrics);
    }

    [Fact]
    public async Task Explain_answers_shares_that_sum_to_the_logits_and_the_pictures()
    {
        var (status, body) = await Post("/explain", Png(File.ReadAllBytes(server.Digits[0])));
        Assert.Equal(HttpStatusCode.OK, status);
        var logits = body.GetProperty("logits").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var shares = body.GetProperty("contributions").EnumerateArray()
            .Select(l => l.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var bias = body.GetProperty("bias").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int c = 0; c < 10; c++) Assert.True(Math.Abs(shares.Sum(l => l[c]) + bias[c] - logits[c]) <= 1e-5);
        var overlay = Convert.FromBase64String(body.GetProperty("overlay_png").GetString()!);
        Assert.Equal(0x89, overlay[0]);
        Assert.Equal("backbone.act2", body.GetProperty("grad_cam_layer").GetString());
    }

    [Fact]
    public async Task A_full_queue_answers_503_and_the_server_goes_on()
    {
        using var model = ServedModel.Open(server.Source);
        await using var busy = SpinalServer.Build(model, new ServerOptions(Port: 0, QueueLimit: 0));
        await busy.StartAsync();
        using var own = new HttpClient { BaseAddress = new Uri(SpinalServer.Addresses(busy).Single()) };
        var digit = File.ReadAllBytes(server.Digits[0]);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            using var response = await own.PostAsync("/explain", Png(digit));
            return response.StatusCode;
        }));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, s.ToString()));
        using var after = await own.PostAsync("/predict", Png(digit));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        await busy.StopAsync();
    }

    [Fact]
    public void Spinalnet_serve_binds_loopback_says_so_answers_and_stops_gracefully_on_sigterm()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string? answer = null;
        var result = CliRunner.Start("dotnet", [CliRunner.Program, "serve",
            "--model", "mnist-cnn", "--head", "spinal", "--weights", ServeFixture.WeightsPath(), "--port", port.ToString()],
            during: process =>
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    try
                    {
                        using var response = http.PostAsync("/predict?top=1", Png(File.ReadAllBytes(server.Digits[0])))
                            .GetAwaiter().GetResult();
                        answer = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                        break;
                    }
                    catch (HttpRequestException)
                    {
                        Thread.Sleep(200);  // not listening yet
                    }
                }
                System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            });
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains($"http://127.0.0.1:{port} (this machine only", result.Stdout);
        Assert.Contains("stopped", result.Stdout);
        var expected = server.Source.Predict([server.Digits[0]], 1)[0].Top[0].Name;
        Assert.Contains($"\"class\":\"{expected}\"", answer);
    }

    [Fact]
    public async Task The_page_is_self_contained_and_health_says_what_is_served()
    {
        var page = await client.GetStringAsync("/");
        Assert.Contains("<input id=\"file\" type=\"file\"", page);
        Assert.DoesNotContain("src=\"http", page);
        Assert.DoesNotContain("href=\"http", page);
        using var health = JsonDocument.Parse(await client.GetStringAsync("/health"));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Contains("mnist-cnn", health.RootElement.GetProperty("model").GetString());
    }
}
