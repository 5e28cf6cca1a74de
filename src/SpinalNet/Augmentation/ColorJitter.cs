// ColorJitter (not in the paper's pipelines, offered beside them; torchvision semantics): brightness, contrast and
// saturation factors uniform in [max(0, 1 − v), 1 + v], hue shift uniform in [−v, v] (v ≤ 0.5), applied in an
// order drawn per sample. Brightness scales; contrast blends with the mean gray level; saturation blends with the
// per-pixel gray; hue rotates the HSV hue. Results are clamped to [0, 1].
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>Random brightness, contrast, saturation and hue, torchvision's semantics, per sample.</summary>
public sealed record ColorJitter(double Brightness = 0, double Contrast = 0, double Saturation = 0, double Hue = 0)
    : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random)
    {
        if (Hue is < 0 or > 0.5) throw new ArgumentException($"colour jitter hue {Hue} is outside 0..0.5");
        var order = random.Permutation(4);
        double? b = Factor(Brightness, random), c = Factor(Contrast, random), s = Factor(Saturation, random);
        double? h = Hue > 0 ? random.Uniform(-Hue, Hue) : null;
        var output = new Image(image.Channels, image.Height, image.Width, (float[])image.Data.Clone());
        foreach (int step in order)
        {
            switch (step)
            {
                case 0 when b is double f: Blend(output, f, _ => 0); break;
                case 1 when c is double f:
                    double mean = Gray(output).Average();
                    Blend(output, f, _ => mean);
                    break;
                case 2 when s is double f && output.Channels == 3:
                    var gray = Gray(output);
                    Blend(output, f, i => gray[i]);
                    break;
                case 3 when h is double shift && output.Channels == 3: ShiftHue(output, shift); break;
            }
        }
        return output;
    }

    static double? Factor(double v, PerSampleRandom random) => v > 0 ? random.Uniform(Math.Max(0, 1 - v), 1 + v) : null;

    /// <summary>x ← clamp(f·x + (1 − f)·other(pixel)).</summary>
    static void Blend(Image image, double f, Func<int, double> other)
    {
        for (int c = 0; c < image.Channels; c++)
        for (int i = 0; i < image.Plane; i++)
        {
            int k = c * image.Plane + i;
            image.Data[k] = (float)Math.Clamp(f * image.Data[k] + (1 - f) * other(i), 0, 1);
        }
    }

    static double[] Gray(Image image)
    {
        if (image.Channels == 1) return image.Data.Select(v => (double)v).ToArray();
        int p = image.Plane;
        return Enumerable.Range(0, p)
            .Select(i => 0.299 * image.Data[i] + 0.587 * image.Data[p + i] + 0.114 * image.Data[2 * p + i]).ToArray();
    }

    static void ShiftHue(Image image, double shift)
    {
        int p = image.Plane;
        for (int i = 0; i < p; i++)
        {
            double r = image.Data[i], g = image.Data[p + i], bl = image.Data[2 * p + i];
            double max = Math.Max(r, Math.Max(g, bl)), min = Math.Min(r, Math.Min(g, bl)), delta = max - min;
            double hue = delta == 0 ? 0
                : max == r ? ((g - bl) / delta % 6 + 6) % 6
                : max == g ? (bl - r) / delta + 2
                : (r - g) / delta + 4;
            hue = ((hue / 6 + shift) % 1 + 1) % 1 * 6;
            double sat = max == 0 ? 0 : delta / max, v = max;
            double chroma = v * sat, x = chroma * (1 - Math.Abs(hue % 2 - 1)), m = v - chroma;
            var (r1, g1, b1) = (int)hue switch
            {
                0 => (chroma, x, 0.0),
                1 => (x, chroma, 0.0),
                2 => (0.0, chroma, x),
                3 => (0.0, x, chroma),
                4 => (x, 0.0, chroma),
                _ => (chroma, 0.0, x),
            };
            image.Data[i] = (float)(r1 + m);
            image.Data[p + i] = (float)(g1 + m);
            image.Data[2 * p + i] = (float)(b1 + m);
        }
    }
}
