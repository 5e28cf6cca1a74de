// Options shared by several commands, with their help texts. Parsing only: meaning lives in the library.
using System.CommandLine;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Cli;

sealed class CommonOptions
{
    static readonly TrainingSettings Paper = new();

    public readonly Option<string> Model = new("--model")
    {
        Description = "Network to build (see `spinalnet models`).",
        DefaultValueFactory = _ => "mnist-cnn",
    };

    public readonly Option<string> Head = new("--head")
    {
        Description = "Classifier head: 'spinal' (the paper's Spinal layer) or 'fc' (the conventional " +
                      "fully-connected head of the authors' default script).",
        DefaultValueFactory = _ => "spinal",
    };

    public readonly Option<int?> SpinalWidth = new("--spinal-width")
    {
        Description = "Neurons in each spinal layer, what the authors call layer_width (default: the paper's " +
                      "value for the model, 8 for mnist-cnn).",
    };

    public readonly Option<int?> SpinalLayers = new("--spinal-layers")
    {
        Description = "Number of spinal layers stacked in the head (default: the paper's, 6 for mnist-cnn).",
    };

    public readonly Option<int?> Splits = new("--splits")
    {
        Description = "How many parts the features are cut into; each spinal layer reads one part, in turn. " +
                      "The part's size is what the authors call Half_width: with the default 2 it is half the " +
                      "feature width (160 of 320 for mnist-cnn).",
    };

    public readonly Option<string?> Data = new("--data")
    {
        Description = "Folder with MNIST-format IDX files (train-/t10k-{images-idx3,labels-idx1}-ubyte[.gz]). " +
                      "Default: the embedded sample of 8,000 train / 2,000 test real MNIST digits.",
    };

    public readonly Option<int?> Epochs = new("--epochs")
    {
        Description = $"Passes over the training data (default: the paper's, {Paper.Epochs} for mnist-cnn).",
    };

    public readonly Option<int?> BatchSize = new("--batch-size")
    {
        Description = $"Training mini-batch size (default: the paper's, {Paper.BatchSize} for mnist-cnn).",
    };

    public readonly Option<int?> TestBatchSize = new("--test-batch-size")
    {
        Description = $"Evaluation batch size; affects speed only (default {Paper.TestBatchSize}).",
    };

    public readonly Option<double?> LearningRate = new("--lr")
    {
        Description = $"SGD learning rate (default: the paper's, {Paper.LearningRate} for mnist-cnn).",
    };

    public readonly Option<double?> Momentum = new("--momentum")
    {
        Description = $"SGD momentum (default: the paper's, {Paper.Momentum} for mnist-cnn).",
    };

    public readonly Option<long?> Seed = new("--seed")
    {
        Description = $"Seed for weight initialisation, dropout and batch order (default {Paper.Seed}).",
    };

    public readonly Option<int?> Threads = new("--threads")
    {
        Description = "Torch CPU threads; results are repeatable for a fixed seed and thread count " +
                      "(default: one per core).",
    };

    public readonly Option<string?> InitialWeights = new("--weights")
    {
        Description = "Start from these weights instead of a random initialisation: a run's model.safetensors, or " +
                      "the authors' PyTorch state dict (.pt saved with torch.save(model.state_dict()), their key names).",
    };

    public CommonOptions()
    {
        Model.AcceptOnlyFromAmong(ModelCatalog.All.Select(m => m.Name).ToArray());
        Head.AcceptOnlyFromAmong("spinal", "fc");
    }

    public IEnumerable<Option> ModelOptions => [Model, Head, SpinalWidth, SpinalLayers, Splits];

    public IEnumerable<Option> TrainingOptions =>
        [Data, Epochs, BatchSize, TestBatchSize, LearningRate, Momentum, Seed, Threads];

    public ModelSpec GetModel(ParseResult r) => ModelCatalog.Get(r.GetValue(Model)!);

    public HeadKind GetHead(ParseResult r) => r.GetValue(Head) == "fc" ? HeadKind.Fc : HeadKind.Spinal;

    public SpinalOverrides GetSpinal(ParseResult r) =>
        new(r.GetValue(SpinalWidth), r.GetValue(SpinalLayers), r.GetValue(Splits));

    public TrainingSettings GetSettings(ParseResult r, ModelSpec spec)
    {
        var d = spec.Defaults;
        var settings = d with
        {
            Epochs = r.GetValue(Epochs) ?? d.Epochs,
            BatchSize = r.GetValue(BatchSize) ?? d.BatchSize,
            TestBatchSize = r.GetValue(TestBatchSize) ?? d.TestBatchSize,
            LearningRate = r.GetValue(LearningRate) ?? d.LearningRate,
            Momentum = r.GetValue(Momentum) ?? d.Momentum,
            Seed = r.GetValue(Seed) ?? d.Seed,
            Threads = r.GetValue(Threads) ?? d.Threads,
        };
        settings.Validate();
        return settings;
    }
}
