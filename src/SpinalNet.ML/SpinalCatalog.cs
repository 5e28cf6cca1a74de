// The Spinal trainers on ML.NET's catalogs (docs/mlnet.md §15.1): mlContext.MulticlassClassification.Trainers.Spinal,
// mlContext.BinaryClassification.Trainers.Spinal and mlContext.Regression.Trainers.Spinal, each with a simple overload
// of the common settings and one taking the task's options, as ML.NET's own trainers (SdcaMaximumEntropy) have; and
// mlContext.MulticlassClassification.Trainers.SpinalImageClassification over an image column (§15.8).
using Microsoft.ML;
using SpinalNet.Layers;

namespace SpinalNet.ML;

/// <summary>Extension methods that add the Spinal trainers to ML.NET's trainer catalogs.</summary>
public static class SpinalCatalog
{
    /// <summary>A Spinal MLP for multiclass classification: a key-typed label in; Score (the class probabilities) and
    /// PredictedLabel (the label's key type) out. Null settings take a default chosen from the data's size.</summary>
    public static SpinalTrainer Spinal(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int? width = null,
        int layers = 4, int? epochs = null, double learningRate = 0.002,
        Activation activation = Activation.LeakyRelu) =>
        catalog.Spinal(Fill(new SpinalMulticlassOptions(), labelColumnName, featureColumnName, width,
            layers, epochs, learningRate, activation));

    /// <summary>A Spinal MLP for multiclass classification with every option.</summary>
    public static SpinalTrainer Spinal(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        SpinalMulticlassOptions options) =>
        new(MlNetInternals.Environment(catalog), SpinalTask.Multiclass, options);

    /// <summary>A Spinal MLP for binary classification: a Boolean label in; Score (the logit), Probability and
    /// PredictedLabel out.</summary>
    public static SpinalTrainer Spinal(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int? width = null,
        int layers = 4, int? epochs = null, double learningRate = 0.002,
        Activation activation = Activation.LeakyRelu) =>
        catalog.Spinal(Fill(new SpinalBinaryOptions(), labelColumnName, featureColumnName, width,
            layers, epochs, learningRate, activation));

    /// <summary>A Spinal MLP for binary classification with every option.</summary>
    public static SpinalTrainer Spinal(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        SpinalBinaryOptions options) =>
        new(MlNetInternals.Environment(catalog), SpinalTask.Binary, options);

    /// <summary>A Spinal MLP for regression: a Single label in, Score out.</summary>
    public static SpinalTrainer Spinal(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int? width = null,
        int layers = 4, int? epochs = null, double learningRate = 0.002,
        Activation activation = Activation.LeakyRelu) =>
        catalog.Spinal(Fill(new SpinalRegressionOptions(), labelColumnName, featureColumnName, width,
            layers, epochs, learningRate, activation));

    /// <summary>A Spinal MLP for regression with every option.</summary>
    public static SpinalTrainer Spinal(this RegressionCatalog.RegressionTrainers catalog,
        SpinalRegressionOptions options) =>
        new(MlNetInternals.Environment(catalog), SpinalTask.Regression, options);

    /// <summary>An ImageNet backbone (resnet18-cntk, pretrained offline, by default) with a Spinal head over an image
    /// column (a path, or encoded bytes): a key-typed label in; Score (the class probabilities) and PredictedLabel out
    /// (docs/mlnet.md §15.8). The default trains the head alone on the frozen backbone's cached features.</summary>
    public static SpinalImageTrainer SpinalImageClassification(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, string labelColumnName = "Label",
        string imageColumnName = "Image", string backbone = "resnet18-cntk", int imageSize = 128,
        ImageFineTuning fineTuning = ImageFineTuning.FrozenBackbone, int? epochs = null,
        double? learningRate = null) =>
        catalog.SpinalImageClassification(new SpinalImageClassificationOptions
        {
            LabelColumnName = labelColumnName, ImageColumnName = imageColumnName, Backbone = backbone,
            ImageSize = imageSize, FineTuning = fineTuning, Epochs = epochs, LearningRate = learningRate,
        });

    /// <summary>The Spinal image classification trainer with every option.</summary>
    public static SpinalImageTrainer SpinalImageClassification(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        SpinalImageClassificationOptions options) =>
        new(MlNetInternals.Environment(catalog), options);

    static T Fill<T>(T options, string label, string features, int? width, int layers, int? epochs, double rate,
        Activation activation) where T : SpinalTrainerOptions
    {
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        options.Width = width;
        options.Layers = layers;
        options.Epochs = epochs;
        options.LearningRate = rate;
        options.Activation = activation;
        return options;
    }
}
