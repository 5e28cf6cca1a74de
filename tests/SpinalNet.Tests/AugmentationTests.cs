// Per-sample augmentation (docs/experiments.md §3): each transform's defining property pinned on small images, draws
// that differ between samples of one batch yet repeat for the same seed, and every docs/experiments.md §3 pipeline
// producing its input size.
using SpinalNet.Augmentation;
using SpinalNet.Data;

namespace SpinalNet.Tests;

public class AugmentationTests
{
    static Image Ramp(int channels, int height, int width, int seed = 7)
    {
        var r = new Random(seed);
        var image = new Image(channels, height, width);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (float)r.NextDouble();
        return image;
    }

    static PerSampleRandom R(long index = 0) => PerSampleRandom.For(42, 0, index);

    [Fact]
    public void HorizontalFlipRateIsNearHalfAndMirrors()
    {
        var image = Ramp(1, 4, 5);
        var flipped = RandomHorizontalFlip.Flip(image, horizontal: true);
        Assert.Equal(image[0, 2, 0], flipped[0, 2, 4]);
        int flips = 0;
        const int samples = 4000;
        for (int i = 0; i < samples; i++)
        {
            var output = new RandomHorizontalFlip().Apply(image, R(i));
            if (output.Data.SequenceEqual(flipped.Data)) flips++;
            else Assert.Equal(image.Data, output.Data);
        }
        Assert.InRange(flips / (double)samples, 0.47, 0.53);
        int vflips = Enumerable.Range(0, samples).Count(i => new RandomVerticalFlip().Apply(image, R(i)) != image);
        Assert.InRange(vflips / (double)samples, 0.47, 0.53);
    }

    [Fact]
    public void CropsKeepTheOutputSize()
    {
        var image = Ramp(3, 32, 32);
        for (int i = 0; i < 50; i++)
        {
            var crop = new RandomCrop(32, 4).Apply(image, R(i));
            Assert.Equal((3, 32, 32), (crop.Channels, crop.Height, crop.Width));
            var rrc = new RandomResizedCrop(28, 0.08, 1).Apply(Ramp(1, 40, 30), R(i));
            Assert.Equal((28, 28), (rrc.Height, rrc.Width));
        }
        var centre = new CenterCrop(4, 6).Apply(image, R());
        Assert.Equal((4, 6), (centre.Height, centre.Width));
        Assert.Equal(image[1, 14, 13], centre[1, 0, 0]);
        var small = Ramp(1, 5, 5);
        var larger = new CenterCrop(8).Apply(small, R()); // padded 1 before, 2 after, as torchvision
        Assert.Equal((0f, small[0, 0, 0], small[0, 4, 4], 0f), (larger[0, 0, 0], larger[0, 1, 1], larger[0, 5, 5], larger[0, 6, 6]));
        var padded = new Pad(4).Apply(image, R());
        Assert.Equal((40, 40, 0f), (padded.Height, padded.Width, padded[0, 0, 0]));
        Assert.Equal(image[2, 0, 0], padded[2, 4, 4]);
    }

    [Fact]
    public void RandomCropWithPaddingIsAShiftedWindowOfThePaddedImage()
    {
        var image = Ramp(1, 8, 8);
        var small = Ramp(1, 5, 5);
        var larger = new CenterCrop(8).Apply(small, R()); // padded 1 before, 2 after, as torchvision
        Assert.Equal((0f, small[0, 0, 0], small[0, 4, 4], 0f), (larger[0, 0, 0], larger[0, 1, 1], larger[0, 5, 5], larger[0, 6, 6]));
        var padded = new Pad(4).Apply(image, R());
        for (int i = 0; i < 20; i++)
        {
            var crop = new RandomCrop(8, 4).Apply(image, R(i));
            bool found = false;
            for (int top = 0; top <= 8 && !found; top++)
            for (int left = 0; left <= 8 && !found; left++)
                found = Resampling.Crop(padded, top, left, 8, 8).Data.SequenceEqual(crop.Data);
            Assert.True(found);
        }
    }

    [Fact]
    public void RotationByZeroAndPerspectiveWithoutDistortionAreTheIdentity()
    {
        var image = Ramp(3, 9, 7);
        Assert.Equal(image.Data, new RandomRotation(0).Apply(image, R()).Data);
        Assert.Equal(image.Data, new RandomRotation(0, Interpolation: Interpolation.Bilinear).Apply(image, R()).Data);
        Assert.Equal(image.Data, new RandomAffine(0).Apply(image, R()).Data);
        var perspective = new RandomPerspective(Distortion: 0, P: 1).Apply(image, R());
        Assert.All(image.Data.Zip(perspective.Data), p => Assert.Equal(p.First, p.Second, 5));
    }

    [Fact]
    public void RotationBy90IsCounterClockwiseWithFill()
    {
        var image = Ramp(1, 5, 5);
        var rotated = RandomAffine.Transform(image, -90, 0, 0, Interpolation.Nearest, 0);
        for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            Assert.Equal(image[0, x, 4 - y], rotated[0, y, x]); // counter-clockwise: top row becomes left column
        var ones = new Image(1, 6, 6, Enumerable.Repeat(1f, 36).ToArray());
        var corner = RandomAffine.Transform(ones, 45, 0, 0, Interpolation.Nearest, 0.25f);
        Assert.Equal(0.25f, corner[0, 0, 0]);
        Assert.Equal(1f, corner[0, 3, 3]);
    }

    [Fact]
    public void PerspectiveMovesCornersInwardsWithFill()
    {
        var ones = new Image(1, 20, 20, Enumerable.Repeat(1f, 400).ToArray());
        int changed = 0;
        for (int i = 0; i < 20; i++)
        {
            var output = new RandomPerspective(Distortion: 0.5, P: 1).Apply(ones, R(i));
            Assert.Equal(1f, output[0, 10, 10], 5);
            if (output.Data.Any(v => v < 0.999f)) changed++;
        }
        Assert.True(changed >= 18);
    }

    [Fact]
    public void ResizeKeepsConstantsAndIdentityAndFollowsTheShorterSide()
    {
        var image = Ramp(2, 12, 18);
        Assert.Same(image, Resampling.Resize(image, 12, 18));
        var constant = new Image(1, 10, 15, Enumerable.Repeat(0.3f, 150).ToArray());
        Assert.All(Resampling.Resize(constant, 4, 7).Data, v => Assert.Equal(0.3f, v, 5));
        Assert.All(Resampling.Resize(constant, 23, 31).Data, v => Assert.Equal(0.3f, v, 5));
        var shorter = new Resize(6).Apply(image, R());
        Assert.Equal((6, 9), (shorter.Height, shorter.Width));
        // 2x downscale of [0, 1, 0, 1, ...] columns: antialiased (triangle of width 2) gives 0.5 everywhere inside.
        var stripes = new Image(1, 4, 8, Enumerable.Range(0, 32).Select(i => (float)(i % 2)).ToArray());
        Assert.Equal(0.5f, Resampling.Resize(stripes, 4, 4)[0, 1, 1], 5);
    }

    [Fact]
    public void NormalizeAndColorJitter()
    {
        var image = Ramp(3, 4, 4);
        var n = new Normalize(ChannelNormalization.Cifar).Apply(image, R());
        Assert.Equal((image[1, 2, 3] - 0.487f) / 0.256f, n[1, 2, 3], 5);
        Assert.Equal(image.Data, new ColorJitter().Apply(image, R()).Data);
        for (int i = 0; i < 10; i++)
        {
            var bright = new ColorJitter(Brightness: 0.5).Apply(image, R(i));
            var unclamped = bright.Data.Zip(image.Data).Where(p => p.First < 1).ToArray();
            double ratio = unclamped[0].First / unclamped[0].Second;
            Assert.InRange(ratio, 0.5 - 1e-6, 1.5 + 1e-6);
            Assert.All(unclamped, p => Assert.Equal(ratio, p.First / p.Second, 3)); // one factor for all pixels
            var hue = new ColorJitter(Hue: 0.5).Apply(image, R(i));
            Assert.All(hue.Data, v => Assert.InRange(v, 0f, 1f));
        }
        var gray = Ramp(1, 3, 3);
        Assert.Equal(gray.Data, new ColorJitter(Saturation: 0.9, Hue: 0.3).Apply(gray, R()).Data);
    }

    [Fact]
    public void SamplesOfOneBatchGetDifferentDrawsRepeatableWithTheSeed()
    {
        var same = new LabelledImages(Enumerable.Repeat(DataTestFiles.RandomBytes(3 * 16 * 16, 1), 8).SelectMany(b => b)
            .ToArray(), Enumerable.Range(0, 8).ToArray(), 3, 16, 16, ClassNames.Digits(), "eight copies");
        var pipeline = new Compose(new RandomRotation(30), new RandomCrop(16, 2));
        var indices = Enumerable.Range(0, 8).ToArray();
        var batch = BatchBuilder.Build(same, indices, pipeline, seed: 5, epoch: 0);
        var images = Enumerable.Range(0, 8).Select(i => batch.Images.AsSpan(i * 768, 768).ToArray()).ToArray();
        Assert.Equal(8, images.Select(x => string.Join(",", x)).Distinct().Count());
        Assert.Equal(batch.Images, BatchBuilder.Build(same, indices, pipeline, 5, 0).Images);
        Assert.NotEqual(batch.Images, BatchBuilder.Build(same, indices, pipeline, 6, 0).Images);
        Assert.NotEqual(batch.Images, BatchBuilder.Build(same, indices, pipeline, 5, 1).Images);
        Assert.Equal(indices.Select(i => (long)i), batch.Labels);
        var (x, y) = batch.ToTensors();
        Assert.Equal([8L, 3, 16, 16], x.shape);
        Assert.Equal(images[3][100], x[3, 0, 6, 4].item<float>());
        x.Dispose();
        y.Dispose();
    }

    [Fact]
    public void MismatchedSampleSizesFailWithOneLine()
    {
        var folder = new LabelledImages(new byte[2 * 16], [0, 1], 1, 4, 4, ClassNames.Digits(), "set");
        var e = Assert.Throws<DataFormatException>(() =>
            BatchBuilder.Build(folder, [0, 1], new RandomResizedCropOddSize(), 0, 0));
        Assert.Contains("after preprocessing but the batch is", e.Message);
    }

    sealed class RandomResizedCropOddSize : IImageTransform
    {
        int calls;
        public Image Apply(Image image, PerSampleRandom random) => Resampling.Resize(image, 4 + calls++, 4);
    }

    [Theory]
    [InlineData("mnist-arch2", 1, 28, 28, 28, 28)]
    [InlineData("fashion-arch2", 1, 28, 28, 28, 28)]
    [InlineData("cifar-cnn", 3, 32, 32, 32, 32)]
    [InlineData("cifar-resnet", 3, 32, 32, 32, 32)]
    [InlineData("tl-stl10", 3, 96, 96, 256, 256)]
    [InlineData("tl-svhn", 3, 32, 32, 256, 256)]
    [InlineData("tl-fruits360", 3, 100, 100, 128, 128)]
    [InlineData("tl-hymenoptera", 3, 300, 400, 224, 224)]
    [InlineData("nb-fashion-tl", 1, 28, 28, 112, 112)]
    public void PresetPipelinesGiveTheNetworkInputSize(string name, int channels, int h, int w, int outH, int outW)
    {
        var preset = Pipelines.Get(name);
        var input = Ramp(channels, h, w);
        var train = preset.Train.Apply(input, R());
        Assert.Equal((channels, outH, outW), (train.Channels, train.Height, train.Width));
        var eval = preset.Eval.Apply(input, R());
        Assert.Equal((channels, outH, outW), (eval.Channels, eval.Height, eval.Width));
    }

    [Fact]
    public void EveryPresetBuildsAndUnknownNamesFail()
    {
        Assert.True(Pipelines.All.Count >= 18);
        Assert.Contains("unknown pipeline 'x'", Assert.Throws<ArgumentException>(() => Pipelines.Get("x")).Message);
    }
}
