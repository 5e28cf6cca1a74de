// `-- onnx-speed`: inference time of an exported network through ONNX Runtime against the same network in TorchSharp
// (docs/deployment.md §8.4), eval mode, 2 threads each, random inputs, at batch 1 (serving one request) and 1000
// (offline scoring). The two runtimes alternate call by call, so that a shared machine's load falls on both alike;
// the minimum and the median of the repetitions are reported.
using System.Diagnostics;
using SpinalNet.Models;
using SpinalNet.Onnx;
using TorchSharp;

namespace SpinalNet.Bench;

public static class OnnxSpeed
{
    public static void Run()
    {
        torch.set_num_threads(2);
        Console.WriteLine("| network | batch | TorchSharp min / median | ONNX Runtime min / median | samples/s TorchSharp / ONNX Runtime (min) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, head) in new[] { ("mnist-cnn", HeadKind.Spinal), ("mnist-cnn", HeadKind.Fc),
                     ("vgg5", HeadKind.Spinal), ("cifar10-resnet18", HeadKind.Spinal) })
        {
            var spec = ModelCatalog.Get(name);
            using var model = spec.Create(head, 0);
            model.eval();
            var path = Path.Combine(Path.GetTempPath(), $"speed-{name}-{head.Id()}.onnx");
            OnnxExport.Write(model, spec.InputShape, path);
            using var session = OnnxSession.Open(path, threads: 2);
            foreach (var batch in new[] { 1, 1000 })
            {
                torch.manual_seed(1);
                using var input = torch.randn([batch, .. spec.InputShape]);
                var values = input.data<float>().ToArray();
                int repetitions = batch == 1 ? 300 : name == "mnist-cnn" ? 20 : 5;
                var (torchTimes, onnxTimes) = (new List<double>(), new List<double>());
                for (int i = 0; i < repetitions + 2; i++)
                {
                    var clock = Stopwatch.StartNew();
                    using (torch.no_grad())
                    using (var scope = torch.NewDisposeScope())
                        model.call(input)[0, 0].item<float>();
                    double t = clock.Elapsed.TotalMilliseconds;
                    clock.Restart();
                    session.Run(values, input.shape);
                    double o = clock.Elapsed.TotalMilliseconds;
                    if (i < 2) continue;  // warm-up
                    torchTimes.Add(t);
                    onnxTimes.Add(o);
                }
                string Times(List<double> times) => $"{Ms(times.Min())} / {Ms(Median(times))}";
                Console.WriteLine($"| {name} ({head.Id()}) | {batch:N0} | {Times(torchTimes)} | {Times(onnxTimes)} | " +
                                  $"{batch / torchTimes.Min() * 1000:N0} / {batch / onnxTimes.Min() * 1000:N0} |");
            }
            File.Delete(path);
        }
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    static string Ms(double ms) => ms < 1 ? $"{ms * 1000:F0} µs" : $"{ms:F1} ms";
}
