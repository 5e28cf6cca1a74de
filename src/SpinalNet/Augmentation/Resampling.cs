// Resampling shared by the geometric transforms (docs/experiments.md §3): a projective inverse map from output to input
// pixel indices with nearest or bilinear interpolation and a fill value outside the input (torchvision's rotate/affine/
// perspective), cropping with padding, and antialiased bilinear resizing as PIL (and torchvision's antialias=True) do
// it: a separable triangle filter widened by the downscaling factor.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>How resampling reads between pixels.</summary>
public enum Interpolation { Nearest, Bilinear }

/// <summary>Resampling shared by the geometric transforms: inverse maps, interpolation, padded crops,
/// resizing.</summary>
public static class Resampling
{
    /// <summary>Output pixel (x, y) takes the input at ((a x + b y + c) / w, (d x + e y + f) / w), w = g x + h y + 1,
    /// in pixel-index coordinates; coefficients = {a, b, c, d, e, f, g, h}.</summary>
    public static Image Warp(Image input, double[] k, Interpolation interpolation, float fill, int? height = null,
        int? width = null)
    {
        int outH = height ?? input.Height, outW = width ?? input.Width;
        var output = new Image(input.Channels, outH, outW);
        int inH = input.Height, inW = input.Width, plane = input.Plane, outPlane = outH * outW;
        var src = input.Data;
        var dst = output.Data;
        for (int y = 0; y < outH; y++)
        for (int x = 0; x < outW; x++)
        {
            double w = k[6] * x + k[7] * y + 1;
            double sx = (k[0] * x + k[1] * y + k[2]) / w, sy = (k[3] * x + k[4] * y + k[5]) / w;
            int o = y * outW + x;
            if (interpolation == Interpolation.Nearest)
            {
                int ix = (int)Math.Floor(sx + 0.5), iy = (int)Math.Floor(sy + 0.5);
                bool inside = ix >= 0 && ix < inW && iy >= 0 && iy < inH;
                for (int c = 0; c < input.Channels; c++)
                    dst[c * outPlane + o] = inside ? src[c * plane + iy * inW + ix] : fill;
                continue;
            }
            int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
            double fx = sx - x0, fy = sy - y0;
            if (x0 < -1 || y0 < -1 || x0 >= inW || y0 >= inH)
            {
                for (int c = 0; c < input.Channels; c++) dst[c * outPlane + o] = fill;
                continue;
            }
            for (int c = 0; c < input.Channels; c++)
            {
                int p = c * plane;
                double Tap(int xx, int yy) => xx >= 0 && xx < inW && yy >= 0 && yy < inH ? src[p + yy * inW + xx] : fill;
                double top = Tap(x0, y0) * (1 - fx) + Tap(x0 + 1, y0) * fx;
                double bottom = Tap(x0, y0 + 1) * (1 - fx) + Tap(x0 + 1, y0 + 1) * fx;
                dst[c * outPlane + o] = (float)(top * (1 - fy) + bottom * fy);
            }
        }
        return output;
    }

    /// <summary>The region of <paramref name="height"/> x <paramref name="width"/> whose top-left input pixel is
    /// (<paramref name="top"/>, <paramref name="left"/>); parts outside the input take <paramref name="fill"/>.</summary>
    public static Image Crop(Image input, int top, int left, int height, int width, float fill = 0)
    {
        var output = new Image(input.Channels, height, width);
        for (int c = 0; c < input.Channels; c++)
        for (int y = 0; y < height; y++)
        {
            int sy = top + y;
            for (int x = 0; x < width; x++)
            {
                int sx = left + x;
                output[c, y, x] = sy >= 0 && sy < input.Height && sx >= 0 && sx < input.Width ? input[c, sy, sx] : fill;
            }
        }
        return output;
    }

    /// <summary>Antialiased bilinear resize to <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static Image Resize(Image input, int height, int width)
    {
        if (height == input.Height && width == input.Width) return input;
        var (rowTaps, rowWeights) = Filter(input.Height, height);
        var (colTaps, colWeights) = Filter(input.Width, width);
        var output = new Image(input.Channels, height, width);
        var rows = new float[input.Height * width];
        for (int c = 0; c < input.Channels; c++)
        {
            int p = c * input.Plane;
            for (int y = 0; y < input.Height; y++)
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int t = 0; t < colTaps[x].Length; t++) sum += input.Data[p + y * input.Width + colTaps[x][t]] * colWeights[x][t];
                rows[y * width + x] = (float)sum;
            }
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int t = 0; t < rowTaps[y].Length; t++) sum += rows[rowTaps[y][t] * width + x] * rowWeights[y][t];
                output.Data[c * height * width + y * width + x] = (float)sum;
            }
        }
        return output;
    }

    /// <summary>Input taps and normalised triangle weights of every output index along one axis.</summary>
    static (int[][] Taps, double[][] Weights) Filter(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize, support = Math.Max(scale, 1.0);
        var taps = new int[outSize][];
        var weights = new double[outSize][];
        for (int i = 0; i < outSize; i++)
        {
            double centre = (i + 0.5) * scale;
            int lo = Math.Max(0, (int)Math.Floor(centre - support)), hi = Math.Min(inSize, (int)Math.Ceiling(centre + support));
            var t = new List<int>();
            var w = new List<double>();
            for (int j = lo; j < hi; j++)
            {
                double weight = 1 - Math.Abs((j + 0.5 - centre) / support);
                if (weight <= 0) continue;
                t.Add(j);
                w.Add(weight);
            }
            double total = w.Sum();
            taps[i] = t.ToArray();
            weights[i] = w.Select(v => v / total).ToArray();
        }
        return (taps, weights);
    }
}
