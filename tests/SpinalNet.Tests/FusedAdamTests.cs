// Adam and AdamW over flat buffers (docs/performance.md §9.2) against TorchSharp's own: the same weights after 20 steps
// of the MNIST CNN, with and without weight decay, with two parameter groups at different rates, and a save / load of
// the state in the middle continuing exactly.
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class FusedAdamTests
{
    static ClassifierNetwork Model() => FusedSgdTests.Model();

    static void Steps(ClassifierNetwork model, OptimizerHelper optimizer, int from, int to) =>
        FusedSgdTests.Steps(model, optimizer, from, to);

    /// <summary>The backbone at <paramref name="rate"/>, the head at a tenth of it.</summary>
    static (IReadOnlyList<Parameter>, double)[] Groups(ClassifierNetwork model, double rate)
    {
        var head = model.Head.parameters().ToList();
        var inHead = head.Select(p => p.Handle).ToHashSet();
        return [(model.parameters().Where(p => !inHead.Contains(p.Handle)).ToList(), rate), (head, rate / 10)];
    }

    static OptimizerHelper Reference(bool decoupled, (IReadOnlyList<Parameter> Parameters, double Rate)[] groups,
        double decay) => decoupled
        ? torch.optim.AdamW(groups.Select(g => new AdamW.ParamGroup(g.Parameters, new AdamW.Options { LearningRate = g.Rate })),
            groups[0].Rate, weight_decay: decay)
        : torch.optim.Adam(groups.Select(g => new Adam.ParamGroup(g.Parameters, new Adam.Options { LearningRate = g.Rate })),
            groups[0].Rate, weight_decay: decay);

    static OptimizerHelper Fused(bool decoupled, (IReadOnlyList<Parameter>, double)[] groups, double decay) =>
        decoupled ? new FusedAdamW(groups, decay) : new FusedAdam(groups, decay);

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 0.01)]
    [InlineData(true, 0.0)]
    [InlineData(true, 0.05)]
    public void Twenty_steps_equal_torchsharps_optimiser(bool decoupled, double decay)
    {
        using var expected = Model();
        using var actual = Model();
        using (var reference = Reference(decoupled, Groups(expected, 0.005), decay)) Steps(expected, reference, 0, 20);
        using (var fused = Fused(decoupled, Groups(actual, 0.005), decay)) Steps(actual, fused, 0, 20);
        foreach (var ((name, a), (_, b)) in expected.state_dict().Zip(actual.state_dict()))
            Assert.True(a.allclose(b, rtol: 0, atol: 1e-6), $"{name}: max difference {(a - b).abs().max().item<float>()}");
    }

    /// <summary>After a step the parameters are consecutive views of one buffer per group (a fallback to the
    /// per-tensor step gives the same numbers, so only this tells them apart).</summary>
    [Theory]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void The_step_runs_over_one_buffer_per_group(string kind)
    {
        using var model = Model();
        var groups = Groups(model, 0.005);
        using OptimizerHelper optimizer = kind switch
        {
            "adam" => new FusedAdam(groups, 0),
            "adamw" => new FusedAdamW(groups, 0.01),
            _ => new FusedSgd(groups, 0.5, 0),
        };
        Steps(model, optimizer, 0, 1);
        foreach (var (parameters, _) in groups)
        {
            long offset = 0;
            foreach (var p in parameters)
            {
                Assert.Equal(offset, p.storage_offset());
                Assert.Equal(offset, p.grad!.storage_offset());
                offset += p.numel();
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Saved_state_continues_exactly(bool decoupled) =>
        FusedSgdTests.AssertSavedStateContinues(model => Fused(decoupled, Groups(model, 0.005), 0.01));
}
