// Writers of small data files in the exact on-disk layouts of docs/data.md §6, for the loader tests: random pixels from
// a fixed seed, laid out as each format stores them, so a loader that decodes them must give back the same values.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SpinalNet.Data;

namespace SpinalNet.Tests;

sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("spinalnet-test-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Folder(params string[] parts) => Directory.CreateDirectory(Combine(parts)).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

static class DataTestFiles
{
    public static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Transposes each side x side plane (row-major ↔ column-major).</summary>
    public static byte[] Transposed(byte[] planes, int side)
    {
        var copy = (byte[])planes.Clone();
        LabelledImages.TransposePlanes(copy, planes.Length / (side * side), side);
        return copy;
    }

    public static void WriteMatFile(string path, params byte[][] elements)
    {
        using var file = File.Create(path);
        var header = new byte[MatFile.HeaderBytes];
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, written by the SpinalNet tests".PadRight(116)).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0100);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        file.Write(header);
        foreach (var e in elements) file.Write(e);
    }

    /// <summary>A miMATRIX element; the name uses the small-element format when it fits in 4 bytes.</summary>
    public static byte[] MatMatrix(string name, int classId, int[] dimensions, int storageType, byte[] real)
    {
        var flags = new byte[8];
        flags[0] = (byte)classId;
        var dims = new byte[4 * dimensions.Length];
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(dims.AsSpan(4 * i), dimensions[i]);
        var nameBytes = Encoding.ASCII.GetBytes(name);
        var body = new MemoryStream();
        body.Write(MatElement(MatFile.MiUInt32, flags));
        body.Write(MatElement(MatFile.MiInt32, dims));
        body.Write(nameBytes.Length <= 4 ? MatSmallElement(MatFile.MiInt8, nameBytes) : MatElement(MatFile.MiInt8, nameBytes));
        body.Write(MatElement(storageType, real));
        return MatElement(MatFile.MiMatrix, body.ToArray());
    }

    public static byte[] MatCompressed(byte[] element)
    {
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(element);
        var tag = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(tag, MatFile.MiCompressed);
        BinaryPrimitives.WriteUInt32LittleEndian(tag.AsSpan(4), (uint)packed.Length);
        return [.. tag, .. packed.ToArray()];
    }

    static byte[] MatElement(int type, byte[] data)
    {
        int padded = (data.Length + 7) / 8 * 8;
        var element = new byte[8 + padded];
        BinaryPrimitives.WriteUInt32LittleEndian(element, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(element.AsSpan(4), (uint)data.Length);
        data.CopyTo(element, 8);
        return element;
    }

    static byte[] MatSmallElement(int type, byte[] data)
    {
        var element = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(element, (uint)(data.Length << 16 | type));
        data.CopyTo(element, 4);
        return element;
    }

    public static byte[] Doubles(IEnumerable<double> values) =>
        values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();

    /// <summary>A PNG or JPEG file from CHW bytes (1 channel: a true grayscale PNG).</summary>
    public static void WriteImage(string path, byte[] chw, int channels, int height, int width,
        SkiaSharp.SKEncodedImageFormat format = SkiaSharp.SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (channels == 1)
        {
            using var gray = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(width, height, SkiaSharp.SKColorType.Gray8,
                SkiaSharp.SKAlphaType.Opaque));
            System.Runtime.InteropServices.Marshal.Copy(chw, 0, gray.GetPixels(), chw.Length);
            using var data = gray.Encode(format, 100);
            File.WriteAllBytes(path, data.ToArray());
            return;
        }
        File.WriteAllBytes(path, ImageCodec.Encode(Image.FromBytes(chw, channels, height, width),
            format == SkiaSharp.SKEncodedImageFormat.Jpeg ? ImageFormat.Jpeg : ImageFormat.Png));
    }
}
