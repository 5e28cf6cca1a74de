// The data of a run: the training and test splits its data name means (Data/DatasetCatalog.cs), the training split
// through the run's augmentation pipeline, the test split (and the validation part held out of the training split, if
// asked for) through the pipeline's evaluation steps. Where a pipeline only normalises, a set is held as one normalised
// tensor (the fast path); otherwise batches are built per sample on worker threads.
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Training;

namespace SpinalNet.Runs;

public static class RunData
{
    public static TrainingData Load(RunConfig config, Action<string>? warn = null)
    {
        var (train, test) = DatasetCatalog.OpenTrainTest(config.Data, config.DataRoot, warn);
        int classes = train.ClassNames.Count;
        if (classes > config.ClassCount)
            throw new ArgumentException($"{config.Data} has {classes} classes but {config.Model} has only " +
                                        $"{config.ClassCount} outputs", "data");
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
        var (_, test) = DatasetCatalog.OpenTrainTest(config.Data, config.DataRoot, warn);
        return ToBatches(test, Pipelines.Get(config.Augmentation).Eval, config.Settings.Seed);
    }

    static IBatchSource ToBatches(ISampleSource samples, IImageTransform steps, long seed) =>
        Pipelines.OnlyNormalizes(steps) is { } statistics && samples is LabelledImages images
            ? images.ToImageDataset(statistics)
            : new AugmentedBatches(samples, steps, seed);
}
