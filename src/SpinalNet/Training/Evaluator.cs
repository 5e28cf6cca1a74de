// Test-set evaluation as the scripts report it (reference §3): mean loss over all samples and top-1 accuracy.
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <param name="Accuracy">Top-1 accuracy as a fraction in [0, 1].</param>
public sealed record Evaluation(double Loss, double Accuracy, long Samples);

public static class Evaluator
{
    public static Evaluation Evaluate(ClassifierNetwork model, ImageDataset data, int batchSize)
    {
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = torch.no_grad();
        double lossSum = 0;
        long correct = 0;
        try
        {
            for (long start = 0; start < data.Count; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                long n = Math.Min(batchSize, data.Count - start);
                var x = data.Images.narrow(0, start, n);
                var y = data.Labels.narrow(0, start, n);
                var output = model.call(x);
                lossSum += model.Loss(output, y, nn.Reduction.Sum).item<float>();
                correct += output.argmax(1).eq(y).sum().item<long>();
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return new Evaluation(lossSum / data.Count, (double)correct / data.Count, data.Count);
    }
}
