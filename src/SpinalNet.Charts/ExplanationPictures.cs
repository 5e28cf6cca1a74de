// The pictures of an explanation (docs/serving.md §16.4): the input with its Grad-CAM map as a colour heat map over it and
// the class and probability written on it (SkiaSharp), and a small bar chart of each spinal layer's share of the
// explained class's logit, with the bias (ScottPlot). Both are returned as PNG bytes, for files and for the server.
using ScottPlot;
using SkiaSharp;
using SpinalNet.Data;
using SpinalNet.Explanation;

namespace SpinalNet.Charts;

/// <summary>PNG pictures of Grad-CAM maps and Spinal shares.</summary>
public static class ExplanationPictures
{
    /// <summary>The shorter side of an overlay: small inputs (28 px digits) are scaled up to be seen.</summary>
    public const int OverlaySide = 280;

    /// <summary>The input (at the network's input size) with the map in colour over it (blue: none, red: most; half
    /// transparent) and <paramref name="label"/> written at the top.</summary>
    public static byte[] Overlay(SpinalNet.Data.Image image, GradCamMap map, string label)
    {
        double scale = Math.Max(1, (double)OverlaySide / Math.Min(image.Height, image.Width));
        int width = (int)Math.Round(image.Width * scale), height = (int)Math.Round(image.Height * scale);
        using var input = ContactSheet.ToBitmap(image);
        using var heat = new SKBitmap(new SKImageInfo(map.Width, map.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < map.Height; y++)
        for (int x = 0; x < map.Width; x++)
            heat.SetPixel(x, y, Jet(map.Map[y * map.Width + x]).WithAlpha(128));
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        var all = new SKRect(0, 0, width, height);
        var sampling = new SKSamplingOptions(SKFilterMode.Linear);
        using (var inputImage = SKImage.FromBitmap(input)) canvas.DrawImage(inputImage, all, sampling);
        using (var heatImage = SKImage.FromBitmap(heat)) canvas.DrawImage(heatImage, all, sampling);
        using var font = new SKFont(SKTypeface.Default, Math.Max(12, height / 14f));
        using var back = new SKPaint { Color = new SKColor(0, 0, 0, 160) };
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.DrawRect(0, 0, width, font.Size * 1.5f, back);
        canvas.DrawText(label, font.Size * 0.4f, font.Size * 1.1f, SKTextAlign.Left, font, ink);
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>A bar per spinal layer (its share of the logit of <paramref name="classIndex"/>) and one for the
    /// bias; together they add up to the logit.</summary>
    public static byte[] SharesChart(SpinalShares shares, int classIndex, string className)
    {
        var plot = new Plot();
        int layers = shares.Contributions.Length;
        var values = shares.Contributions.Select(c => c[classIndex]).Append(shares.Bias[classIndex]).ToArray();
        var bars = plot.Add.Bars(values);
        for (int i = 0; i < bars.Bars.Count; i++)
            bars.Bars[i].FillColor = i == layers ? Colors.Gray : values[i] >= 0 ? Colors.SteelBlue : Colors.IndianRed;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, layers + 1).Select(i => (double)i).ToArray(),
            Enumerable.Range(0, layers).Select(i => $"h{i}").Append("bias").ToArray());
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        plot.Title($"class {className}: logit {shares.Logits[classIndex]:F3} = Σ layer shares + bias");
        plot.YLabel("share of the logit");
        return plot.GetImageBytes(480, 300, ScottPlot.ImageFormat.Png);
    }

    /// <summary>The jet colour map: 0 blue, 0.5 green-yellow, 1 red.</summary>
    static SKColor Jet(float v)
    {
        double c = Math.Clamp(v, 0, 1);
        byte Channel(double centre) => (byte)Math.Round(255 * Math.Clamp(1.5 - Math.Abs(4 * c - centre), 0, 1));
        return new SKColor(Channel(3), Channel(2), Channel(1));
    }
}
