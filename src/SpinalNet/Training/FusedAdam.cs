// Adam and AdamW over flat buffers (docs/performance.md §9.2), as FusedSgd does for SGD: on the first step the
// parameters of each group, their gradients and both moment estimates move into contiguous tensors (the parameters,
// gradients and the optimiser state's tensors becoming views into them), so that a step is about eight element-wise
// operations per group instead of eight per parameter tensor. The arithmetic is TorchSharp's Adam's and AdamW's, in
// the same order (L2 decay added to the gradient for Adam, p ← p·(1 − lr·λ) first for AdamW; the bias corrections of
// the step count), with each group's own options, so results and the saved optimiser state are theirs. AMSGrad, a
// group with mixed types or devices, or a parameter without a gradient keep the per-tensor step.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>The flat buffers of Adam or AdamW and the one step over them both take: <paramref name="decoupledDecay"/>
/// says which weight decay, AdamW's or Adam's. Where the buffers cannot serve, the optimiser's own method runs.</summary>
sealed class FlatAdam(IList<ParamGroup> groups, IDictionary<IntPtr, OptimizerState> states, bool decoupledDecay)
{
    /// <summary>The moment tensors and step count of one parameter, read from and written to the optimiser's state.</summary>
    internal sealed record Moments(Tensor ExpAvg, Tensor ExpAvgSq, long Step);

    /// <summary>The options a step reads, per group (loading a state dict changes them in place).</summary>
    internal sealed record Settings(double LearningRate, double Beta1, double Beta2, double Eps, double WeightDecay,
        bool Amsgrad, bool Maximize);

    sealed class Flat(Parameter[] tensors)
    {
        public readonly Parameter[] Tensors = tensors;
        public Tensor? Parameters, Gradients, ExpAvg, ExpAvgSq;
        public Tensor[] AvgViews = [], SqViews = [];
    }

    readonly Flat[] flats = groups.Select(g => new Flat(g.Parameters.ToArray())).ToArray();
    bool packed;

    /// <summary>The parameter groups of an Adam-family optimiser, each at its own learning rate.</summary>
    public static List<TGroup> Groups<TGroup, TOptions>(
        IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double LearningRate)> groups)
        where TGroup : ParamGroup<TOptions>, new() where TOptions : OptimizerOptions, new() =>
        groups.Select(g => new TGroup { Parameters = g.Parameters, Options = new() { LearningRate = g.LearningRate } })
            .ToList();

    // Adam's and AdamW's classes of options and of state share their fields but no type.
    Settings SettingsOf(int group) => groups[group].Options switch
    {
        Adam.Options o => new(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value,
            o.amsgrad!.Value, o.maximize!.Value),
        AdamW.Options o => new(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value,
            o.amsgrad!.Value, o.maximize!.Value),
        var other => throw new NotSupportedException($"{other.GetType()} is not Adam's or AdamW's options"),
    };

    Moments Read(Parameter p) => states[p.Handle] switch
    {
        Adam.State s => new(s.exp_avg, s.exp_avg_sq, s.step),
        AdamW.State s => new(s.exp_avg, s.exp_avg_sq, s.step),
        var other => throw new NotSupportedException($"{other.GetType()} is not Adam's or AdamW's state"),
    };

    void Write(Parameter p, Moments m)
    {
        if (states[p.Handle] is Adam.State s) (s.exp_avg, s.exp_avg_sq, s.step) = (m.ExpAvg, m.ExpAvgSq, m.Step);
        else if (states[p.Handle] is AdamW.State w) (w.exp_avg, w.exp_avg_sq, w.step) = (m.ExpAvg, m.ExpAvgSq, m.Step);
    }

    /// <summary>Zeroes the gradients in their flat buffers; before the buffers exist, through the optimiser's own
    /// <paramref name="perTensor"/>.</summary>
    public void ZeroGrad(Action perTensor)
    {
        if (!packed) perTensor();
        else foreach (var f in flats) f.Gradients?.zero_();
    }

    /// <summary>One step over the flat buffers; the optimiser's own <paramref name="perTensor"/> step with a closure
    /// or where the buffers cannot be used.</summary>
    public Tensor Step(Func<Tensor>? closure, Func<Func<Tensor>?, Tensor> perTensor) =>
        closure is null && FlatStep() ? null! : perTensor(closure);

    bool FlatStep()
    {
        if (flats.All(f => f.Tensors.Length == 0)) return false;
        using var noGrad = torch.no_grad();
        if (!packed && !Pack()) return false;
        for (int k = 0; k < flats.Length; k++)
        {
            var (f, s) = (flats[k], SettingsOf(k));
            if (f.Tensors.Length == 0) continue;
            Adopt(f);
            long step = Read(f.Tensors[0]).Step + 1;
            foreach (var p in f.Tensors) Write(p, Read(p) with { Step = step });
            double correction1 = 1 - Math.Pow(s.Beta1, step), correction2 = 1 - Math.Pow(s.Beta2, step);
            using var scope = torch.NewDisposeScope();
            var grad = s.Maximize ? f.Gradients!.neg() : f.Gradients!;
            if (decoupledDecay) f.Parameters!.mul_(1 - s.LearningRate * s.WeightDecay);
            else if (s.WeightDecay != 0) grad = grad.add(f.Parameters!, alpha: s.WeightDecay);
            f.ExpAvg!.mul_(s.Beta1).add_(grad, alpha: 1 - s.Beta1);
            f.ExpAvgSq!.mul_(s.Beta2).addcmul_(grad, grad, value: 1 - s.Beta2);
            var denominator = (f.ExpAvgSq.sqrt() / Math.Sqrt(correction2)).add_(s.Eps);
            f.Parameters!.addcdiv_(f.ExpAvg, denominator, value: -s.LearningRate / correction1);
        }
        return true;
    }

    /// <summary>Moves each group's parameters, gradients and moments into flat tensors, the moments keeping their
    /// values.</summary>
    bool Pack()
    {
        if (flats.Select((f, k) => (f.Tensors, Settings: SettingsOf(k))).Any(o => o.Settings.Amsgrad ||
                o.Tensors.Any(p => p.grad is null || !FusedSgd.Alike(p, o.Tensors[0]))))
            return false;
        foreach (var f in flats.Where(f => f.Tensors.Length > 0))
        {
            using var scope = torch.NewDisposeScope();
            Tensor Flatten(Func<Parameter, Tensor> part) =>
                cat(f.Tensors.Select(p => part(p).detach().reshape(-1)).ToList(), 0).DetachFromDisposeScope();
            f.Parameters = Flatten(p => p);
            f.Gradients = Flatten(p => p.grad!);
            f.ExpAvg = Flatten(p => Read(p).ExpAvg);
            f.ExpAvgSq = Flatten(p => Read(p).ExpAvgSq);
            f.AvgViews = new Tensor[f.Tensors.Length];
            f.SqViews = new Tensor[f.Tensors.Length];
            long offset = 0;
            for (int i = 0; i < f.Tensors.Length; i++)
            {
                var p = f.Tensors[i];
                long n = p.numel();
                Tensor View(Tensor flat) => flat.narrow(0, offset, n).view(p.shape).DetachFromDisposeScope();
                p.set_(f.Parameters.narrow(0, offset, n).view(p.shape));
                p.grad = f.Gradients.narrow(0, offset, n).view(p.shape);
                var old = Read(p);
                (f.AvgViews[i], f.SqViews[i]) = (View(f.ExpAvg), View(f.ExpAvgSq));
                Write(p, new Moments(f.AvgViews[i], f.SqViews[i], old.Step));
                old.ExpAvg.Dispose();
                old.ExpAvgSq.Dispose();
                offset += n;
            }
        }
        packed = true;
        return true;
    }

    /// <summary>Adopts moments that were loaded into new tensors (a state dict loaded from another optimiser): their
    /// values move into the flat buffers and the state points at the views again.</summary>
    void Adopt(Flat f)
    {
        for (int i = 0; i < f.Tensors.Length; i++)
        {
            var m = Read(f.Tensors[i]);
            if (!ReferenceEquals(m.ExpAvg, f.AvgViews[i]))
            {
                f.AvgViews[i].copy_(m.ExpAvg);
                m.ExpAvg.Dispose();
            }
            if (!ReferenceEquals(m.ExpAvgSq, f.SqViews[i]))
            {
                f.SqViews[i].copy_(m.ExpAvgSq);
                m.ExpAvgSq.Dispose();
            }
            Write(f.Tensors[i], m with { ExpAvg = f.AvgViews[i], ExpAvgSq = f.SqViews[i] });
        }
    }

    public void Dispose()
    {
        foreach (var f in flats)
        {
            f.Parameters?.Dispose();
            f.Gradients?.Dispose();
            f.ExpAvg?.Dispose();
            f.ExpAvgSq?.Dispose();
        }
    }
}

/// <summary>Adam (L2 weight decay in the gradient) over flat buffers per parameter group.</summary>
public sealed class FusedAdam : Adam
{
    readonly FlatAdam flat;

    /// <summary>Adam over parameter groups, each with its own learning rate.</summary>
    public FusedAdam(IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double LearningRate)> groups, double weightDecay)
        : base(FlatAdam.Groups<ParamGroup, Options>(groups), groups[0].LearningRate, weight_decay: weightDecay) =>
        flat = new FlatAdam(_parameter_groups, _state, decoupledDecay: false);

    public override void zero_grad() => flat.ZeroGrad(base.zero_grad);
    public override Tensor step(Func<Tensor>? closure = null) => flat.Step(closure, base.step);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) flat.Dispose();
    }
}

/// <summary>AdamW (decoupled weight decay) over flat buffers per parameter group.</summary>
public sealed class FusedAdamW : AdamW
{
    readonly FlatAdam flat;

    /// <summary>AdamW over parameter groups, each with its own learning rate.</summary>
    public FusedAdamW(IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double LearningRate)> groups, double weightDecay)
        : base(FlatAdam.Groups<ParamGroup, Options>(groups), groups[0].LearningRate, weight_decay: weightDecay) =>
        flat = new FlatAdam(_parameter_groups, _state, decoupledDecay: true);

    public override void zero_grad() => flat.ZeroGrad(base.zero_grad);
    public override Tensor step(Func<Tensor>? closure = null) => flat.Step(closure, base.step);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) flat.Dispose();
    }
}
