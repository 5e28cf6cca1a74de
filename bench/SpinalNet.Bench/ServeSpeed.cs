// `-- serve-speed [MODEL...]`: `spinalnet serve --onnx` against `predict --onnx` in this process (docs/serving.md §16.8):
// throughput and p50/p99 latency of one image's top-5 prediction at 1 and 8 concurrent clients. The network is the
// model's with the Spinal head and fresh weights (speed does not depend on them), exported to ONNX; both sides run
// ONNX Runtime with 2 threads on the same PNG. The server is a real Kestrel on 127.0.0.1 with its default single worker
// and queue of 64; clients are HttpClients posting image/png. In-process "clients" are threads calling
// OnnxClassifier.Predict on the image's bytes (decode, preprocessing and forward, as predict does per file).
using System.Diagnostics;
using System.Net.Http.Headers;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Serving;
using TorchSharp;

namespace SpinalNet.Bench;

public static class ServeSpeed
{
    public static void Run(string[] models)
    {
        torch.set_num_threads(2);
        Console.WriteLine("| network | clients | in-process predict --onnx: req/s, p50, p99 | serve --onnx over HTTP: req/s, p50, p99 |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in models.Length > 0 ? models : ["mnist-cnn", "resnet18-cntk"])
        {
            var folder = Directory.CreateTempSubdirectory("serve-speed-").FullName;
            try
            {
                var (onnx, png) = Prepare(name, folder);
                int requests = name == "mnist-cnn" ? 1200 : 96;
                using var classifier = OnnxClassifier.Open(onnx, threads: 2);
                using var served = ServedModel.Open(new ModelSource(Onnx: onnx));
                var app = SpinalServer.Build(served, new ServerOptions(Port: 0));
                app.StartAsync().GetAwaiter().GetResult();
                var address = SpinalServer.Addresses(app).Single();
                var http = new HttpClient { BaseAddress = new Uri(address) };
                int Local() => classifier.Predict([ImageSource.Bytes("bench", png)], 5)[0].Top.Count;
                int Remote()
                {
                    var content = new ByteArrayContent(png);
                    content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                    using var response = http.PostAsync("/predict", content).GetAwaiter().GetResult();
                    response.EnsureSuccessStatusCode();
                    return response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Length;
                }
                foreach (var clients in new[] { 1, 8 })
                {
                    // Three rounds, the two sides alternating, so a shared machine's load falls on both alike; the
                    // throughput is the median round's, the percentiles are over all rounds' requests.
                    var (local, remote) = (new Timings(), new Timings());
                    for (int round = 0; round < 3; round++)
                    {
                        local.Add(Measure(clients, requests / 3, Local));
                        remote.Add(Measure(clients, requests / 3, Remote));
                    }
                    Console.WriteLine($"| {name} (spinal) | {clients} | {local} | {remote} |");
                }
                app.StopAsync().GetAwaiter().GetResult();
                ((IDisposable)app).Dispose();
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>The model's ONNX export (Spinal head, fresh weights) and a test digit (or a photo-sized image) as PNG.</summary>
    static (string Onnx, byte[] Png) Prepare(string name, string folder)
    {
        var options = new RunOverrides(Model: name, Head: HeadKind.Spinal);
        var config = Configuration.Resolve(options: options);
        var weights = Path.Combine(folder, "weights.safetensors");
        using (var model = config.CreateModel(0)) WeightsFile.Save(model, weights);
        var onnx = Path.Combine(folder, "model.onnx");
        using (var trained = TrainedModel.Open(null, weights, options)) trained.ExportOnnx(onnx);
        var shape = config.InputShape;
        var digits = SpinalNet.Data.MnistFamily.Load(SpinalNet.Data.MnistFamily.EmbeddedSample,
            SpinalNet.Data.MnistVariant.Mnist, SpinalNet.Data.Split.Test);
        var image = digits.ReadImage(0);
        if (shape[1] != 28)  // a larger network gets an image of its own input size
            image = new SpinalNet.Data.Image(3, (int)shape[1], (int)shape[2],
                Enumerable.Range(0, 3 * (int)(shape[1] * shape[2])).Select(i => (float)((i * 7919) % 256 / 255.0)).ToArray());
        return (onnx, SpinalNet.Data.ImageCodec.Encode(image));
    }

    sealed class Timings
    {
        readonly List<double> throughputs = [], latencies = [];

        public void Add((double Throughput, List<double> Latencies) round)
        {
            throughputs.Add(round.Throughput);
            latencies.AddRange(round.Latencies);
        }

        public override string ToString()
        {
            var sorted = latencies.Order().ToArray();
            return $"{throughputs.Order().ElementAt(throughputs.Count / 2):N0}/s, " +
                   $"{Ms(RequestMetrics.Quantile(sorted, 0.5))}, {Ms(RequestMetrics.Quantile(sorted, 0.99))}";
        }
    }

    /// <summary>Requests per second and each request's latency (ms) of <paramref name="requests"/> calls shared by
    /// <paramref name="clients"/> threads (after a warm-up of 2 calls each).</summary>
    static (double Throughput, List<double> Latencies) Measure(int clients, int requests, Func<int> call)
    {
        for (int i = 0; i < 2 * clients; i++) call();
        var latencies = new List<double>();
        var wall = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, clients).Select(_ => new Thread(() =>
        {
            var own = new List<double>();
            for (int i = 0; i < requests / clients; i++)
            {
                var clock = Stopwatch.StartNew();
                call();
                own.Add(clock.Elapsed.TotalMilliseconds);
            }
            lock (latencies) latencies.AddRange(own);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return (latencies.Count / wall.Elapsed.TotalSeconds, latencies);
    }

    static string Ms(double ms) => ms < 1 ? $"{ms * 1000:F0} µs" : $"{ms:F1} ms";
}
