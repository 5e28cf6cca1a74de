// A classifier as the paper builds them (docs/networks.md §2): a feature backbone, a head (Spinal or conventional) on
// the flattened features, and an output transform (log_softmax where the authors' script applies it, else identity).
// Top-level names backbone / head / output are what cost reports and state-dict keys group by.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>Which head a network of the paper carries.</summary>
public enum HeadKind
{
    /// <summary>The Spinal head of the paper.</summary>
    Spinal,
    /// <summary>The conventional fully-connected head of the authors' default script.</summary>
    Fc,
}

/// <summary>Names of the heads.</summary>
public static class HeadKinds
{
    /// <summary>The name options and files use: "fc" or "spinal".</summary>
    public static string Id(this HeadKind head) => head == HeadKind.Fc ? "fc" : "spinal";

    /// <summary>The name charts and reports use: "default" or "Spinal".</summary>
    public static string Title(this HeadKind head) => head == HeadKind.Fc ? "default" : "Spinal";

    /// <summary>The head of an option's value ("spinal" or "fc"), or a one-line error.</summary>
    public static HeadKind Parse(string id) => id switch
    {
        "spinal" => HeadKind.Spinal,
        "fc" => HeadKind.Fc,
        _ => throw new SettingException("Head", id, "is not one of spinal, fc"),
    };
}

/// <summary>A classifier: backbone, head on its flattened features, output transform; what the trainer, the evaluator
/// and the cost report take. Any backbone whose output is [batch, features] and any head fit.</summary>
public sealed class ClassifierNetwork : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> backbone;
    readonly nn.Module<Tensor, Tensor> head;
    readonly nn.Module<Tensor, Tensor> output;
    readonly bool logSoftmax;
    readonly bool channelsLast;

    /// <summary>A network of the three parts, registered as backbone, head and output.</summary>
    /// <param name="logSoftmax">Whether the network outputs log-probabilities (the loss is then NLL) rather than
    /// logits (cross-entropy).</param>
    /// <param name="channelsLast">Whether the backbone reads its images in channels-last strides (docs/performance.md
    /// §9.7): the values and shapes are the same; oneDNN's convolutions then run on NHWC without reordering every
    /// activation, which took 4.5% off a ResNet-18 step's CPU time (its forward pass 16%). Only where measured to
    /// help.</param>
    public ClassifierNetwork(nn.Module<Tensor, Tensor> backbone, nn.Module<Tensor, Tensor> head, bool logSoftmax,
        bool channelsLast = false)
        : base(nameof(ClassifierNetwork))
    {
        this.backbone = backbone;
        this.head = head;
        output = logSoftmax ? nn.LogSoftmax(1) : nn.Identity();
        this.logSoftmax = logSoftmax;
        this.channelsLast = channelsLast;
        RegisterComponents();
    }

    /// <summary>NLL on log-probabilities where the network outputs them, cross-entropy on logits otherwise:
    /// the same value either way, as the scripts compute it.</summary>
    public Tensor Loss(Tensor output, Tensor target, nn.Reduction reduction) =>
        LossOf(logSoftmax, output, target, reduction);

    /// <summary>The loss of outputs that are log-probabilities (<paramref name="logProbabilities"/>) or logits.</summary>
    public static Tensor LossOf(bool logProbabilities, Tensor output, Tensor target, nn.Reduction reduction) =>
        logProbabilities
            ? nn.functional.nll_loss(output, target, reduction: reduction)
            : nn.functional.cross_entropy(output, target, reduction: reduction);

    /// <summary>Whether the network outputs log-probabilities (log_softmax) rather than logits.</summary>
    public bool OutputsLogProbabilities => logSoftmax;

    /// <summary>The head, Spinal or conventional.</summary>
    public nn.Module<Tensor, Tensor> Head => head;

    /// <summary>The backbone: everything before the head (what pretrained weights fill).</summary>
    public nn.Module<Tensor, Tensor> Backbone => backbone;

    /// <summary>What the head reads: the backbone's output for <paramref name="x"/>.</summary>
    public Tensor Features(Tensor x) => backbone.call(channelsLast && x.dim() == 4 ? ChannelsLast(x) : x);

    /// <summary>The same values, shape [N, C, H, W], with NHWC strides (libtorch's channels_last memory format).</summary>
    public static Tensor ChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>The network's Spinal head or its conventional head.</summary>
    public static nn.Module<Tensor, Tensor> HeadOf(HeadKind kind, SpinalConfig spinal, FullyConnectedConfig conventional)
        => kind == HeadKind.Spinal ? new SpinalLayer(spinal) : new FullyConnectedHead(conventional);

    /// <summary>A batch of samples to logits (or log-probabilities), [batch, classes].</summary>
    public override Tensor forward(Tensor x) => output.call(head.call(Features(x)));
}
