// What an exported ONNX model says about itself in its metadata (docs/deployment.md §8.2), so that any runtime can
// feed it and name its answers: the class names, the input shape and channel order, the normalisation (mean, std),
// whether the output is log-probabilities or logits, a plain-words description of the preprocessing, and the run's
// whole configuration, from which this library rebuilds the exact evaluation pipeline.
using System.Text.Json;
using SpinalNet.Augmentation;
using SpinalNet.Data;

namespace SpinalNet.Runs;

/// <param name="LogProbabilities">The output is log_softmax (else logits); softmax gives probabilities either way.</param>
public sealed record OnnxModelCard(RunConfig Config, IReadOnlyList<string> ClassNames, bool LogProbabilities)
{
    public const string ConfigKey = "spinalnet.config", ClassesKey = "classes", InputShapeKey = "input_shape",
        ChannelOrderKey = "channel_order", MeanKey = "mean", StdKey = "std", OutputKey = "output",
        PreprocessingKey = "preprocessing";

    /// <summary>The normalisation of the run's evaluation pipeline, where that pipeline does nothing else.</summary>
    public ChannelNormalization? Normalization => Pipelines.OnlyNormalizes(Pipelines.Get(Config.Augmentation).Eval);

    public Dictionary<string, string> ToMetadata()
    {
        var shape = Config.InputShape;
        var metadata = new Dictionary<string, string>
        {
            [ClassesKey] = JsonSerializer.Serialize(ClassNames),
            [InputShapeKey] = JsonSerializer.Serialize(shape),
            [ChannelOrderKey] = shape[0] == 1 ? "gray" : "RGB",
            [OutputKey] = LogProbabilities ? "log_softmax" : "logits",
            [ConfigKey] = RunJson.Serialize(Config),
        };
        string size = $"{shape[1]}×{shape[2]}";
        if (Normalization is { } n)
        {
            metadata[MeanKey] = JsonSerializer.Serialize(Enumerable.Range(0, (int)shape[0]).Select(n.MeanOf));
            metadata[StdKey] = JsonSerializer.Serialize(Enumerable.Range(0, (int)shape[0]).Select(n.StdOf));
            metadata[PreprocessingKey] = $"decode to {metadata[ChannelOrderKey]}, values / 255 in [0, 1], bilinear " +
                                         $"resize to {size}, then (x - mean[c]) / std[c]; NCHW float32 [batch, " +
                                         $"{string.Join(", ", shape)}]";
        }
        else
            metadata[PreprocessingKey] = $"decode to {metadata[ChannelOrderKey]}, values / 255 in [0, 1], resize to " +
                                         $"{size}, then the evaluation steps of pipeline '{Config.Augmentation}'";
        return metadata;
    }

    /// <summary>The card of an exported model's metadata, or a one-line error naming <paramref name="source"/>.</summary>
    public static OnnxModelCard FromMetadata(IReadOnlyDictionary<string, string> metadata, string source)
    {
        string Get(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{source}: no '{key}' in the model's metadata (not exported by spinalnet?)");
        try
        {
            var config = Configuration.Validate(Configuration.Read(
                ConfigLayer.Parse(Get(ConfigKey), $"{source}: metadata '{ConfigKey}'").Values, source));
            var names = JsonSerializer.Deserialize<string[]>(Get(ClassesKey)) ?? throw new JsonException("empty");
            return new OnnxModelCard(config, names, Get(OutputKey) == "log_softmax");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: unreadable metadata ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
