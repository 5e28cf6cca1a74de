// One decoded image as the augmentation pipeline sees it (docs/experiments.md §3: torchvision's ToTensor output):
// float32 values in [0, 1], channel-major then row then column (CHW), the layout every network of the paper reads.
namespace SpinalNet.Data;

/// <summary>One decoded image: float32 values in [0, 1], channel-major (CHW).</summary>
public sealed class Image
{
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>Values, CHW order; index = (c * Height + y) * Width + x.</summary>
    public float[] Data { get; }

    public Image(int channels, int height, int width, float[]? data = null)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"image size {channels} x {height} x {width} is not positive");
        Channels = channels;
        Height = height;
        Width = width;
        Data = data ?? new float[channels * height * width];
        if (Data.Length != channels * height * width)
            throw new ArgumentException($"{Data.Length} values for a {channels} x {height} x {width} image");
    }

    public int Plane => Height * Width;

    public float this[int c, int y, int x]
    {
        get => Data[(c * Height + y) * Width + x];
        set => Data[(c * Height + y) * Width + x] = value;
    }

    /// <summary>From bytes in CHW order, scaled by 1/255 (torchvision's ToTensor).</summary>
    public static Image FromBytes(ReadOnlySpan<byte> chw, int channels, int height, int width)
    {
        var image = new Image(channels, height, width);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = chw[i] / 255f;
        return image;
    }

    /// <summary>The image with 1 or 3 channels: gray to RGB repeats the plane (PIL's convert('RGB')); RGB to gray uses
    /// PIL's luminance weights 0.299, 0.587, 0.114.</summary>
    public Image WithChannels(int channels)
    {
        if (channels == Channels) return this;
        if (Channels == 1 && channels == 3)
        {
            var rgb = new Image(3, Height, Width);
            for (int c = 0; c < 3; c++) Array.Copy(Data, 0, rgb.Data, c * Plane, Plane);
            return rgb;
        }
        if (Channels == 3 && channels == 1)
        {
            var gray = new Image(1, Height, Width);
            for (int i = 0; i < Plane; i++)
                gray.Data[i] = 0.299f * Data[i] + 0.587f * Data[Plane + i] + 0.114f * Data[2 * Plane + i];
            return gray;
        }
        throw new ArgumentException($"cannot convert a {Channels}-channel image to {channels} channels");
    }

    /// <summary>Bytes in CHW order, rounded and clamped to 0..255.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Data.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(Data[i] * 255f), 0, 255);
        return bytes;
    }
}
