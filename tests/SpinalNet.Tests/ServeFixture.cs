// A server of `spinalnet serve` in this process on 127.0.0.1 and a free port (real Kestrel), serving the MNIST CNN with
// the Spinal head and the committed weights tests/fixtures/authors/mnist-cnn-spinal.pt, and real test digits saved as
// PNG files (one dark on light, as people draw), for ServeTests and ServePageTests.
using Microsoft.AspNetCore.Builder;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Serving;

namespace SpinalNet.Tests;

public sealed class ServeFixture : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("spinalnet-serve-").FullName;
    public ModelSource Source { get; }
    public ServedModel Model { get; }
    public WebApplication App { get; }
    public string Address { get; }
    public string[] Digits { get; }

    public ServeFixture()
    {
        Source = new ModelSource(Weights: WeightsPath(), Options: new RunOverrides(Model: "mnist-cnn", Head: HeadKind.Spinal));
        Model = ServedModel.Open(Source);
        App = SpinalServer.Build(Model, new ServerOptions(Port: 0, MaxBodyBytes: 256 * 1024, QueueLimit: 64));
        App.StartAsync().GetAwaiter().GetResult();
        Address = SpinalServer.Addresses(App).Single();
        var test = SpinalNet.Data.MnistFamily.Load(SpinalNet.Data.MnistFamily.EmbeddedSample,
            SpinalNet.Data.MnistVariant.Mnist, SpinalNet.Data.Split.Test);
        Digits = Enumerable.Range(0, 4).Select(i =>
        {
            var image = test.ReadImage(i);
            if (i == 3) image = new SpinalNet.Data.Image(1, 28, 28, image.Data.Select(v => 1 - v).ToArray());
            var file = Path.Combine(Folder, $"digit{i}.png");
            File.WriteAllBytes(file, SpinalNet.Data.ImageCodec.Encode(image));
            return file;
        }).ToArray();
    }

    public static string WeightsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "fixtures", "authors", "mnist-cnn-spinal.pt");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("tests/fixtures/authors/mnist-cnn-spinal.pt");
    }

    public void Dispose()
    {
        App.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)App).Dispose();
        Model.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
