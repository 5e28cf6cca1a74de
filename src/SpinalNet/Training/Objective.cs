// What a training run optimises and how it picks its best epoch (docs/architecture.md §14.4): the one part of the
// training loop (Training/Trainer.cs) that differs between the library's trainers. Classification (the paper's
// networks, the ImageNet backbones, the ML.NET multiclass trainers) takes class indices and cross-entropy (NLL on
// log-probabilities where the network outputs them); binary classification (ML.NET's binary trainer) one logit per
// sample against a 0/1 target with the logistic loss; regression (docs/regression.md §4, ML.NET's regression trainer)
// one or more outputs against real targets with the mean squared error, a [n, m] target broadcasting against [n, 1]
// predictions as in the authors' script. Each says how a split is evaluated and which number selects: accuracy (ties
// do not improve) or the loss, negated so that higher is better either way.
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>Which number of a held-out split picks the best epoch.</summary>
public enum SelectionMetric { Accuracy, Loss }

/// <summary>The loss a run trains on, how it evaluates a split, and what selects its best epoch.</summary>
public abstract class Objective
{
    protected Objective(SelectionMetric selectBy) => SelectBy = selectBy;

    /// <summary>The metric that picks the best epoch.</summary>
    public SelectionMetric SelectBy { get; }

    /// <summary>Classification into the network's classes, selecting by accuracy (the paper's scripts).</summary>
    public static readonly Objective Classification = new ClassificationObjective(SelectionMetric.Accuracy);

    /// <summary>Classification selecting by the loss, which small validation splits measure more finely than
    /// accuracy.</summary>
    public static readonly Objective ClassificationByLoss = new ClassificationObjective(SelectionMetric.Loss);

    /// <summary>One logit per sample against a 0/1 target ([n, 1] float32), selecting by the loss.</summary>
    public static readonly Objective Binary = new BinaryObjective();

    /// <summary>Real targets ([n, m] float32) and the mean squared error, selecting by the loss.</summary>
    public static readonly Objective Regression = new RegressionObjective();

    /// <summary>The loss of <paramref name="output"/> against <paramref name="target"/> with
    /// <paramref name="reduction"/> over the samples.</summary>
    public abstract Tensor Loss(ClassifierNetwork model, Tensor output, Tensor target, nn.Reduction reduction);

    /// <summary>The model's loss on every sample of <paramref name="split"/> and, where the objective has one, its
    /// accuracy (NaN for regression); in evaluation mode, without gradients, summed over the replicas.</summary>
    public abstract Evaluation Evaluate(ClassifierNetwork model, IBatchSource split, int batchSize,
        IReplicaGroup? replicas = null);

    /// <summary>The selection score of an evaluation: higher is better.</summary>
    public double Score(Evaluation evaluation) =>
        SelectBy == SelectionMetric.Accuracy ? evaluation.Accuracy : -evaluation.Loss;

    sealed class ClassificationObjective(SelectionMetric selectBy) : Objective(selectBy)
    {
        public override Tensor Loss(ClassifierNetwork model, Tensor output, Tensor target, nn.Reduction reduction) =>
            model.Loss(output, target, reduction);

        public override Evaluation Evaluate(ClassifierNetwork model, IBatchSource split, int batchSize,
            IReplicaGroup? replicas = null) => Evaluator.Evaluate(model, split, batchSize, replicas);
    }

    sealed class BinaryObjective() : Objective(SelectionMetric.Loss)
    {
        public override Tensor Loss(ClassifierNetwork model, Tensor output, Tensor target, nn.Reduction reduction) =>
            nn.functional.binary_cross_entropy_with_logits(output, target, reduction: reduction);

        public override Evaluation Evaluate(ClassifierNetwork model, IBatchSource split, int batchSize,
            IReplicaGroup? replicas = null) =>
            Evaluator.Sums(model, split, batchSize, replicas, (output, target) =>
                (Loss(model, output, target, nn.Reduction.Sum), output.gt(0).eq(target.gt(0.5)).sum()));
    }

    /// <summary>The squared error of each sample, averaged over its target's elements (so that a broadcast [n, m]
    /// target weighs every sample alike), reduced over the samples: the mean is the mean over all elements, the
    /// script's MSE.</summary>
    public static Tensor MeanSquaredError(Tensor output, Tensor target, nn.Reduction reduction = nn.Reduction.Mean)
    {
        var perSample = (output - target).square().flatten(1).mean([1]);
        return reduction switch
        {
            nn.Reduction.Sum => perSample.sum(),
            nn.Reduction.None => perSample,
            _ => perSample.mean(),
        };
    }

    sealed class RegressionObjective() : Objective(SelectionMetric.Loss)
    {
        public override Tensor Loss(ClassifierNetwork model, Tensor output, Tensor target, nn.Reduction reduction) =>
            MeanSquaredError(output, target, reduction);

        public override Evaluation Evaluate(ClassifierNetwork model, IBatchSource split, int batchSize,
            IReplicaGroup? replicas = null) =>
            Evaluator.Sums(model, split, batchSize, replicas,
                (output, target) => (Loss(model, output, target, nn.Reduction.Sum), null));
    }
}
