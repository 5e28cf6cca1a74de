// RandomRotation, RandomAffine and RandomPerspective (docs/experiments.md §3: RandomRotation(10/15, fill 0) in the
// MNIST-family and transfer-learning scripts, RandomPerspective() in Arch2/VGG-5, RandomAffine(10°, translate 0.2) in
// the Fashion-MNIST notebook). Parameters are drawn as torchvision draws them; the image is resampled through the
// inverse map, so rotation by 0 and perspective with distortion 0 leave it unchanged.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>Rotation by an angle uniform in [−Degrees, Degrees], counter-clockwise positive, about the image centre;
/// nearest-neighbour by default (torchvision's default), uncovered pixels take Fill.</summary>
public sealed record RandomRotation(double Degrees, float Fill = 0, Interpolation Interpolation = Interpolation.Nearest)
    : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random) =>
        RandomAffine.Transform(image, -random.Uniform(-Degrees, Degrees), 0, 0, Interpolation, Fill);
}

/// <summary>Rotation (clockwise positive, torchvision's affine convention) and translation by up to
/// TranslateX·W and TranslateY·H pixels, rounded.</summary>
public sealed record RandomAffine(double Degrees, double TranslateX = 0, double TranslateY = 0, float Fill = 0,
    Interpolation Interpolation = Interpolation.Nearest) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random)
    {
        double angle = random.Uniform(-Degrees, Degrees);
        double maxDx = TranslateX * image.Width, maxDy = TranslateY * image.Height;
        double tx = Math.Round(random.Uniform(-maxDx, maxDx), MidpointRounding.ToEven);
        double ty = Math.Round(random.Uniform(-maxDy, maxDy), MidpointRounding.ToEven);
        return Transform(image, angle, tx, ty, Interpolation, Fill);
    }

    /// <summary>Rotates clockwise by <paramref name="degrees"/> about the centre, then translates.</summary>
    public static Image Transform(Image image, double degrees, double tx, double ty, Interpolation interpolation,
        float fill)
    {
        double r = degrees * Math.PI / 180, cos = Math.Cos(r), sin = Math.Sin(r);
        double cx = (image.Width - 1) / 2.0, cy = (image.Height - 1) / 2.0;
        // input = R⁻¹ (output − centre − t) + centre, with R⁻¹ = [cos, sin; −sin, cos] (torchvision's inverse matrix)
        double[] k =
        [
            cos, sin, cx - cos * (cx + tx) - sin * (cy + ty),
            -sin, cos, cy + sin * (cx + tx) - cos * (cy + ty),
            0, 0,
        ];
        return Resampling.Warp(image, k, interpolation, fill);
    }
}

/// <summary>With probability P, moves each corner inwards by up to Distortion × half the side (torchvision's
/// get_params) and warps the image so the corners land there; bilinear, uncovered pixels take Fill.</summary>
public sealed record RandomPerspective(double Distortion = 0.5, double P = 0.5, float Fill = 0,
    Interpolation Interpolation = Interpolation.Bilinear) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random)
    {
        if (!random.Chance(P)) return image;
        int w = image.Width, h = image.Height;
        int dx = (int)(Distortion * (w / 2)), dy = (int)(Distortion * (h / 2));
        (double, double)[] start = [(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)];
        (double, double)[] end =
        [
            (random.Next(0, dx + 1), random.Next(0, dy + 1)),
            (random.Next(w - dx - 1, w), random.Next(0, dy + 1)),
            (random.Next(w - dx - 1, w), random.Next(h - dy - 1, h)),
            (random.Next(0, dx + 1), random.Next(h - dy - 1, h)),
        ];
        return Resampling.Warp(image, Coefficients(start, end), Interpolation, Fill);
    }

    /// <summary>The homography taking output points <paramref name="end"/> to input points <paramref name="start"/>.</summary>
    public static double[] Coefficients((double X, double Y)[] start, (double X, double Y)[] end)
    {
        var a = new double[8, 9];
        for (int i = 0; i < 4; i++)
        {
            var (ex, ey) = end[i];
            var (sx, sy) = start[i];
            double[] row1 = [ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey, sx];
            double[] row2 = [0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey, sy];
            for (int j = 0; j < 9; j++)
            {
                a[2 * i, j] = row1[j];
                a[2 * i + 1, j] = row2[j];
            }
        }
        for (int col = 0; col < 8; col++) // Gaussian elimination with partial pivoting
        {
            int pivot = Enumerable.Range(col, 8 - col).MaxBy(r => Math.Abs(a[r, col]));
            for (int j = 0; j < 9; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            for (int r = 0; r < 8; r++)
            {
                if (r == col || a[r, col] == 0) continue;
                double f = a[r, col] / a[col, col];
                for (int j = col; j < 9; j++) a[r, j] -= f * a[col, j];
            }
        }
        return Enumerable.Range(0, 8).Select(i => a[i, 8] / a[i, i]).ToArray();
    }
}
