// The data of a run (reference §3, §6): the embedded sample, a folder of MNIST-format IDX files, or a known data set
// under the data root; its training split through the run's augmentation pipeline, its test split (and the
// validation part held out of the training split, if asked for) through the pipeline's evaluation steps. Where a
// pipeline only normalises, the set is held as one normalised tensor (the fast path); otherwise batches are built
// per sample on worker threads.
using SpinalNet.Augmentation;
using SpinalNet.Data;

namespace SpinalNet.Training;

public static class RunData
{
    public static TrainingData Load(RunConfig config, int modelClasses, Action<string>? warn = null)
    {
        var (train, test) = Open(config, warn);
        int classes = train.ClassNames.Count;
        if (classes > modelClasses)
            throw new ArgumentException($"{config.Data} has {classes} classes but {config.Model} has only " +
                                        $"{modelClasses} outputs", "data");
        var pipeline = Pipelines.Get(config.Augmentation);
        var settings = config.Settings;
        IBatchSource Batches(ISampleSource samples, IImageTransform steps) => ToBatches(samples, steps, settings.Seed);

        if (settings.ValidationFraction == 0)
            return new TrainingData(Batches(train, pipeline.Train), Batches(test, pipeline.Eval))
                { ClassNames = train.ClassNames };
        var (remaining, held) = HoldOut.Indices(train.Count, settings.ValidationFraction, settings.Seed);
        ISampleSource Part(long[] indices, string what) => new SampleSubset(train, indices.Select(i => (int)i).ToArray(), what);
        return new TrainingData(Batches(Part(remaining, "training part"), pipeline.Train), Batches(test, pipeline.Eval),
            Batches(Part(held, "held out for validation"), pipeline.Eval)) { ClassNames = train.ClassNames };
    }

    /// <summary>The test split alone, through the pipeline's evaluation steps.</summary>
    public static IBatchSource LoadTest(RunConfig config, Action<string>? warn = null)
    {
        var (_, test) = Open(config, warn);
        return ToBatches(test, Pipelines.Get(config.Augmentation).Eval, config.Settings.Seed);
    }

    static IBatchSource ToBatches(ISampleSource samples, IImageTransform steps, long seed) =>
        OnlyNormalizes(steps) is { } statistics && samples is LabelledImages images
            ? images.ToImageDataset(statistics)
            : new AugmentedBatches(samples, steps, seed);

    /// <summary>The training and test splits as sample sources; <paramref name="warn"/> hears of skipped files.</summary>
    public static (ISampleSource Train, ISampleSource Test) Open(RunConfig config, Action<string>? warn = null)
    {
        if (config.Data == RunConfig.EmbeddedData || Directory.Exists(config.Data) && !IsKnown(config.Data))
        {
            string folder = config.DataFolder ?? MnistFolder.EmbeddedSample;
            return (MnistFamily.Load(folder, MnistVariant.Mnist, Split.Train),
                MnistFamily.Load(folder, MnistVariant.Mnist, Split.Test));
        }
        if (!IsKnown(config.Data))
            throw new DataFormatException(config.Data,
                $"neither a folder nor a known data set (known: {string.Join(", ", DatasetCatalog.All.Select(d => d.Name))})");
        var info = DatasetCatalog.Get(config.Data);
        string root = config.DataRoot ?? DatasetCatalog.DefaultRoot;
        if (!info.IsPresent(root))
            throw new DataFormatException(info.Path(root),
                $"{info.Name} is not there; fetch it with `spinalnet data download {info.Name} --root {root}`" +
                (info.ManualSource is null ? "" : $" or place it by hand from {info.ManualSource}"));
        var splits = info.Splits.ToList();
        string testSplit = splits.FirstOrDefault(s => s.Equals("test", StringComparison.OrdinalIgnoreCase)) ?? splits[1];
        return (DatasetCatalog.Open(info, root, splits[0], warn), DatasetCatalog.Open(info, root, testSplit, warn));
    }

    static bool IsKnown(string name) =>
        DatasetCatalog.All.Any(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The statistics, where a pipeline does nothing but normalise (or nothing at all).</summary>
    static ChannelNormalization? OnlyNormalizes(IImageTransform steps) => steps switch
    {
        Normalize n => n.Statistics,
        Compose { Steps.Count: 0 } => ChannelNormalization.None,
        Compose { Steps.Count: 1 } c => OnlyNormalizes(c.Steps[0]),
        _ => null,
    };
}
