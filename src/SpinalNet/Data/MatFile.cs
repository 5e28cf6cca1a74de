// A reader for MATLAB level-5 MAT files, the format of SVHN's train/test/extra_32x32.mat (docs/data.md §6). Layout: a
// 128-byte header (text, subsystem offset, version 0x0100, endian indicator "IM" for little-endian), then data
// elements, each an 8-byte tag {type, byte count} (or a 4-byte "small element" tag with up to 4 bytes of data) and
// data padded to 8 bytes. miCOMPRESSED (15) elements are zlib streams holding one element; miMATRIX (14) elements
// hold array flags, dimensions, name and the real part, whose stored type may be narrower than the array's class.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SpinalNet.Data;

/// <summary>One numeric MATLAB array: dimensions (column-major, as MATLAB stores them) and its real part as stored.</summary>
public sealed record MatArray(string Name, int[] Dimensions, int ClassId, int StorageType, byte[] Data)
{
    public long Count => Dimensions.Aggregate(1L, (a, d) => a * d);

    /// <summary>The elements as unsigned bytes; only for arrays stored as miUINT8.</summary>
    public byte[] AsBytes(string path) => StorageType == MatFile.MiUInt8
        ? Data
        : throw new DataFormatException(path, $"variable {Name} is stored as MAT type {StorageType}, not uint8");

    /// <summary>The elements converted to double, whatever their stored type.</summary>
    public double[] ToDoubles(string path)
    {
        int size = MatFile.ElementSize(StorageType)
                   ?? throw new DataFormatException(path, $"variable {Name} has non-numeric MAT type {StorageType}");
        var values = new double[Data.Length / size];
        var d = Data.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            var e = d.Slice(i * size, size);
            values[i] = StorageType switch
            {
                MatFile.MiInt8 => (sbyte)e[0],
                MatFile.MiUInt8 => e[0],
                MatFile.MiInt16 => BinaryPrimitives.ReadInt16LittleEndian(e),
                MatFile.MiUInt16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
                MatFile.MiInt32 => BinaryPrimitives.ReadInt32LittleEndian(e),
                MatFile.MiUInt32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
                MatFile.MiSingle => BinaryPrimitives.ReadSingleLittleEndian(e),
                MatFile.MiDouble => BinaryPrimitives.ReadDoubleLittleEndian(e),
                MatFile.MiInt64 => BinaryPrimitives.ReadInt64LittleEndian(e),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(e),
            };
        }
        return values;
    }
}

/// <summary>Reader of MATLAB level-5 MAT files (SVHN's format).</summary>
public static class MatFile
{
    public const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7,
        MiDouble = 9, MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15;
    public const int HeaderBytes = 128;

    public static int? ElementSize(int type) => type switch
    {
        MiInt8 or MiUInt8 => 1,
        MiInt16 or MiUInt16 => 2,
        MiInt32 or MiUInt32 or MiSingle => 4,
        MiDouble or MiInt64 or MiUInt64 => 8,
        _ => null,
    };

    /// <summary>Every numeric array in the file, by name.</summary>
    public static IReadOnlyDictionary<string, MatArray> Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found");
        using var file = new BufferedStream(File.OpenRead(path), 1 << 20);
        var header = new byte[HeaderBytes];
        if (IdxFile.ReadFully(file, header) < HeaderBytes) throw new DataFormatException(path, "truncated: no MAT header");
        if (Encoding.ASCII.GetString(header, 0, 6) != "MATLAB")
            throw new DataFormatException(path, "wrong magic: not a MATLAB MAT file");
        if (header[126] == 'M' && header[127] == 'I')
            throw new DataFormatException(path, "big-endian MAT files are not supported");
        if (header[126] != 'I' || header[127] != 'M')
            throw new DataFormatException(path, "wrong magic: bad MAT endian indicator");
        int version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(124));
        if (version != 0x0100)
            throw new DataFormatException(path,
                $"MAT version 0x{version:X4} is not level 5 (MATLAB v7.3 HDF5 files are not supported; save with -v7)");

        var arrays = new Dictionary<string, MatArray>();
        try
        {
            while (ReadElement(file, path, allowEnd: true) is { } element)
            {
                var (type, data) = element;
                if (type == MiCompressed)
                {
                    using var inflated = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
                    (type, data) = ReadElement(inflated, path, allowEnd: false)!.Value;
                }
                if (type == MiMatrix && ParseMatrix(data, path) is { } array) arrays[array.Name] = array;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt compressed element ({e.Message})");
        }
        return arrays;
    }

    /// <summary>The next element {type, data}; null at the end of the stream when <paramref name="allowEnd"/>.</summary>
    static (int Type, byte[] Data)? ReadElement(Stream stream, string path, bool allowEnd)
    {
        var tag = new byte[8];
        int got = IdxFile.ReadFully(stream, tag);
        if (got == 0 && allowEnd) return null;
        if (got < 8) throw new DataFormatException(path, "truncated: incomplete element tag");
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(tag);
        if (first >> 16 != 0) // small data element: size in the upper half, data in the tag's last 4 bytes
            return ((int)(first & 0xFFFF), tag.AsSpan(4, (int)(first >> 16)).ToArray());
        int type = (int)first;
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(tag.AsSpan(4));
        if (size > Array.MaxLength) throw new DataFormatException(path, $"element of {size} bytes is too large");
        var data = new byte[size];
        int read = IdxFile.ReadFully(stream, data);
        if (read < size)
            throw new DataFormatException(path, $"truncated: element promises {size} bytes, file has {read}");
        if (type != MiCompressed && size % 8 != 0) IdxFile.ReadFully(stream, new byte[8 - size % 8]);
        return (type, data);
    }

    static MatArray? ParseMatrix(byte[] matrix, string path)
    {
        using var stream = new MemoryStream(matrix);
        var (flagsType, flags) = ReadElement(stream, path, allowEnd: false)!.Value;
        if (flagsType != MiUInt32 || flags.Length < 8) throw new DataFormatException(path, "matrix without array flags");
        int classId = flags[0];
        if (classId < 6 || classId > 15) return null; // cell, struct, object, char, sparse: not numeric
        var (_, dimensionBytes) = ReadElement(stream, path, allowEnd: false)!.Value;
        var dimensions = Enumerable.Range(0, dimensionBytes.Length / 4)
            .Select(i => BinaryPrimitives.ReadInt32LittleEndian(dimensionBytes.AsSpan(4 * i))).ToArray();
        var (_, nameBytes) = ReadElement(stream, path, allowEnd: false)!.Value;
        string name = Encoding.ASCII.GetString(nameBytes);
        var (realType, real) = ReadElement(stream, path, allowEnd: false)!.Value;
        var array = new MatArray(name, dimensions, classId, realType, real);
        int size = ElementSize(realType) ?? throw new DataFormatException(path, $"variable {name}: unknown type {realType}");
        if (real.Length != array.Count * size)
            throw new DataFormatException(path,
                $"variable {name}: {real.Length} bytes for {string.Join(" x ", dimensions)} elements of {size} byte(s)");
        return array;
    }
}
