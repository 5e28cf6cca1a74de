// Table I of the paper as a use case, behind `spinalnet regress --target` (docs/regression.md §4.4), beside its twin on
// the user's data, CsvRegressionRun: the conventional and the Spinal network trained from the same seed on the same
// batches for each synthetic target, compared on the minimum of the last-mini-batch MSE after 100 and 200 epochs, on
// cost, and (in the default mode, which the script lacks) on the MSE of 1,000 fresh test samples.
using SpinalNet.Cost;
using SpinalNet.Regression;
using TorchSharp;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <param name="ScriptLayerReuse">The script's Spinal forward: layers 5 and 6 reuse layers 3 and 4.</param>
/// <param name="BroadcastNoise">The script's target: the noise vector broadcast into a samples × samples matrix.</param>
public sealed record TableOneOptions(bool ScriptLayerReuse = false, bool BroadcastNoise = false, int Samples = 1000,
    long DataSeed = 0)
{
    /// <summary>Which of the script's behaviours the run reproduces, in words.</summary>
    public string Mode => (ScriptLayerReuse, BroadcastNoise) switch
    {
        (false, false) => "default mode",
        (true, true) => "script-compatible mode (layer reuse, broadcast target)",
        (true, false) => "script layer reuse",
        _ => "script broadcast target",
    };
}

/// <param name="MinLossAtHalf">Minimum last-mini-batch MSE up to epoch 100 (or half the epochs, if fewer).</param>
/// <param name="TestMse">MSE on fresh test samples with their own noise; null in the script's broadcast mode.</param>
/// <param name="Paper">The paper's figures for the same target and network, MSE × 1e-3 after 100 / 200 epochs.</param>
public sealed record TableOneRow(RegressionNet Net, long Parameters, long Multiplications, long UsedParameters,
    int HalfEpoch, double MinLossAtHalf, double MinLossAtEnd, double? TestMse, IReadOnlyList<RegressionEpoch> History,
    (double At100, double At200) Paper);

/// <summary>Table I for one target: the conventional network's row, then the Spinal network's.</summary>
public sealed record TableOneResult(string Target, IReadOnlyList<TableOneRow> Rows)
{
    /// <summary>The share of the conventional network's multiplications the Spinal network does without.</summary>
    public double FewerMultiplications => 1 - (double)Rows[1].Multiplications / Rows[0].Multiplications;

    /// <summary>What the table shows, for the mode it was trained in.</summary>
    public string Heading(TableOneOptions options) =>
        $"target {Target}, {options.Mode}: minimum last-mini-batch MSE × 1e-3 (the paper's Table I beside it)";

    /// <summary>Both networks beside the paper's figures, after half and all of <paramref name="epochs"/>.</summary>
    public TextTable Table(int epochs) => new(["network", "parameters", "multiplications", "parameters trained",
        $"min @{Rows[0].HalfEpoch}", "paper @100", $"min @{epochs}", "paper @200", "test MSE × 1e-3"], Rows.Select(row =>
        new[] { row.Net.Title(), Count(row.Parameters), Count(row.Multiplications), Count(row.UsedParameters),
            Milli(row.MinLossAtHalf), $"{row.Paper.At100:F3}", Milli(row.MinLossAtEnd), $"{row.Paper.At200:F3}",
            row.TestMse is double t ? Milli(t) : "—" }));

    public string Footer => $"Spinal multiplications: {Percent(FewerMultiplications)} fewer";

    static string Milli(double mse) => (mse * 1000).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Table I of the paper: both regression networks on each synthetic target, beside the paper's
/// figures.</summary>
public static class TableOne
{
    /// <summary>The name that runs every target, in turn.</summary>
    public const string All = "all";

    /// <summary>The names of the synthetic targets, then <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Targets => [.. SyntheticRegression.Names, All];

    /// <summary>Table I for the target called <paramref name="target"/>, or for each in turn with
    /// <see cref="All"/>; each result comes as soon as its target is done.</summary>
    public static IEnumerable<TableOneResult> Run(string target, RegressionSettings settings, TableOneOptions options)
    {
        settings.Validate();
        foreach (var name in target == All ? SyntheticRegression.Names : [target])
            yield return new TableOneResult(name, Run(SyntheticRegression.Parse(name), settings, options));
    }

    /// <summary>The paper's Table I, MSE × 1e-3 after 100 / 200 epochs.</summary>
    public static (double At100, double At200) Paper(Target target, RegressionNet net) => (target, net) switch
    {
        (Target.Sum, RegressionNet.Conventional) => (1.178, 0.887),
        (Target.SinSum, RegressionNet.Conventional) => (1.918, 1.086),
        (Target.Product, RegressionNet.Conventional) => (3.875, 3.875),
        (Target.SinProduct, RegressionNet.Conventional) => (3.403, 1.554),
        (Target.Sum, _) => (1.007, 0.855),
        (Target.SinSum, _) => (1.912, 1.219),
        (Target.Product, _) => (3.966, 2.217),
        _ => (0.910, 0.910),
    };

    public static IReadOnlyList<TableOneRow> Run(Target target, RegressionSettings settings, TableOneOptions options)
    {
        using var scope = torch.NewDisposeScope();
        var (x, y) = SyntheticRegression.Generate(target, options.Samples, options.DataSeed, options.BroadcastNoise);
        // Fresh samples for the test the script lacks, from another stream of the same distribution.
        var (testX, testY) = SyntheticRegression.Generate(target, options.Samples, options.DataSeed + 1, false);
        int half = Math.Min(100, Math.Max(1, settings.Epochs / 2));
        var rows = new List<TableOneRow>();
        foreach (var net in new[] { RegressionNet.Conventional, RegressionNet.Spinal })
        {
            torch.manual_seed(settings.Seed);
            using var model = new RegressionNetwork(net, SyntheticRegression.Inputs, options.ScriptLayerReuse);
            var cost = CostReport.Measure(model, SyntheticRegression.Inputs);
            long used = RegressionTrainer.UsedParameters(model, x.narrow(0, 0, 8), y.narrow(0, 0, 8));
            var history = RegressionTrainer.Train(model, x, y, settings);
            double? test = options.BroadcastNoise ? null : RegressionTrainer.Evaluate(model, testX, testY);
            rows.Add(new TableOneRow(net, cost.Parameters, cost.Multiplications, used, half,
                history[half - 1].MinLastBatchLoss, history[^1].MinLastBatchLoss, test, history, Paper(target, net)));
        }
        return rows;
    }
}
