// SGD with momentum over one flat buffer (docs/performance.md §9.2): on its first step it moves every parameter, its
// gradient and its momentum buffer into three contiguous tensors, the parameters and gradients becoming views into
// them, so that a step is three element-wise operations on the whole model instead of three per parameter tensor, and
// zero_grad is one. The arithmetic is TorchSharp's SGD's, element by element (buf = m·buf + g, p -= lr·buf, the first
// buffer a copy of g, weight decay g + λ·p), so results and the saved optimiser state are those of torch.optim.SGD.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>SGD with momentum over one flat buffer of parameters, gradients and momentum (docs/performance.md §9.2).</summary>
public sealed class FusedSgd : SGD
{
    readonly Parameter[] tensors;
    Tensor? flatParameters, flatGradients, flatMomentum;
    Tensor[] momentumViews = [];
    bool momentumStarted;

    public FusedSgd(IReadOnlyList<Parameter> parameters, double learningRate, double momentum, double weightDecay)
        : base(parameters, learningRate, momentum, weight_decay: weightDecay)
    {
        tensors = parameters.ToArray();
    }

    Options Settings => (Options)_parameter_groups.Single().Options;

    public override void zero_grad()
    {
        if (flatGradients is null) base.zero_grad();
        else flatGradients.zero_();
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null || tensors.Length == 0) return base.step(closure);
        using var noGrad = torch.no_grad();
        if (flatParameters is null && !Pack()) return base.step(closure);
        SyncMomentum();
        var settings = Settings;
        double momentum = settings.momentum!.Value, decay = settings.weight_decay!.Value, rate = settings.LearningRate!.Value;
        var grad = decay != 0 ? flatGradients!.add(flatParameters!, alpha: decay) : flatGradients!;
        if (momentum != 0)
        {
            if (momentumStarted) flatMomentum!.mul_(momentum).add_(grad, alpha: 1 - settings.dampening!.Value);
            else
            {
                flatMomentum!.copy_(grad);
                momentumStarted = true;
                for (int i = 0; i < tensors.Length; i++) StateOf(i).momentum_buffer = momentumViews[i];
            }
            grad = flatMomentum;
        }
        flatParameters!.add_(grad, alpha: -rate);
        return null!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        flatParameters?.Dispose();
        flatGradients?.Dispose();
        flatMomentum?.Dispose();
    }

    State StateOf(int i) => (State)_state[tensors[i].Handle];

    /// <summary>Moves parameters, gradients and momentum buffers into flat tensors; false where they cannot share one
    /// (mixed types or devices, a parameter without a gradient, Nesterov or dampening), leaving the plain step.</summary>
    bool Pack()
    {
        var settings = Settings;
        if (settings.nesterov == true || settings.maximize == true ||
            tensors.Any(p => p.grad is null || p.dtype != tensors[0].dtype || p.device != tensors[0].device))
            return false;
        using (var scope = torch.NewDisposeScope())
        {
            flatParameters = cat(tensors.Select(p => p.detach().reshape(-1)).ToList(), 0).DetachFromDisposeScope();
            flatGradients = cat(tensors.Select(p => p.grad!.reshape(-1)).ToList(), 0).DetachFromDisposeScope();
            flatMomentum = zeros_like(flatParameters).DetachFromDisposeScope();
            momentumViews = new Tensor[tensors.Length];
            long offset = 0;
            for (int i = 0; i < tensors.Length; i++)
            {
                var p = tensors[i];
                long n = p.numel();
                p.set_(flatParameters.narrow(0, offset, n).view(p.shape));
                p.grad = flatGradients.narrow(0, offset, n).view(p.shape);
                momentumViews[i] = flatMomentum.narrow(0, offset, n).view(p.shape).DetachFromDisposeScope();
                offset += n;
            }
        }
        momentumStarted = false;
        SyncMomentum();
        return true;
    }

    /// <summary>Adopts momentum buffers that were loaded (load_state_dict replaces the state's tensors): their values
    /// move into the flat buffer and the state points at its views again.</summary>
    void SyncMomentum()
    {
        bool changed = false;
        for (int i = 0; i < tensors.Length && !changed; i++)
        {
            var buffer = StateOf(i).momentum_buffer;
            changed = momentumStarted ? !ReferenceEquals(buffer, momentumViews[i]) : buffer is not null;
        }
        if (!changed) return;
        for (int i = 0; i < tensors.Length; i++)
        {
            var state = StateOf(i);
            if (state.momentum_buffer is { } loaded && !ReferenceEquals(loaded, momentumViews[i]))
            {
                momentumViews[i].copy_(loaded);
                loaded.Dispose();
            }
            else if (state.momentum_buffer is null) momentumViews[i].zero_();
            state.momentum_buffer = momentumViews[i];
        }
        momentumStarted = true;
    }
}
