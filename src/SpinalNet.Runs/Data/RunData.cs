// The data of a run: the training and test splits its data name means (Data/DatasetCatalog.cs), the training split
// through the run's augmentation pipeline, the test split (and the validation part held out of the training split, if
// asked for) through the pipeline's evaluation steps. Where a pipeline only normalises, a set is held as one normalised
// tensor (the fast path); otherwise batches are built per sample on worker threads. The pipeline is fitted to the
// network's input (docs/fine-tuning.md §13.3): grey samples repeated to three channels for a colour network, and the
// samples resized to the run's image size, in training and evaluation alike.
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>The data a run's configuration means: splits, augmentation, held-out validation part.</summary>
public static class RunData
{
    public static TrainingData Load(RunConfig config, Action<string>? warn = null)
    {
        var (train, test) = DatasetCatalog.OpenTrainTest(config.Data, config.DataRoot, warn);
        if (train.Count == 0) throw new DataFormatException(train.Source, "has no training samples");
        int classes = train.ClassNames.Count;
        if (classes > config.Classes)
            throw new ArgumentException($"{config.Data} has {classes} classes but {config.Model} has only " +
                                        $"{config.Classes} outputs", "data");
        var settings = config.Settings;
        IBatchSource Batches(ISampleSource samples, bool training) =>
            ToBatches(samples, Steps(config, samples, training), settings.Seed);

        var testBatches = TestBatches(config, test);
        // Cached features are of the evaluation steps' images: random augmentation would be one draw for every epoch.
        bool augment = !settings.CacheFeatures;
        if (settings.ValidationFraction == 0)
            return new TrainingData(Batches(train, augment), testBatches) { ClassNames = train.ClassNames };
        var (remaining, held) = HoldOut.Indices(train.Count, settings.ValidationFraction, settings.Seed);
        ISampleSource Part(long[] indices, string what) => new SampleSubset(train, indices.Select(i => (int)i).ToArray(), what);
        return new TrainingData(Batches(Part(remaining, "training part"), augment), testBatches,
            Batches(Part(held, "held out for validation"), false)) { ClassNames = train.ClassNames };
    }

    /// <summary>The test split alone, through the pipeline's evaluation steps (the training split is not read).</summary>
    public static IBatchSource LoadTest(RunConfig config, Action<string>? warn = null) =>
        TestBatches(config, DatasetCatalog.OpenSplit(config.Data, config.DataRoot, Split.Test, warn));

    /// <summary>The test split through the evaluation steps, checked to hold samples of the network's input shape.</summary>
    static IBatchSource TestBatches(RunConfig config, ISampleSource test)
    {
        if (test.Count == 0) throw new DataFormatException(test.Source, "has no test samples");
        var batches = ToBatches(test, Steps(config, test, training: false), config.Settings.Seed);
        try
        {
            CheckShape(config, batches);
            return batches;
        }
        catch
        {
            batches.Dispose();
            throw;
        }
    }

    /// <summary>Fails in one line when the data, through the pipeline, does not give the network's input shape (a
    /// colour set into a grey network, say), before any run folder exists.</summary>
    static void CheckShape(RunConfig config, IBatchSource samples)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var shape = samples.Batches([0], epoch: 0, firstBatch: 0, batchSize: 1).First().Images.shape[1..];
        var expected = config.InputShape;
        if (!shape.SequenceEqual(expected))
            throw new DataFormatException(samples.Source, $"gives samples of {string.Join(" x ", shape)} through the " +
                $"'{config.Augmentation}' pipeline, but {config.Model} takes {string.Join(" x ", expected)} " +
                "(channels x height x width)");
    }

    /// <summary>The pipeline's training or evaluation steps fitted to the network's input: grey samples to three
    /// channels where the network takes three, resized to the run's image size where it has one.</summary>
    public static IImageTransform Steps(RunConfig config, ISampleSource samples, bool training)
    {
        var pipeline = Pipelines.Get(config.Augmentation);
        bool toRgb = config.InputShape[0] == 3 && samples.Count > 0 && samples.ReadImage(0).Channels == 1;
        return Pipelines.Fitted(training ? pipeline.Train : pipeline.Eval, config.ImageSize, toRgb);
    }

    static IBatchSource ToBatches(ISampleSource samples, IImageTransform steps, long seed) =>
        Pipelines.OnlyNormalizes(steps) is { } statistics && samples is LabelledImages images
            ? images.ToImageDataset(statistics)
            : new AugmentedBatches(samples, steps, seed);
}
