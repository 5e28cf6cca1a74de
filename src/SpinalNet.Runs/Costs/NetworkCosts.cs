// The cost of every network the library builds (docs/spinal-layer.md §1.5), the use case behind `spinalnet models`:
// each classifier with each head, and the regression networks, measured by one traced forward pass of a sample. The
// classifiers are checked on the meta device (shapes without storage) before they are built for the trace, so a
// network too large for the machine is refused rather than allocated.
using SpinalNet.Cost;
using SpinalNet.Models;
using SpinalNet.Regression;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <param name="Head">"fc" or "spinal".</param>
/// <param name="Total">The whole network's cost.</param>
/// <param name="HeadCost">The head's part of it (for the regression networks, the whole network).</param>
public sealed record NetworkCost(string Name, string Head, string Description, CostReport Total, CostReport HeadCost);

/// <summary>The costs of every network the library builds (`spinalnet models`).</summary>
public static class NetworkCosts
{
    /// <summary>The cost of the network a configuration describes (`spinalnet summary`), at the run's input
    /// shape.</summary>
    public static CostReport Of(RunConfig config) => Measure(config.Network);

    /// <summary>Traced on the CPU: libtorch has no meta kernel for convolutions (PyTorch's live in Python), so the
    /// network is built for real (after the memory check, which counts it on the meta device) and forgotten at
    /// once.</summary>
    static CostReport Measure(NetworkChoice network)
    {
        network.CheckFits();
        using var model = network.Spec.Build(network);
        return CostReport.Measure(model, network.InputShape);
    }

    /// <summary>The cost of <paramref name="network"/> from the traced cost of its backbone
    /// (<paramref name="backbone"/>, the `backbone` part of another head's report) and a trace of its head alone on
    /// the backbone's flat features: the backbone's forward pass, nearly all of the time at 224 px, runs once per
    /// network rather than once per head. For the ImageNet networks, whose backbone does not depend on the head.</summary>
    public static CostReport WithBackbone(NetworkChoice network, CostReport backbone)
    {
        network.CheckFits();
        using var model = network.Spec.Build(network);
        int features = model.Head switch
        {
            Layers.SpinalLayer spinal => spinal.Config.InputWidth,
            Layers.FullyConnectedHead fc => fc.Config.InputWidth,
            _ => throw new ArgumentException($"{network.Title}: the head reads no flat features", nameof(network)),
        };
        var head = CostReport.Measure(model.Head, features);
        return new CostReport([.. backbone.Layers, .. head.Layers.Select(l => l with { Name = $"head.{l.Name}" })]);
    }

    /// <summary>Every network with each head and its cost, as `spinalnet models` lists them.</summary>
    public static TextTable Table() => new(["model", "head", "parameters", "multiplications", "head parameters",
        "head multiplications", "description"], All().Select(n => new[] { n.Name, n.Head, Count(n.Total.Parameters),
        Count(n.Total.Multiplications), Count(n.HeadCost.Parameters), Count(n.HeadCost.Multiplications),
        n.Description }));

    /// <summary>A network's layers with their cost, then the backbone's, the head's and the whole's totals, as
    /// `spinalnet summary` shows them.</summary>
    public static TextTable Layers(CostReport cost)
    {
        string[] Total(string name, CostReport part) => [name, "", "", Count(part.Parameters), Count(part.Multiplications)];
        return new(["layer", "type", "output", "parameters", "multiplications"], [
            .. cost.Layers.Select(l => new[] { l.Name, l.Kind, $"[{string.Join(", ", l.OutputShape)}]",
                Count(l.Parameters), Count(l.Multiplications) }),
            ["", "", "", "", ""], Total("backbone total", cost.Part("backbone")), Total("head total", cost.Part("head")),
            Total("total", cost)]);
    }

    /// <summary>Each classifier with each head, then the regression networks.</summary>
    public static IEnumerable<NetworkCost> All()
    {
        foreach (var spec in ModelCatalog.All)
        {
            CostReport? backbone = null;
            foreach (var head in HeadComparison.Heads)
            {
                var network = spec.Network(head);
                var cost = backbone is not null ? WithBackbone(network, backbone) : Measure(network);
                if (spec.ImageNet is not null) backbone = cost.Part("backbone");
                yield return new NetworkCost(spec.Name, head.Id(), spec.Summary, cost, cost.Part("head"));
            }
        }
        foreach (var (name, description, create) in RegressionNetworks.All)
        {
            using var model = create();
            var cost = CostReport.Measure(model, SyntheticRegression.Inputs);
            yield return new NetworkCost(name, model.Kind == RegressionNet.Spinal ? "spinal" : "fc", description, cost, cost);
        }
    }
}
