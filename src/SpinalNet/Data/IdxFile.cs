// The IDX format of MNIST and its relatives (docs/data.md §6): a big-endian header {0, 0, type, ndims}, one big-endian
// int32 size per dimension, then the elements in row-major order. Files may be raw or gzip-compressed (detected by
// the gzip magic bytes, not the file name). Two element types are read: unsigned bytes (type 0x08: idx3 images, idx1
// labels) and big-endian int32 (type 0x0C: QMNIST's idx2 label tables with 8 columns per row).
using System.Buffers.Binary;
using System.IO.Compression;

namespace SpinalNet.Data;

/// <summary>An IDX array of unsigned bytes: its dimensions and its elements in row-major order.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    public int Count => Dimensions[0];
}

/// <summary>An IDX array of int32 elements (QMNIST labels): its dimensions and its elements in row-major order.</summary>
public sealed record IdxInt32Array(int[] Dimensions, int[] Data)
{
    public int Count => Dimensions[0];
}

/// <summary>Reader and writer of the IDX format of MNIST and its relatives, raw or gzip-compressed.</summary>
public static class IdxFile
{
    public const byte UnsignedByte = 0x08;
    public const byte Int32 = 0x0C;

    public static IdxArray Read(string path, int expectedDimensions)
    {
        var (dimensions, data) = ReadFile(path, expectedDimensions, UnsignedByte);
        return new IdxArray(dimensions, data);
    }

    /// <summary>Reads an IDX file of big-endian int32 elements (type 0x0C).</summary>
    public static IdxInt32Array ReadInt32(string path, int expectedDimensions)
    {
        var (dimensions, data) = ReadFile(path, expectedDimensions, Int32);
        return new IdxInt32Array(dimensions, ToInt32(data));
    }

    /// <summary>Reads unsigned-byte IDX data from a stream (e.g. an entry of the EMNIST archive); <paramref name="name"/>
    /// names it in errors. <paramref name="gzip"/>: the stream holds gzip-compressed IDX.</summary>
    public static IdxArray Read(Stream stream, string name, bool gzip, int expectedDimensions)
    {
        using var source = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
        var (dimensions, data) = ReadGuarded(source, name, expectedDimensions, UnsignedByte);
        return new IdxArray(dimensions, data);
    }

    static (int[] Dimensions, byte[] Data) ReadFile(string path, int expectedDimensions, byte type)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found");
        using var file = File.OpenRead(path);
        using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        return ReadGuarded(stream, path, expectedDimensions, type);
    }

    static (int[] Dimensions, byte[] Data) ReadGuarded(Stream stream, string path, int expectedDimensions, byte type)
    {
        try
        {
            return Read(stream, path, expectedDimensions, type);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt gzip data ({e.Message})");
        }
    }

    static (int[] Dimensions, byte[] Data) Read(Stream stream, string path, int expectedDimensions, byte type)
    {
        int elementSize = type == UnsignedByte ? 1 : 4;
        var header = new byte[4];
        if (ReadFully(stream, header) < 4) throw new DataFormatException(path, "truncated: no IDX header");
        if (header[0] != 0 || header[1] != 0 || header[2] != type || header[3] != expectedDimensions)
            throw new DataFormatException(path,
                $"wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8} " +
                $"(expected 0x{type * 0x100 + expectedDimensions:X8}: " +
                $"{(type == UnsignedByte ? "unsigned bytes" : "int32")} in {expectedDimensions} dimension(s))");

        var sizes = new byte[4 * expectedDimensions];
        if (ReadFully(stream, sizes) < sizes.Length) throw new DataFormatException(path, "truncated: incomplete header");
        var dimensions = Enumerable.Range(0, expectedDimensions)
            .Select(i => BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i))).ToArray();
        long length = dimensions.Aggregate((long)elementSize, (a, d) => a * d);
        if (dimensions.Any(d => d < 0) || length > Array.MaxLength)
            throw new DataFormatException(path, $"invalid dimensions {string.Join(" x ", dimensions)}");

        var data = new byte[length];
        int read = ReadFully(stream, data);
        if (read < length)
            throw new DataFormatException(path,
                $"truncated: header promises {length} bytes of data ({string.Join(" x ", dimensions)}), file has {read}");
        if (stream.ReadByte() != -1)
            throw new DataFormatException(path, $"trailing data after {length} bytes ({string.Join(" x ", dimensions)})");
        return (dimensions, data);
    }

    public static void Write(string path, IdxArray array, bool gzip) =>
        Write(path, UnsignedByte, array.Dimensions, array.Data, gzip);

    public static void WriteInt32(string path, IdxInt32Array array, bool gzip)
    {
        var bytes = new byte[4 * array.Data.Length];
        for (int i = 0; i < array.Data.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * i), array.Data[i]);
        Write(path, Int32, array.Dimensions, bytes, gzip);
    }

    static void Write(string path, byte type, int[] dimensions, byte[] data, bool gzip)
    {
        using var file = File.Create(path);
        using var stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        stream.Write([0, 0, type, (byte)dimensions.Length]);
        var size = new byte[4];
        foreach (var d in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(size, d);
            stream.Write(size);
        }
        stream.Write(data);
    }

    static int[] ToInt32(byte[] bytes)
    {
        var values = new int[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 * i));
        return values;
    }

    static bool IsGzip(FileStream file)
    {
        var magic = new byte[2];
        int n = file.Read(magic);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    internal static int ReadFully(Stream stream, byte[] buffer) => ReadFully(stream, buffer.AsSpan());

    internal static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
