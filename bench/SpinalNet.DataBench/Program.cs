// Data throughput: time to load the full Fashion-MNIST (Debian package
// dataset-fashion-mnist, /usr/share/datasets/fashion-mnist) into memory, and images per second through PNG decode +
// per-sample augmentation for image folders of 32x32 and 224x224 PNGs (generated once under the temp folder), next
// to the rate at which a training step consumes images. Run: dotnet run -c Release --project bench/SpinalNet.DataBench
using System.Diagnostics;
using SpinalNet.Augmentation;
using SpinalNet.Data;
using TorchSharp;
using static TorchSharp.torch;

torch.set_num_threads(2);
// 1. Fashion-MNIST full load (the first round includes torch's start-up)
string fashion = args.Length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
for (int rep = 0; rep < 3; rep++)
{
    var sw = Stopwatch.StartNew();
    var train = MnistFamily.Load(fashion, MnistVariant.FashionMnist, Split.Train);
    var test = MnistFamily.Load(fashion, MnistVariant.FashionMnist, Split.Test);
    double bytesTime = sw.Elapsed.TotalSeconds;
    using var a = train.ToImageDataset(ChannelNormalization.Half);
    using var b = test.ToImageDataset(ChannelNormalization.Half);
    Console.WriteLine($"fashion-mnist load: {train.Count}+{test.Count} images, bytes {bytesTime:F3} s, + tensors {sw.Elapsed.TotalSeconds:F3} s");
}
// 2. Image folders
string root = Path.Combine(Path.GetTempPath(), "databench-folders");
void MakeFolder(string name, int side, int count)
{
    string dir = Path.Combine(root, name, "train");
    if (Directory.Exists(dir)) return;
    var r = new Random(1);
    for (int i = 0; i < count; i++)
    {
        var img = new SpinalNet.Data.Image(3, side, side);
        // smooth-ish content so PNG compression is realistic
        double fx = r.NextDouble() * 0.3, fy = r.NextDouble() * 0.3;
        for (int c = 0; c < 3; c++) for (int y = 0; y < side; y++) for (int x = 0; x < side; x++)
            img[c, y, x] = (float)(0.5 + 0.4 * Math.Sin(fx * x + fy * y + c) + 0.1 * r.NextDouble());
        string path = Path.Combine(dir, $"c{i % 10}", $"{i}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ImageCodec.Encode(img));
    }
}
MakeFolder("f32", 32, 4000);
MakeFolder("f224", 224, 400);
foreach (var (name, pipelineName, batch) in new[] { ("f32", "cifar-resnet", 100), ("f224", "tl-bird225", 24) })
{
    var scan = Stopwatch.StartNew();
    var folder = ImageFolder.Open(Path.Combine(root, name), "train");
    Console.WriteLine($"{name} scan (class folders, header check of every file): {folder.Count / scan.Elapsed.TotalSeconds:F0} files/s");
    var pipeline = Pipelines.Get(pipelineName).Train;
    foreach (int workers in new[] { 1, 2 })
    {
        var loader = new StreamingLoader(folder, pipeline, batch, seed: 0, workers: workers);
        var sw = Stopwatch.StartNew();
        int n = 0;
        foreach (var hb in loader.Epoch(0)) n += hb.Count;
        Console.WriteLine($"{name} ({pipelineName}) decode+augment, {workers} worker(s): {n / sw.Elapsed.TotalSeconds:F0} images/s");
    }
    {
        // The trainer's path: AugmentedBatches hands out the batches of an epoch order (StreamingLoader underneath).
        using var batches = new AugmentedBatches(folder, pipeline, seed: 0);
        var order = Enumerable.Range(0, folder.Count).Select(i => (long)i).ToArray();
        var sw = Stopwatch.StartNew();
        int n = 0;
        using (var scope = torch.NewDisposeScope())
            foreach (var (x, _) in batches.Batches(order, 0, 0, batch))
            {
                n += (int)x.shape[0];
                x.Dispose();
            }
        Console.WriteLine($"{name} ({pipelineName}) trainer path (AugmentedBatches): {n / sw.Elapsed.TotalSeconds:F0} images/s");
    }
    var sw2 = Stopwatch.StartNew();
    int m = 0;
    for (int i = 0; i < Math.Min(folder.Count, 1000); i++) { folder.ReadImage(i); m++; }
    Console.WriteLine($"{name} decode only, 1 thread: {m / sw2.Elapsed.TotalSeconds:F0} images/s");
}
// 2b. In-memory MNIST family through the Arch2/VGG-5 per-sample pipeline, against the mnist-cnn training step.
{
    var train = MnistFamily.Load(fashion, MnistVariant.FashionMnist, Split.Train);
    var loader = new StreamingLoader(train, Pipelines.Get("fashion-arch2").Train, 64, seed: 0, workers: 2);
    var sw = Stopwatch.StartNew();
    int n = 0;
    foreach (var hb in loader.Epoch(0))
    {
        n += hb.Count;
        if (n >= 20_000) break;
    }
    Console.WriteLine($"fashion-mnist in memory (fashion-arch2) augment, 2 workers: {n / sw.Elapsed.TotalSeconds:F0} images/s");
    using var model = SpinalNet.Models.ModelCatalog.Get("mnist-cnn").Create(SpinalNet.Models.HeadKind.Spinal, 0);
    using var opt = torch.optim.SGD(model.parameters(), 0.01, 0.5);
    model.train();
    var x = torch.randn(64, 1, 28, 28);
    var y = torch.randint(0, 10, 64);
    var clock = Stopwatch.StartNew();
    for (int step = 0; step < 50; step++)
    {
        using var scope = torch.NewDisposeScope();
        opt.zero_grad();
        nn.functional.cross_entropy(model.call(x), y).backward();
        opt.step();
    }
    Console.WriteLine($"mnist-cnn (spinal) train step batch 64: {50 * 64 / clock.Elapsed.TotalSeconds:F0} images/s consumed");
}
// 3. Training-step consumption. The paper's networks for these inputs are ResNet-18/VGG-19 on CIFAR (batch 100-200)
// and wide_resnet101_2 on 224x224 folders (batch 24); resnet18 stands in for both here (WRN-101-2 is ~15x slower,
// so its consumption rate is lower still).
foreach (var (side, batch) in new[] { (32, 100), (224, 24) })
{
    using var model = torchvision.models.resnet18(num_classes: 10);
    using var opt = torch.optim.SGD(model.parameters(), 0.01, 0.9);
    model.train();
    var x = torch.randn(batch, 3, side, side);
    var y = torch.randint(0, 10, batch);
    double best = 0;
    for (int step = 0; step < 3; step++)
    {
        using var scope = torch.NewDisposeScope();
        var sw = Stopwatch.StartNew();
        opt.zero_grad();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        opt.step();
        double rate = batch / sw.Elapsed.TotalSeconds;
        if (step > 0) best = Math.Max(best, rate);
    }
    Console.WriteLine($"resnet18 train step {side}x{side} batch {batch}: {best:F0} images/s consumed");
}
