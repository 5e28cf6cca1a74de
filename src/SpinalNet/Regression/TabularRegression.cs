// Regression on the user's CSV data with both networks of the paper's regression experiment (docs/regression.md §4): a
// train / validation / test split drawn from the seed (70 / 15 / 15), features and target standardised with the
// training part's statistics only, both networks trained from the same seed on the same batches, the weights of the
// best validation epoch kept, and MSE, MAE and R² on the test part in the target's own units.
using SpinalNet.Cost;
using SpinalNet.Training;
using SpinalNet.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Regression;

/// <param name="Predicted">Test-part predictions, in target units, beside True.</param>
public sealed record TabularResult(RegressionNet Net, long Parameters, long Multiplications, double Mse, double Mae,
    double R2, IReadOnlyList<RegressionEpoch> History, float[] Predicted, float[] True);

/// <summary>Both regression networks trained and tested on a table, with a seeded split and standardisation.</summary>
public static class TabularRegression
{
    /// <summary>The fewest rows split into training, validation and test parts.</summary>
    public const int MinimumRows = 20;

    /// <summary>The share of the rows in the test part, and in the validation part.</summary>
    public const double TestFraction = 0.15;

    public static IReadOnlyList<TabularResult> Run(RegressionTable table, RegressionSettings settings,
        Action<RegressionNet, RegressionEpoch>? onEpoch = null,
        Action<RegressionNet, RegressionNetwork, Standardisation>? trained = null)
    {
        if (table.Count < MinimumRows)
            throw new DataFormatException(table.Source, $"{table.Count} data row{(table.Count == 1 ? " is" : "s are")} too few to split into training, " +
                                                        $"validation and test parts (at least {MinimumRows})");
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(table.Features, [table.Count, table.Width]);
        var y = torch.tensor(table.Targets, [table.Count, 1]);
        // One seeded permutation (Training/HoldOut.cs: the library's one split rule and generator) cut in three: training,
        // validation, test.
        var order = torch.tensor(HoldOut.Permutation(table.Count, settings.Seed));
        long nTest = HoldOut.Size(table.Count, TestFraction), nValidation = nTest,
            nTrain = table.Count - nTest - nValidation;
        Tensor Part(Tensor t, long start, long count) => t.index_select(0, order.narrow(0, start, count));
        var (trainX, trainY) = (Part(x, 0, nTrain), Part(y, 0, nTrain));
        var mean = trainX.mean([0]);
        var std = trainX.std(0);
        var (yMean, yStd) = (trainY.mean().item<float>(), trainY.std().item<float>());
        // Standardising divides by the training part's spread: a column constant there carries nothing to learn from.
        var spreads = std.data<float>().ToArray().Append(yStd).ToArray();
        var names = table.FeatureNames.Append(table.TargetName).ToArray();
        int constant = Array.FindIndex(spreads, s => !(s > 0));
        if (constant >= 0)
            throw new DataFormatException(table.Source, $"column '{names[constant]}' is constant in the training part " +
                                                        $"({nTrain} of {table.Count} rows, drawn from seed {settings.Seed}): " +
                                                        "it carries no information and cannot be standardised");
        Tensor Scale(Tensor t) => (t - mean) / std;
        Tensor ScaleY(Tensor t) => (t - yMean) / yStd;
        var validation = (Scale(Part(x, nTrain, nValidation)), ScaleY(Part(y, nTrain, nValidation)));
        var testX = Scale(Part(x, nTrain + nValidation, nTest));
        var testY = Part(y, nTrain + nValidation, nTest);

        var results = new List<TabularResult>();
        foreach (var net in new[] { RegressionNet.Conventional, RegressionNet.Spinal })
        {
            torch.manual_seed(settings.Seed);
            using var model = new RegressionNetwork(net, table.Width);
            var cost = CostReport.Measure(model, table.Width);
            var history = RegressionTrainer.Train(model, Scale(trainX), ScaleY(trainY), settings, validation,
                e => onEpoch?.Invoke(net, e));
            model.eval();
            float[] predicted, truth;
            using (torch.no_grad())
            {
                predicted = (model.call(testX) * yStd + yMean).flatten().data<float>().ToArray();
                truth = testY.flatten().data<float>().ToArray();
            }
            double mse = predicted.Zip(truth, (p, t) => (double)(p - t) * (p - t)).Average();
            double mae = predicted.Zip(truth, (p, t) => Math.Abs((double)p - t)).Average();
            double average = truth.Average();
            double variance = truth.Select(t => (t - average) * (t - average)).Average();
            trained?.Invoke(net, model, new Standardisation(mean.data<float>().ToArray(), std.data<float>().ToArray(),
                yMean, yStd));
            results.Add(new TabularResult(net, cost.Parameters, cost.Multiplications, mse, mae, 1 - mse / variance,
                history, predicted, truth));
        }
        return results;
    }
}
