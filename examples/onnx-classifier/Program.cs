// onnx-classifier MODEL.onnx IMAGE...: the three most probable classes of each image, from a SpinalNet model exported
// with `spinalnet export --format onnx`, served by ONNX Runtime alone (no TorchSharp, no libtorch). Everything it needs
// is in the model's metadata: input_shape [C, H, W], channel_order (gray or RGB), mean and std per channel, classes.
// Images are decoded with SkiaSharp to [0, 1] (gray = 0.299 R + 0.587 G + 0.114 B), resized when their size differs
// (SkiaSharp's bilinear filter: images of the model's own size go through exactly as spinalnet predicts them), then
// normalised, (x - mean[c]) / std[c], in NCHW order. Output lines read as `spinalnet predict` prints them.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: onnx-classifier MODEL.onnx IMAGE...");
    return 2;
}
try
{
    using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
    using var session = new InferenceSession(args[0], options);
    var metadata = session.ModelMetadata.CustomMetadataMap;
    T Read<T>(string key) => metadata.TryGetValue(key, out var value)
        ? JsonSerializer.Deserialize<T>(value)!
        : throw new InvalidDataException($"{args[0]}: no '{key}' in the model's metadata");
    var shape = Read<long[]>("input_shape");
    var (mean, std, classes) = (Read<float[]>("mean"), Read<float[]>("std"), Read<string[]>("classes"));
    string input = session.InputMetadata.Keys.Single(), output = session.OutputMetadata.Keys.First();

    foreach (var file in args[1..])
    {
        var pixels = Preprocess(file, (int)shape[0], (int)shape[1], (int)shape[2], mean, std);
        using var value = OrtValue.CreateTensorValueFromMemory(pixels, [1, .. shape]);
        using var run = new RunOptions();
        using var results = session.Run(run, [input], [value], [output]);
        var probabilities = Softmax(results[0].GetTensorDataAsSpan<float>());
        var top = Enumerable.Range(0, probabilities.Length).OrderByDescending(i => probabilities[i]).Take(3);
        Console.WriteLine($"{file}: " + string.Join(", ", top.Select(i =>
            $"{(i < classes.Length ? classes[i] : i.ToString())} " +
            (probabilities[i] * 100).ToString("F2", CultureInfo.InvariantCulture) + "%")));
    }
    return 0;
}
catch (Exception e) when (e is OnnxRuntimeException or IOException or InvalidDataException or JsonException)
{
    Console.Error.WriteLine($"onnx-classifier: {e.Message.ReplaceLineEndings(" ")}");
    return 1;
}

static float[] Preprocess(string file, int channels, int height, int width, float[] mean, float[] std)
{
    using var codec = SKCodec.Create(file) ?? throw new InvalidDataException($"{file}: not a decodable image");
    var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
    using var decoded = new SKBitmap(info);
    if (codec.GetPixels(info, decoded.GetPixels()) != SKCodecResult.Success)
        throw new InvalidDataException($"{file}: cannot decode image");
    using var sized = info.Width == width && info.Height == height ? decoded.Copy()
        : decoded.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
            new SKSamplingOptions(SKFilterMode.Linear));
    var rgba = new byte[width * height * 4];
    Marshal.Copy(sized.GetPixels(), rgba, 0, rgba.Length);
    int plane = width * height;
    var x = new float[channels * plane];
    for (int i = 0; i < plane; i++)
    {
        float r = rgba[4 * i] / 255f, g = rgba[4 * i + 1] / 255f, b = rgba[4 * i + 2] / 255f;
        if (channels == 1) x[i] = (0.299f * r + 0.587f * g + 0.114f * b - mean[0]) / std[0];
        else (x[i], x[plane + i], x[2 * plane + i]) =
            ((r - mean[0]) / std[0], (g - mean[1]) / std[1], (b - mean[2]) / std[2]);
    }
    return x;
}

static float[] Softmax(ReadOnlySpan<float> scores)
{
    float max = float.NegativeInfinity;
    foreach (var s in scores) max = Math.Max(max, s);
    var e = new float[scores.Length];
    float sum = 0;
    for (int i = 0; i < e.Length; i++) sum += e[i] = MathF.Exp(scores[i] - max);
    for (int i = 0; i < e.Length; i++) e[i] /= sum;
    return e;
}
