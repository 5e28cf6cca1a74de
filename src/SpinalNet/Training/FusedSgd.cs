// SGD with momentum over flat buffers (docs/performance.md §9.2): on its first step it moves the parameters of each
// parameter group, their gradients and their momentum buffers into three contiguous tensors per group, the parameters
// and gradients becoming views into them, so that a step is three element-wise operations per group instead of three
// per parameter tensor, and zero_grad is one per group. The arithmetic is TorchSharp's SGD's, element by element
// (buf = m·buf + g, p -= lr·buf, the first buffer a copy of g, weight decay g + λ·p), with each group's own learning
// rate (a head trained at another rate than its backbone, docs/fine-tuning.md §13.1), so results and the saved optimiser
// state are those of torch.optim.SGD with the same groups.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>SGD with momentum over one flat buffer of parameters, gradients and momentum per parameter group
/// (docs/performance.md §9.2).</summary>
public sealed class FusedSgd : SGD
{
    /// <summary>One group's tensors and, once packed, its flat buffers.</summary>
    sealed class Flat(Parameter[] tensors)
    {
        public readonly Parameter[] Tensors = tensors;
        public Tensor? Parameters, Gradients, Momentum;
        public Tensor[] MomentumViews = [];
        public bool MomentumStarted;
    }

    readonly Flat[] groups;
    bool packed;

    public FusedSgd(IReadOnlyList<Parameter> parameters, double learningRate, double momentum, double weightDecay)
        : this([(parameters, learningRate)], momentum, weightDecay) { }

    /// <summary>SGD over parameter groups, each with its own learning rate (momentum and weight decay shared).</summary>
    public FusedSgd(IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double LearningRate)> groups, double momentum,
        double weightDecay)
        : base(groups.Select(g => new ParamGroup(g.Parameters, new Options { LearningRate = g.LearningRate })).ToList(),
            groups[0].LearningRate, momentum, weight_decay: weightDecay)
    {
        this.groups = _parameter_groups.Select(g => new Flat(g.Parameters.ToArray())).ToArray();
    }

    // Read at every step: loading a state dict changes the options in place.
    Options OptionsOf(int group) => (Options)_parameter_groups[group].Options;

    public override void zero_grad()
    {
        if (!packed) base.zero_grad();
        else foreach (var g in groups) g.Gradients!.zero_();
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null || groups.All(g => g.Tensors.Length == 0)) return base.step(closure);
        using var noGrad = torch.no_grad();
        if (!packed && !Pack()) return base.step(closure);
        for (int k = 0; k < groups.Length; k++)
        {
            var (g, settings) = (groups[k], OptionsOf(k));
            if (g.Tensors.Length == 0) continue;
            SyncMomentum(g);
            double momentum = settings.momentum!.Value, decay = settings.weight_decay!.Value;
            var grad = decay != 0 ? g.Gradients!.add(g.Parameters!, alpha: decay) : g.Gradients!;
            if (momentum != 0)
            {
                if (g.MomentumStarted) g.Momentum!.mul_(momentum).add_(grad, alpha: 1 - settings.dampening!.Value);
                else
                {
                    g.Momentum!.copy_(grad);
                    g.MomentumStarted = true;
                    for (int i = 0; i < g.Tensors.Length; i++) StateOf(g, i).momentum_buffer = g.MomentumViews[i];
                }
                grad = g.Momentum;
            }
            g.Parameters!.add_(grad, alpha: -settings.LearningRate!.Value);
        }
        return null!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        foreach (var g in groups)
        {
            g.Parameters?.Dispose();
            g.Gradients?.Dispose();
            g.Momentum?.Dispose();
        }
    }

    State StateOf(Flat g, int i) => (State)_state[g.Tensors[i].Handle];

    /// <summary>Moves each group's parameters, gradients and momentum buffers into flat tensors; false where they cannot
    /// share one (mixed types or devices in a group, a parameter without a gradient, Nesterov or dampening), leaving the
    /// plain step.</summary>
    bool Pack()
    {
        if (groups.Select((g, k) => (g.Tensors, Options: OptionsOf(k))).Any(o =>
                o.Options.nesterov == true || o.Options.maximize == true ||
                o.Tensors.Any(p => p.grad is null || !Alike(p, o.Tensors[0]))))
            return false;
        foreach (var g in groups.Where(g => g.Tensors.Length > 0))
        {
            using (var scope = torch.NewDisposeScope())
            {
                g.Parameters = cat(g.Tensors.Select(p => p.detach().reshape(-1)).ToList(), 0).DetachFromDisposeScope();
                g.Gradients = cat(g.Tensors.Select(p => p.grad!.reshape(-1)).ToList(), 0).DetachFromDisposeScope();
                g.Momentum = zeros_like(g.Parameters).DetachFromDisposeScope();
                g.MomentumViews = new Tensor[g.Tensors.Length];
                long offset = 0;
                for (int i = 0; i < g.Tensors.Length; i++)
                {
                    var p = g.Tensors[i];
                    long n = p.numel();
                    p.set_(g.Parameters.narrow(0, offset, n).view(p.shape));
                    p.grad = g.Gradients.narrow(0, offset, n).view(p.shape);
                    g.MomentumViews[i] = g.Momentum.narrow(0, offset, n).view(p.shape).DetachFromDisposeScope();
                    offset += n;
                }
            }
            g.MomentumStarted = false;
        }
        packed = true;
        return true;
    }

    /// <summary>Whether two tensors can share one flat buffer: the same type on the same device (compared by type and
    /// index: TorchSharp's Device objects are distinct per tensor, so == on them is never true).</summary>
    internal static bool Alike(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.device_type == b.device_type && a.device_index == b.device_index;

    /// <summary>Adopts momentum buffers that were loaded (load_state_dict replaces the state's tensors): their values
    /// move into the group's flat buffer and the state points at its views again.</summary>
    void SyncMomentum(Flat g)
    {
        bool changed = false;
        for (int i = 0; i < g.Tensors.Length && !changed; i++)
        {
            var buffer = StateOf(g, i).momentum_buffer;
            changed = g.MomentumStarted ? !ReferenceEquals(buffer, g.MomentumViews[i]) : buffer is not null;
        }
        if (!changed) return;
        for (int i = 0; i < g.Tensors.Length; i++)
        {
            var state = StateOf(g, i);
            if (state.momentum_buffer is { } loaded && !ReferenceEquals(loaded, g.MomentumViews[i]))
            {
                g.MomentumViews[i].copy_(loaded);
                loaded.Dispose();
            }
            else if (state.momentum_buffer is null) g.MomentumViews[i].zero_();
            state.momentum_buffer = g.MomentumViews[i];
        }
        g.MomentumStarted = true;
    }
}
