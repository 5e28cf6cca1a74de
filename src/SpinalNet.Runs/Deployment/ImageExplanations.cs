// `spinalnet explain` and the server's /explain (docs/serving.md §16.4): for each image, the prediction (as predict makes
// it, InputPreparation), the Grad-CAM map of the explained class (the predicted one unless given) at the last
// convolutional block or a named one, and, for a Spinal head, each spinal layer's exact share of every logit. Written
// as DIR/explanations.json (one entry per image, in the order given), an overlay PNG and a shares chart PNG per image.
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Charts;
using SpinalNet.Data;
using SpinalNet.Explanation;
using SpinalNet.Layers;
using TorchSharp;

namespace SpinalNet.Runs;

/// <summary>One image's explanation: its prediction, the class explained and its probability, the logits (the head's
/// output), the Spinal shares (null for another head), the Grad-CAM map (null for a backbone with no spatial block) and
/// the image as the network saw it (before normalisation), for the overlay.</summary>
public sealed record ImageExplanation(Prediction Prediction, int ExplainedClass, string ExplainedName,
    double Probability, double[] Logits, SpinalShares? Shares, GradCamMap? Map, Image Resized)
{
    /// <summary>The overlay PNG: the map over the image, with the class and its probability.</summary>
    public byte[]? OverlayPng() => Map is null
        ? null
        : ExplanationPictures.Overlay(Resized, Map, $"{ExplainedName} ({100 * Probability:F1}%)");

    /// <summary>The prediction and, for a Spinal head, each layer's share of the explained class, as `spinalnet
    /// explain` prints them.</summary>
    public string Line => $"{Prediction.File}: {Prediction.Top[0].Name} {TextTable.Percent(Prediction.Top[0].Probability)}" +
        (Shares is { } s ? $"; layer shares of {ExplainedName}: " + string.Join(" ", s.Contributions.Select(c =>
            TextTable.Fixed(c[ExplainedClass]))) : "");

    /// <summary>The bar chart PNG of the explained class's shares.</summary>
    public byte[]? SharesPng() => Shares is null ? null : ExplanationPictures.SharesChart(Shares, ExplainedClass, ExplainedName);

    /// <summary>The entry of explanations.json (docs/serving.md §16.4), with the pictures' file names where written.</summary>
    public JsonObject ToJson(string? overlayFile = null, string? sharesFile = null) => new()
    {
        ["image"] = Prediction.File,
        ["predicted"] = Prediction.Top[0].Name,
        ["probability"] = Prediction.Top[0].Probability,
        ["inverted"] = Prediction.Inverted,
        ["top"] = new JsonArray(Prediction.Top.Select(c => (JsonNode)new JsonObject
            { ["class"] = c.Name, ["probability"] = c.Probability }).ToArray()),
        ["explained_class"] = ExplainedName,
        ["logits"] = Numbers(Logits),
        ["contributions"] = Shares is null ? null : new JsonArray(Shares.Contributions.Select(c => (JsonNode)Numbers(c)).ToArray()),
        ["bias"] = Shares is null ? null : Numbers(Shares.Bias),
        ["grad_cam_layer"] = Map?.Layer,
        // The map at the block's resolution before scaling: an all-zero map means no positive evidence there.
        ["grad_cam_coarse"] = Map is null ? null : new JsonArray(Enumerable.Range(0, Map.CoarseHeight).Select(y =>
            (JsonNode)Numbers(Map.Coarse[(y * Map.CoarseWidth)..((y + 1) * Map.CoarseWidth)]
                .Select(v => (double)v).ToArray())).ToArray()),
        ["overlay"] = overlayFile,
        ["shares_chart"] = sharesFile,
    };

    static JsonArray Numbers(double[] values) => new(values.Select(v => (JsonNode)v).ToArray());
}

/// <summary>Explanations of a trained network's predictions.</summary>
public static class ImageExplanations
{
    public const string JsonFile = "explanations.json";

    /// <summary>The explanation of one image by <paramref name="model"/>: <paramref name="top"/> classes predicted,
    /// <paramref name="explainedClass"/> (null: the predicted one) mapped at <paramref name="layer"/> (null: the last
    /// convolutional block).</summary>
    public static ImageExplanation Explain(TrainedModel model, ImageSource source, int top = 5,
        int? explainedClass = null, string? layer = null, Polarity polarity = Polarity.Auto)
    {
        if (top < 1) throw new SettingException("Top", top, "must be at least 1");
        var network = model.Model;
        network.eval();
        using var scope = torch.NewDisposeScope();
        var prepared = new InputPreparation(model.Config).Prepare(source, polarity);
        double[] logits;
        Prediction prediction;
        float[] probabilities;
        using (torch.no_grad())
        {
            var head = network.Head.call(network.Features(prepared.Input));
            logits = head.to(torch.float64).data<double>().ToArray();
            var p = network.call(prepared.Input).softmax(1)[0];
            probabilities = p.data<float>().ToArray();
            prediction = new Prediction(source.Name, TrainedModel.TopClasses(p, top, model.ClassNames), prepared.Inverted);
        }
        int target = explainedClass ?? prediction.Top[0].Class;
        if (target < 0 || target >= logits.Length)
            throw new SettingException("Class", target, $"must be a class index from 0 to {logits.Length - 1}");
        var shares = SpinalDecomposition.Compute(network, prepared.Input)?[0];
        var map = layer is not null || GradCam.SpatialLayers(network, prepared.Input).Count > 0
            ? GradCam.Compute(network, prepared.Input, target, layer)
            : null;
        return new ImageExplanation(prediction, target, Name(model.ClassNames, target), probabilities[target],
            shares?.Logits ?? logits, shares, map, prepared.Resized);
    }

    /// <summary>The folder explanations go to when none is named: RUN/explanations for a run's model, else
    /// ./explanations.</summary>
    public static string DefaultFolder(ModelSource source) =>
        source.Run is { } run ? Path.Combine(run, "explanations") : "explanations";

    /// <summary>Explains each image and writes DIR/explanations.json, DIR/NAME.gradcam.png and DIR/NAME.shares.png
    /// (files through temporary names); returns the explanations and the folder.</summary>
    /// <param name="folder">DIR (null: <see cref="DefaultFolder"/>).</param>
    /// <param name="explainedClass">A class name or index (null: each image's predicted class).</param>
    public static (IReadOnlyList<ImageExplanation> Explanations, string Folder) Write(ModelSource source,
        IReadOnlyList<string> images, string? folder = null, string? explainedClass = null, string? layer = null,
        Polarity polarity = Polarity.Auto)
    {
        folder ??= DefaultFolder(source);
        if (source.Onnx is not null)
            throw new SettingException("Onnx", source.Onnx, "explanations need the network's weights (--run, " +
                                                            "--weights or --model), not an ONNX file");
        foreach (var image in images)
            if (!File.Exists(image)) throw new DataFormatException(image, "image not found");
        using var model = TrainedModel.Open(source.Run, source.Weights, source.Options);
        int? target = explainedClass is null ? null : ClassIndex(model.ClassNames, explainedClass);
        var explained = images.Select(image =>
            Explain(model, ImageSource.File(image), 5, target, layer, polarity)).ToList();
        AtomicFile.CreateFolder(folder);
        var entries = new JsonArray();
        var used = new HashSet<string>();
        foreach (var e in explained)
        {
            // Pictures named after the image, numbered where two images share a name.
            var stem = Path.GetFileNameWithoutExtension(e.Prediction.File);
            for (int n = 2; !used.Add(stem); n++) stem = $"{Path.GetFileNameWithoutExtension(e.Prediction.File)}-{n}";
            string? overlay = e.OverlayPng() is { } o ? Save(folder, $"{stem}.gradcam.png", o) : null;
            string? chart = e.SharesPng() is { } c ? Save(folder, $"{stem}.shares.png", c) : null;
            entries.Add(e.ToJson(overlay, chart));
        }
        AtomicFile.WriteText(Path.Combine(folder, JsonFile),
            entries.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return (explained, folder);
    }

    static string Save(string folder, string name, byte[] png)
    {
        AtomicFile.Write(Path.Combine(folder, name), temp => File.WriteAllBytes(temp, png));
        return name;
    }

    /// <summary>The index of a class given by name, or by index where no class has that name.</summary>
    public static int ClassIndex(IReadOnlyList<string> names, string given)
    {
        int byName = names.ToList().IndexOf(given);
        if (byName >= 0) return byName;
        return int.TryParse(given, out int index) && index >= 0 && index < names.Count
            ? index
            : throw new SettingException("Class", given, $"is not a class name or index; the classes are " +
                                                         string.Join(", ", names.Take(20)) + (names.Count > 20 ? ", ..." : ""));
    }

    static string Name(IReadOnlyList<string> names, int c) => c < names.Count ? names[c] : c.ToString();
}
