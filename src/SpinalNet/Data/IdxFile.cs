// The IDX format of MNIST and its relatives (reference §6): a big-endian header {0, 0, type, ndims}, one big-endian
// int32 size per dimension, then the elements in row-major order. Files may be raw or gzip-compressed (detected by
// the gzip magic bytes, not the file name). Only unsigned-byte elements (type 0x08) are read here: idx3 images and
// idx1 labels.
using System.Buffers.Binary;
using System.IO.Compression;

namespace SpinalNet.Data;

/// <summary>An IDX array of unsigned bytes: its dimensions and its elements in row-major order.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    public int Count => Dimensions[0];
}

public static class IdxFile
{
    public const byte UnsignedByte = 0x08;

    public static IdxArray Read(string path, int expectedDimensions)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found");
        using var file = File.OpenRead(path);
        using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        try
        {
            return Read(stream, path, expectedDimensions);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt gzip data ({e.Message})");
        }
    }

    static IdxArray Read(Stream stream, string path, int expectedDimensions)
    {
        var header = new byte[4];
        if (ReadFully(stream, header) < 4) throw new DataFormatException(path, "truncated: no IDX header");
        if (header[0] != 0 || header[1] != 0 || header[2] != UnsignedByte || header[3] != expectedDimensions)
            throw new DataFormatException(path,
                $"wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8} " +
                $"(expected 0x{0x800 + expectedDimensions:X8}: unsigned bytes in {expectedDimensions} dimension(s))");

        var sizes = new byte[4 * expectedDimensions];
        if (ReadFully(stream, sizes) < sizes.Length) throw new DataFormatException(path, "truncated: incomplete header");
        var dimensions = Enumerable.Range(0, expectedDimensions)
            .Select(i => BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i))).ToArray();
        long length = dimensions.Aggregate(1L, (a, d) => a * d);
        if (dimensions.Any(d => d < 0) || length > Array.MaxLength)
            throw new DataFormatException(path, $"invalid dimensions {string.Join(" x ", dimensions)}");

        var data = new byte[length];
        int read = ReadFully(stream, data);
        if (read < length)
            throw new DataFormatException(path,
                $"truncated: header promises {length} bytes of data ({string.Join(" x ", dimensions)}), file has {read}");
        if (stream.ReadByte() != -1)
            throw new DataFormatException(path, $"trailing data after {length} bytes ({string.Join(" x ", dimensions)})");
        return new IdxArray(dimensions, data);
    }

    public static void Write(string path, IdxArray array, bool gzip)
    {
        using var file = File.Create(path);
        using var stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        stream.Write([0, 0, UnsignedByte, (byte)array.Dimensions.Length]);
        var size = new byte[4];
        foreach (var d in array.Dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(size, d);
            stream.Write(size);
        }
        stream.Write(array.Data);
    }

    static bool IsGzip(FileStream file)
    {
        var magic = new byte[2];
        int n = file.Read(magic);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    static int ReadFully(Stream stream, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
