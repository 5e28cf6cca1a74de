// Streaming (docs/data.md §6: image folders and STL-10 unlabeled stream from disk, decoding and augmentation on worker
// threads with bounded prefetch): same batches as the sequential path whatever the threads, never more than Prefetch
// batches read ahead, errors surface on the consumer, and a network trains from a streamed image folder.
using SpinalNet.Augmentation;
using SpinalNet.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class DataStreamingTests
{
    /// <summary>A large virtual set that counts reads; images are made on the fly, so nothing is held in memory.</summary>
    sealed class CountingSource(int count, int failAt = -1) : ISampleSource
    {
        int reads;
        public int Reads => Volatile.Read(ref reads);
        public int Count => count;
        public IReadOnlyList<string> ClassNames => ["even", "odd"];
        public string Source => "virtual";
        public int Label(int index) => index % 2;

        public Image ReadImage(int index)
        {
            Interlocked.Increment(ref reads);
            if (index == failAt) throw new DataFormatException($"virtual/{index}.png", "cannot decode image (test)");
            var image = new Image(3, 24, 24);
            Array.Fill(image.Data, index % 251 / 255f);
            return image;
        }
    }

    [Fact]
    public void StreamedBatchesEqualTheSequentialOnes()
    {
        var source = new CountingSource(50);
        var pipeline = new Compose(new RandomCrop(20, 2), new RandomHorizontalFlip());
        var loader = new StreamingLoader(source, pipeline, batchSize: 8, seed: 3, workers: 3, prefetch: 4);
        var batches = loader.Epoch(1).ToList();
        Assert.Equal(7, batches.Count);
        Assert.Equal(2, batches[^1].Count);
        var order = loader.Order(1);
        Assert.Equal(Enumerable.Range(0, 50), order.Order());
        Assert.NotEqual(order, loader.Order(2));
        for (int b = 0; b < batches.Count; b++)
        {
            var expected = BatchBuilder.Build(source, order.Skip(b * 8).Take(8).ToArray(), pipeline, 3, 1);
            Assert.Equal(expected.Images, batches[b].Images);
            Assert.Equal(expected.Labels, batches[b].Labels);
        }
    }

    [Fact]
    public void PrefetchIsBoundedSoALargeSetNeverLoadsWhole()
    {
        const int batch = 16, prefetch = 3;
        var source = new CountingSource(1_000_000); // 6.9 GB as float images: must not be materialised
        var loader = new StreamingLoader(source, new Compose(), batch, seed: 1, workers: 2, prefetch: prefetch);
        int consumed = 0;
        foreach (var b in loader.Epoch(0))
        {
            consumed++;
            Thread.Sleep(20); // a slow training step: workers run ahead as far as they may
            Assert.InRange(source.Reads, consumed * batch, (consumed + prefetch) * batch);
            if (consumed == 10) break;
        }
        Assert.InRange(source.Reads, 10 * batch, (10 + prefetch) * batch);
    }

    [Fact]
    public void ASampleThatFailsFailsTheEpochWithItsError()
    {
        var loader = new StreamingLoader(new CountingSource(40, failAt: 13), new Compose(), 4, seed: 0, shuffle: false,
            workers: 2);
        var e = Assert.Throws<DataFormatException>(() => loader.Epoch(0).ToList());
        Assert.Equal("virtual/13.png: cannot decode image (test)", e.Message);
    }

    [Fact]
    public void ANetworkTrainsFromAStreamedImageFolder()
    {
        using var dir = new TempFolder();
        var r = new Random(9);
        for (int i = 0; i < 24; i++)
        {
            // class "bright": light images, class "dark": dark images, noisy; sizes differ, Resize evens them out
            bool bright = i % 2 == 0;
            int h = 10 + i % 3, w = 12;
            var pixels = Enumerable.Range(0, 3 * h * w).Select(_ => (byte)(r.Next(100) + (bright ? 140 : 10))).ToArray();
            DataTestFiles.WriteImage(dir.Combine("train", bright ? "bright" : "dark", $"{i}.png"), pixels, 3, h, w);
        }
        var folder = ImageFolder.Open(dir.Path, "train");
        var loader = new StreamingLoader(folder, new Compose(new Resize(8, 8), new RandomHorizontalFlip(),
            new Normalize(ChannelNormalization.Cifar)), batchSize: 6, seed: 2, workers: 2, prefetch: 2);

        torch.manual_seed(0);
        using var model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 2));
        using var optimizer = torch.optim.SGD(model.parameters(), 0.05);
        double firstLoss = 0, lastLoss = 0;
        for (int epoch = 0; epoch < 6; epoch++)
        {
            double sum = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using var scope = torch.NewDisposeScope();
                var (x, y) = batch.ToTensors();
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), y);
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
            }
            if (epoch == 0) firstLoss = sum;
            lastLoss = sum;
        }
        Assert.True(lastLoss < firstLoss / 4, $"loss {firstLoss} -> {lastLoss}");
    }
}
