// Image data as users have it (docs/fine-tuning.md §13.3): a folder of class folders told apart from an IDX folder by
// what it holds (and a one-line error when it is neither), written back from a labelled set losslessly; the run's
// image size, which resizes the samples at the end of the pipeline and travels with the run; grey samples repeated to
// three channels for a colour network; the ImageNet pipeline; and an image size a network cannot take refused in one
// line, before a run folder exists, with the smallest size that works found on the meta device; and predict on image
// files, which inverts dark-on-light digits and says so.
using SpinalNet.Layers;
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public sealed class ImageInputTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static LabelledImages Embedded(Split split) => MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, split);

    /// <summary>The first digits of the embedded sample as PNG class folders: train/ and val/.</summary>
    string DigitFolder(int train, int val)
    {
        var root = temp.Combine("digits");
        Assert.Equal(train, ImageFolder.Write(Embedded(Split.Train), root, "train", Enumerable.Range(0, train)));
        Assert.Equal(val, ImageFolder.Write(Embedded(Split.Test), root, "val", Enumerable.Range(0, val)));
        return root;
    }

    [Fact]
    public void A_folder_of_class_folders_is_read_as_image_folders_and_written_back_losslessly()
    {
        var root = DigitFolder(30, 12);
        var train = DatasetCatalog.OpenSplit(root, null, Split.Train);
        var test = DatasetCatalog.OpenSplit(root, null, Split.Test);
        Assert.IsType<ImageFolder>(train);
        Assert.Equal((30, 12), (train.Count, test.Count));
        Assert.EndsWith("val", test.Source);
        var source = Embedded(Split.Train);
        Assert.Equal(Enumerable.Range(0, 30).Select(source.Label).Distinct().Order().Select(l => $"{l}"), train.ClassNames);

        // Every pixel and label survives: PNG is lossless, the digits' class folders sort in label order.
        var written = (ImageFolder)train;
        for (int i = 0; i < written.Count; i++)
        {
            int index = int.Parse(Path.GetFileNameWithoutExtension(written.FilePath(i)));
            Assert.Equal(source.ClassNames[source.Label(index)], written.ClassNames[written.Label(i)]);
            var (expected, actual) = (source.ReadImage(index), written.ReadImage(i));
            Assert.Equal(3, actual.Channels);
            Assert.Equal(expected.WithChannels(3).Data, actual.Data);
        }
    }

    [Fact]
    public void A_folder_that_is_neither_is_one_line_naming_what_was_expected()
    {
        var empty = temp.Folder("empty");
        temp.Folder("half", "train", "a");
        const string expected = "holds neither image folders (train/ and test/ or val/ or valid/, one subfolder per " +
                                "class) nor MNIST-format IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, " +
                                "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, .gz optional)";
        foreach (var folder in new[] { empty, temp.Combine("half") })
        {
            var e = Assert.Throws<DataFormatException>(() => DatasetCatalog.OpenSplit(folder, null, Split.Train));
            Assert.Equal($"{folder}: {expected}", e.Message);
        }
        CliRunner.WriteSampleSlice(temp.Folder("idx"), 5, 5);
        Assert.IsType<LabelledImages>(DatasetCatalog.OpenSplit(temp.Combine("idx"), null, Split.Test));
    }

    [Fact]
    public void The_image_size_resizes_at_the_end_of_the_pipeline_and_grey_becomes_rgb_for_a_colour_network()
    {
        var config = Recipes.DefaultsFor("cifar10-cnn") with
        {
            Data = DatasetCatalog.Embedded, Augmentation = "mnist", ImageSize = 40,
            Settings = new TrainingSettings(Epochs: 1, BatchSize: 8, ValidationFraction: 0.5),
        };
        Assert.Equal([3L, 40, 40], config.InputShape);
        // The CIFAR CNN takes 32 x 32 only: the size is refused before any data is read.
        Assert.Equal("ImageSize 40 does not fit cifar10-cnn, made for 32 x 32 images (Parameter 'ImageSize')",
            Assert.Throws<SettingException>(() => Configuration.Validate(config)).Message);

        config = config with { ImageSize = 32 };
        using var data = config.LoadData();
        var digit = Embedded(Split.Test).ReadImage(0);
        var expected = Resampling.Resize(new Normalize(ChannelNormalization.Mnist).Apply(digit, PerSampleRandom.For(0, 0, 0)), 32, 32);
        using var scope = torch.NewDisposeScope();
        foreach (var split in new[] { data.Train, data.Validation!, data.Test! })
            Assert.Equal([1L, 3, 32, 32], split.Batches([0], 0, 0, 1).First().Images.shape);
        var first = data.Test!.Batches([0], 0, 0, 1).First().Images[0];
        for (int c = 0; c < 3; c++)
            Assert.Equal(expected.Data, first[c].flatten().data<float>().ToArray());
    }

    [Fact]
    public void The_pipeline_is_fitted_by_replacing_a_final_fixed_resize_or_appending_one()
    {
        var imagenet = (Compose)Pipelines.Fitted(Pipelines.Get("imagenet").Eval, 96, toRgb: true);
        Assert.Equal([new ToChannels(3), new Resize(96, 96), new Normalize(ChannelNormalization.ImageNet)],
            imagenet.Steps.Cast<object>());
        var stl = (Compose)Pipelines.Fitted(Pipelines.Get("tl-stl10").Eval, 96, toRgb: false);
        Assert.Equal([new Resize(256), new Normalize(ChannelNormalization.Cifar), new Resize(96, 96)], stl.Steps.Cast<object>());
        var mnist = Pipelines.Get("mnist").Train;
        Assert.Same(mnist, Pipelines.Fitted(mnist, null, toRgb: false));

        // ImageNet statistics, torchvision's: (x − (0.485, 0.456, 0.406)) / (0.229, 0.224, 0.225).
        var grey = new Image(1, 300, 200, Enumerable.Repeat(0.5f, 60_000).ToArray());
        var image = Pipelines.Fitted(Pipelines.Get("imagenet").Train, null, toRgb: true).Apply(grey, PerSampleRandom.For(0, 0, 0));
        Assert.Equal((3, 224, 224), (image.Channels, image.Height, image.Width));
        Assert.Equal([(0.5f - 0.485f) / 0.229f, (0.5f - 0.456f) / 0.224f, (0.5f - 0.406f) / 0.225f],
            new[] { image[0, 7, 9], image[1, 100, 3], image[2, 223, 223] });
    }

    [Fact]
    public void The_image_size_travels_with_the_run_and_its_checkpoints()
    {
        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("cifar10-cnn") with
        {
            Data = DigitFolder(16, 8), Augmentation = "none", ImageSize = 32,
            Settings = new TrainingSettings(Epochs: 1, BatchSize: 8, TestBatchSize: 8),
        };
        using (var run = TrainingRun.Create(config, folder)) run.Train();
        Assert.Equal(32, new RunDirectory(folder, create: false).ReadConfig().ImageSize);
        Assert.Equal(32, Checkpoint.ReadState(Path.Combine(folder, RunDirectory.LastCheckpoint)).Config.ImageSize);
        using var resumed = TrainingRun.Resume(folder, new ResumeChanges(Epochs: 2));
        Assert.Equal(2, resumed.Train().Outcome.History.Count);
    }

    /// <summary>Three unpadded stride-2 3 × 3 convolutions and a global average pool: a side n gives
    /// ⌊(n − 3) / 2⌋ + 1 per convolution, so the smallest side that reaches the pool is 15 (15 → 7 → 3 → 1).</summary>
    static readonly ModelSpec Pooling = new("pooling", "test backbone", [3, 64, 64], 10, new SpinalSettings(4, 2),
        choice => new ClassifierNetwork(nn.Sequential(nn.Conv2d(3, 4, 3, stride: 2), nn.Conv2d(4, 4, 3, stride: 2),
            nn.Conv2d(4, 8, 3, stride: 2), nn.AdaptiveAvgPool2d(1), nn.Flatten()), nn.Linear(8, choice.Classes), false));

    static void CheckImageSize(int size) => (Pooling.Network(HeadKind.Fc) with { ImageSize = size }).CheckImageSize();

    [Fact]
    public void An_image_size_the_network_cannot_take_is_one_line_with_the_smallest_that_works()
    {
        CheckImageSize(15);
        CheckImageSize(500);
        foreach (int size in new[] { 3, 14 })
            Assert.Equal($"ImageSize {size} is too small for pooling: the smallest image size it takes is 15 " +
                         "(Parameter 'ImageSize')",
                Assert.Throws<SettingException>(() => CheckImageSize(size)).Message);
        Assert.Contains("ImageSize 0 must be at least 1",
            Assert.Throws<SettingException>(() => CheckImageSize(0)).Message);

        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("mnist-cnn") with { ImageSize = 8 };
        Assert.Equal("ImageSize 8 is too small for mnist-cnn: the smallest image size it takes is 28 (Parameter 'ImageSize')",
            Assert.Throws<SettingException>(() => TrainingRun.Create(config, folder)).Message);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Predict_inverts_dark_on_light_digits_and_says_so()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, 600, 50);
        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("mnist-cnn") with
        {
            Data = data, Settings = new TrainingSettings(Epochs: 2, LearningRate: 0.05),
        };
        using (var run = TrainingRun.Create(config, folder)) run.Train();
        var digits = MnistFamily.Load(data, MnistVariant.Mnist, Split.Test);
        var light = digits.ImageBytes(0).ToArray();
        var dark = light.Select(b => (byte)(255 - b)).ToArray();
        DataTestFiles.WriteImage(temp.Combine("light.png"), light, 1, 28, 28);
        DataTestFiles.WriteImage(temp.Combine("dark.png"), dark, 1, 28, 28);
        using var trained = TrainedModel.Open(folder);
        var predictions = trained.Predict([temp.Combine("light.png"), temp.Combine("dark.png")], 1);
        Assert.Equal([false, true], predictions.Select(p => p.Inverted));
        Assert.Equal(predictions[0].Top[0].Class, predictions[1].Top[0].Class);
        Assert.False(trained.Predict([temp.Combine("dark.png")], 1, Polarity.AsIs)[0].Inverted);
        // A checkpoint is weights too, and the run's own evaluation is one call.
        using var best = TrainedModel.Open(folder, Path.Combine(folder, "best.ckpt"));
        Assert.InRange(best.Evaluate().Accuracy, 0, 1);
    }
}
