// PNG/JPEG (and BMP, GIF, WebP) decoding and PNG encoding through SkiaSharp (a direct dependency, with its Linux
// natives; TorchVision's SkiaImager uses it too, docs/platform.md §7.4). Decoding gives RGB like PIL's convert('RGB'): grayscale repeats the
// plane, alpha is dropped without compositing.
using System.Runtime.InteropServices;
using SkiaSharp;

namespace SpinalNet.Data;

/// <summary>Image decoding (PNG, JPEG, BMP, GIF, WebP) to RGB or grey, and PNG encoding.</summary>
public static class ImageCodec
{
    /// <summary>The largest image decoded (pixels): a header is checked against it before any pixel is allocated, so a
    /// small file that declares a huge image costs nothing.</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>True when the file's header names an image format Skia can decode, of at most <see cref="MaxPixels"/>
    /// (reads the header only).</summary>
    public static bool CanDecode(string path) => Size(path) is { Width: > 0, Height: > 0 } size &&
                                                (long)size.Width * size.Height <= MaxPixels;

    /// <summary>The width and height a file's header declares; null when no decoder recognises it (reads the header
    /// only).</summary>
    public static (int Width, int Height)? Size(string path)
    {
        try
        {
            using var codec = SKCodec.Create(path);
            return codec is null ? null : (codec.Info.Width, codec.Info.Height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Fails, naming the file and the limit, when a header declares no pixels or more than
    /// <see cref="MaxPixels"/> (docs/data.md §6.14): such a file is refused, never skipped.</summary>
    public static void CheckSize(string path, (int Width, int Height) size)
    {
        if ((long)size.Width * size.Height > MaxPixels || size.Width <= 0 || size.Height <= 0)
            throw new DataFormatException(path, $"declares an image of {size.Width} x {size.Height} pixels, beyond " +
                                                $"the limit of {MaxPixels:N0} pixels");
    }

    /// <summary>Decodes <paramref name="path"/> to a float image in [0, 1] with 1 or 3 channels.</summary>
    public static Image Decode(string path, int channels)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "image not found");
        using var codec = SKCodec.Create(path);
        return Decode(codec, path, channels, MaxPixels);
    }

    /// <summary>Decodes an image held in memory (a request's body, say), refusing one whose header declares more than
    /// <paramref name="maxPixels"/> before any pixel is allocated; <paramref name="name"/> names it in errors.</summary>
    public static Image Decode(byte[] bytes, int channels, string name, long maxPixels = MaxPixels)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        return Decode(codec, name, channels, maxPixels);
    }

    static Image Decode(SKCodec? codec, string name, int channels, long maxPixels)
    {
        if (codec is null)
            throw new DataFormatException(name, "not an image this program decodes (PNG, JPEG, BMP, GIF, WebP)");
        CheckSize(name, (codec.Info.Width, codec.Info.Height));
        if ((long)codec.Info.Width * codec.Info.Height > maxPixels)
            throw new DataFormatException(name, $"declares an image of {codec.Info.Width} x {codec.Info.Height} " +
                                                $"pixels, beyond the limit of {maxPixels:N0} pixels");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        if (result != SKCodecResult.Success)
            throw new DataFormatException(name, $"cannot decode image ({result})");
        var image = new Image(3, info.Height, info.Width);
        int plane = image.Plane;
        for (int i = 0; i < plane; i++)
        {
            image.Data[i] = rgba[4 * i] / 255f;
            image.Data[plane + i] = rgba[4 * i + 1] / 255f;
            image.Data[2 * plane + i] = rgba[4 * i + 2] / 255f;
        }
        return image.WithChannels(channels);
    }

    /// <summary>Encodes a 1- or 3-channel image (values clamped to [0, 1]) as PNG or JPEG.</summary>
    public static byte[] Encode(Image image, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
    {
        using var bitmap = ToBitmap(image);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>An RGBA bitmap of the image (gray repeated into R, G and B).</summary>
    public static SKBitmap ToBitmap(Image image)
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
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
