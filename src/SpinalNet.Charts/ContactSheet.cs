// A contact sheet: captioned images in a grid, drawn as a PNG (the picture `spinalnet data show` writes, so a person
// can see what the network gets; docs/experiments.md §3: e.g. upright vs stored EMNIST, the effect of each
// augmentation). Tiles are scaled to a common cell by nearest neighbour (small images stay crisp); captions are drawn
// under each tile with a system font when one is found (DejaVu on Debian), else Skia's default.
using SkiaSharp;
using SpinalNet.Data;

namespace SpinalNet.Charts;

/// <summary>Draws captioned images as a PNG contact sheet.</summary>
public static class ContactSheet
{
    static readonly string[] FontFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/Library/Fonts/Arial.ttf",
        @"C:\Windows\Fonts\arial.ttf",
    ];

    /// <summary>PNG bytes of a grid of <paramref name="images"/> with captions; <paramref name="cell"/> is the tile
    /// side in pixels.</summary>
    public static byte[] Render(IReadOnlyList<(Image Image, string Caption)> images, int cell = 96)
    {
        if (images.Count == 0) throw new ArgumentException("no samples to show");
        int columns = (int)Math.Ceiling(Math.Sqrt(images.Count));
        int rows = (images.Count + columns - 1) / columns;
        const int pad = 6, captionHeight = 16;
        int width = columns * (cell + pad) + pad, height = rows * (cell + captionHeight + pad) + pad;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = FontFiles.Where(File.Exists).Select(SKTypeface.FromFile).FirstOrDefault(t => t is not null)
                             ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (int i = 0; i < images.Count; i++)
        {
            var (image, caption) = images[i];
            int x = pad + i % columns * (cell + pad), y = pad + i / columns * (cell + captionHeight + pad);
            double scale = (double)cell / Math.Max(image.Height, image.Width);
            int w = Math.Max(1, (int)(image.Width * scale)), h = Math.Max(1, (int)(image.Height * scale));
            using var bitmap = ToBitmap(image);
            using var tile = SKImage.FromBitmap(bitmap);
            // Nearest-neighbour: each pixel of a small image stays a crisp square.
            canvas.DrawImage(tile, new SKRect(x + (cell - w) / 2f, y + (cell - h) / 2f,
                x + (cell + w) / 2f, y + (cell + h) / 2f), new SKSamplingOptions(SKFilterMode.Nearest));
            string text = caption.Length > 18 ? caption[..17] + "…" : caption;
            canvas.DrawText(text, x, y + cell + captionHeight - 4, font, ink);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>An RGBA bitmap of the image (gray repeated into R, G and B).</summary>
    internal static SKBitmap ToBitmap(Image image)
    {
        var rgb = image.WithChannels(3);
        var bytes = rgb.ToBytes();
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[4 * rgb.Plane];
        for (int i = 0; i < rgb.Plane; i++)
        {
            rgba[4 * i] = bytes[i];
            rgba[4 * i + 1] = bytes[rgb.Plane + i];
            rgba[4 * i + 2] = bytes[2 * rgb.Plane + i];
            rgba[4 * i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
