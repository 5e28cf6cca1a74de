// PNG/JPEG (and BMP, GIF, TGA) decoding and PNG/JPEG encoding through StbImageSharp and StbImageWriteSharp, managed
// ports of stb_image and stb_image_write: no native library, so the core package runs wherever .NET does and brings no
// platform's natives (docs/data.md §6.14). Decoding gives RGB like PIL's convert('RGB'): grayscale repeats the plane,
// alpha is dropped without compositing. WebP is not read (stb has no WebP decoder).
using StbImageSharp;
using Writer = StbImageWriteSharp;

namespace SpinalNet.Data;

/// <summary>The formats <see cref="ImageCodec.Encode"/> writes.</summary>
public enum ImageFormat { Png, Jpeg }

/// <summary>Image decoding (PNG, JPEG, BMP, GIF, TGA) to RGB or grey, and PNG or JPEG encoding.</summary>
public static class ImageCodec
{
    /// <summary>The largest image decoded (pixels): a header is checked against it before any pixel is allocated, so a
    /// small file that declares a huge image costs nothing.</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>What <see cref="Decode(string, int)"/> reads, as its error names them.</summary>
    public const string Formats = "PNG, JPEG, BMP, GIF, TGA";

    /// <summary>True when the file's header names an image format this codec decodes, of at most
    /// <see cref="MaxPixels"/> (reads the header only).</summary>
    public static bool CanDecode(string path) => Size(path) is { Width: > 0, Height: > 0 } size &&
                                                (long)size.Width * size.Height <= MaxPixels;

    /// <summary>The width and height a file's header declares; null when no decoder recognises it (reads the header
    /// only).</summary>
    public static (int Width, int Height)? Size(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Header(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static (int Width, int Height)? Header(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Header(stream);
    }

    static (int Width, int Height)? Header(Stream stream)
    {
        if (!JpegHeaderIsWhole(stream)) return null;
        try
        {
            if (ImageInfo.FromStream(stream) is { } info) return (info.Width, info.Height);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or IOException))
        {
        }
        return PngSize(stream);  // else a header the decoder cannot parse: not an image it reads
    }

    /// <summary>False for a JPEG whose markers up to the start of its scan do not fit in the file or name no frame: stb
    /// loops forever on some such headers (a 98-byte file did), so they never reach it (docs/data.md §6.14). True for
    /// anything that is not a JPEG. Leaves the stream where it was.</summary>
    static bool JpegHeaderIsWhole(Stream stream)
    {
        long start = stream.Position;
        try
        {
            Span<byte> marker = stackalloc byte[4];
            if (stream.ReadAtLeast(marker[..2], 2, throwOnEndOfStream: false) < 2 || marker[0] != 0xFF || marker[1] != 0xD8)
                return true;
            bool frame = false;
            while (true)
            {
                if (stream.ReadAtLeast(marker[..2], 2, throwOnEndOfStream: false) < 2 || marker[0] != 0xFF) return false;
                int code = marker[1];
                if (code == 0xFF) { stream.Position--; continue; }                          // fill byte
                if (code is 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7)) continue;              // markers without a length
                if (code == 0xD9 || stream.ReadAtLeast(marker[2..], 2, throwOnEndOfStream: false) < 2) return false;
                int length = (marker[2] << 8) | marker[3];
                if (length < 2 || stream.Position + length - 2 > stream.Length) return false;
                if (code is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC)) frame = true;   // a start of frame
                if (code == 0xDA) return frame;                                             // the start of the scan
                stream.Position += length - 2;
            }
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>The size a PNG's IHDR declares, for a PNG stb refuses to size (it refuses any over 2³⁰ bytes
    /// decoded): such a file is then refused by <see cref="CheckSize"/> naming its size, not as "not an image".</summary>
    static (int Width, int Height)? PngSize(Stream stream)
    {
        Span<byte> header = stackalloc byte[24];
        stream.Position = 0;
        if (stream.ReadAtLeast(header, 24, throwOnEndOfStream: false) < 24 ||
            !header[..8].SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }) ||
            !header[12..16].SequenceEqual("IHDR"u8))
            return null;
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[16..20]),
                System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[20..24]));
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
        return Decode(File.ReadAllBytes(path), channels, path);
    }

    /// <summary>Decodes an image held in memory (a request's body, say), refusing one whose header declares more than
    /// <paramref name="maxPixels"/> before any pixel is allocated; <paramref name="name"/> names it in errors.</summary>
    public static Image Decode(byte[] bytes, int channels, string name, long maxPixels = MaxPixels)
    {
        var size = Header(bytes) ?? throw new DataFormatException(name, $"not an image this program decodes ({Formats})");
        CheckSize(name, size);
        if ((long)size.Width * size.Height > maxPixels)
            throw new DataFormatException(name, $"declares an image of {size.Width} x {size.Height} pixels, beyond " +
                                                $"the limit of {maxPixels:N0} pixels");
        ImageResult decoded;
        try
        {
            decoded = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DataFormatException(name, $"cannot decode image ({e.Message.ReplaceLineEndings(" ")})");
        }
        var image = new Image(3, decoded.Height, decoded.Width);
        int plane = image.Plane;
        var rgb = decoded.Data;
        if (rgb.Length < 3 * plane) throw new DataFormatException(name, "cannot decode image (truncated pixels)");
        for (int i = 0; i < plane; i++)
        {
            image.Data[i] = rgb[3 * i] / 255f;
            image.Data[plane + i] = rgb[3 * i + 1] / 255f;
            image.Data[2 * plane + i] = rgb[3 * i + 2] / 255f;
        }
        return image.WithChannels(channels);
    }

    /// <summary>Encodes a 1- or 3-channel image (values clamped to [0, 1]) as an RGB PNG or JPEG (gray repeated into
    /// R, G and B).</summary>
    public static byte[] Encode(Image image, ImageFormat format = ImageFormat.Png, int quality = 100)
    {
        var rgb = image.WithChannels(3);
        var planes = rgb.ToBytes();
        var interleaved = new byte[3 * rgb.Plane];
        for (int i = 0; i < rgb.Plane; i++)
        {
            interleaved[3 * i] = planes[i];
            interleaved[3 * i + 1] = planes[rgb.Plane + i];
            interleaved[3 * i + 2] = planes[2 * rgb.Plane + i];
        }
        using var output = new MemoryStream();
        var writer = new Writer.ImageWriter();
        if (format == ImageFormat.Jpeg)
            writer.WriteJpg(interleaved, image.Width, image.Height, Writer.ColorComponents.RedGreenBlue, output, quality);
        else
            writer.WritePng(interleaved, image.Width, image.Height, Writer.ColorComponents.RedGreenBlue, output);
        return output.ToArray();
    }
}
