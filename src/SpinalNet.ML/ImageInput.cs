// The images of an IDataView as the Spinal image trainer reads them (docs/mlnet.md §15.8): ML.NET's own image
// transforms, fitted once, turn the image column into the pixels the network takes, and the same fitted transforms
// begin the returned scoring chain, so Fit, ML.NET's scoring and a reloaded model.zip see identical pixels. A path
// column goes through LoadImages; a bytes column through DecodeImageBytes (LoadImages reads only paths in ML.NET 6),
// a CustomMapping that decodes with ML.NET's own MLImage. Then ResizeImages to a square and ExtractPixels to a
// Vector<Single, 3, H, W> of RGB values in 0–255, planar (CHW). Every check of the input happens here, before any
// training: a missing column or one of another type is an ArgumentOutOfRangeException naming it, an image that does
// not decode an InvalidOperationException naming its row.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace SpinalNet.ML;

/// <summary>An image column's kind: a path, encoded bytes, or an image ML.NET already loaded.</summary>
internal enum ImageColumnKind { Path, Bytes, Image }

/// <summary>The training images as pixels [rows, 3·H·W] (0–255, CHW) and their labels (class indices).</summary>
internal sealed record ImageRows(float[] Pixels, long[] Labels, int Rows, int Classes);

internal static class ImageInput
{
    /// <summary>The columns the preprocessing adds (and the scoring chain drops at its end).</summary>
    public const string BytesColumn = "SpinalNet.ImageBytes", ImageColumn = "SpinalNet.Image",
        PixelsColumn = "SpinalNet.Pixels";

    /// <summary>What the image column holds, or an ArgumentOutOfRangeException naming it.</summary>
    public static ImageColumnKind KindOf(DataViewType type, string column, string parameter) => type switch
    {
        TextDataViewType => ImageColumnKind.Path,
        VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => ImageColumnKind.Bytes,
        ImageDataViewType => ImageColumnKind.Image,
        _ => throw Mismatch(parameter, column, TabularData.Describe(type)),
    };

    public static ArgumentOutOfRangeException Mismatch(string parameter, string column, string got) =>
        new(parameter, $"Schema mismatch for image column '{column}': expected String (a path) or VarVector<Byte> " +
                       $"(encoded image bytes, as LoadRawImageBytes gives), got {got}");

    /// <summary>ML.NET's transforms from the image column to the pixel column.</summary>
    public static IEstimator<ITransformer> Preprocessing(MLContext ml, ImageColumnKind kind, string column,
        string? folder, int size)
    {
        string image = kind == ImageColumnKind.Image ? column : ImageColumn;
        var resize = ml.Transforms.ResizeImages(ImageColumn, size, size, image)
            .Append(ml.Transforms.ExtractPixels(PixelsColumn, ImageColumn, interleavePixelColors: false));
        return kind switch
        {
            ImageColumnKind.Path => ml.Transforms.LoadImages(ImageColumn, folder, column).Append(resize),
            ImageColumnKind.Bytes => ml.Transforms.CopyColumns(BytesColumn, column)
                .Append(ml.Transforms.CustomMapping(new DecodeImageBytes().GetMapping(), DecodeImageBytes.ContractName))
                .Append(resize),
            _ => resize,
        };
    }

    /// <summary>The columns of the preprocessing that scoring drops again.</summary>
    public static string[] Intermediate(ImageColumnKind kind) => kind switch
    {
        ImageColumnKind.Bytes => [BytesColumn, ImageColumn, PixelsColumn],
        _ => [ImageColumn, PixelsColumn],
    };

    /// <summary>Reads the pixels and labels of <paramref name="transformed"/> (the preprocessing's output over
    /// <paramref name="input"/>); rows whose label is missing (key 0) are skipped, as ML.NET's trainers skip them. An
    /// image that cannot be read is an InvalidOperationException naming its row (found in <paramref name="input"/>:
    /// ML.NET's cursors read ahead on threads of their own and report the failure of a batch, not of a row).</summary>
    public static ImageRows Read(IDataView input, IDataView transformed, string labelColumn, string imageColumn,
        string? folder, int classes)
    {
        try
        {
            return Read(transformed, labelColumn, imageColumn, classes);
        }
        catch (EmptyDataException e)
        {
            throw new InvalidOperationException(e.Message);
        }
        catch (Exception e) when (e is not EmptyDataException and (ArgumentException or InvalidOperationException
                                      or IOException or FormatException or NullReferenceException))
        {
            var (row, why) = FirstUnreadable(input, imageColumn, folder) ?? (-1, Innermost(e).Message);
            throw new InvalidOperationException(row < 0
                ? $"Image column '{imageColumn}': the images cannot be read ({why})"
                : $"Image column '{imageColumn}': the image of row {row} cannot be read ({why})", e);
        }
    }

    static ImageRows Read(IDataView data, string labelColumn, string imageColumn, int classes)
    {
        var label = data.Schema[labelColumn];
        var pixels = data.Schema[PixelsColumn];
        int width = ((VectorDataViewType)pixels.Type).Size;
        var values = new List<float>();
        var labels = new List<long>();
        var buffer = default(VBuffer<float>);
        uint key = 0;
        long row = 0;
        using (var cursor = data.GetRowCursor([label, pixels]))
        {
            var getLabel = cursor.GetGetter<uint>(label);
            var getPixels = cursor.GetGetter<VBuffer<float>>(pixels);
            while (cursor.MoveNext())
            {
                getLabel(ref key);
                if (key != 0)
                {
                    getPixels(ref buffer);
                    if (buffer.Length != width)
                        throw new InvalidOperationException($"the image of row {row} gave {buffer.Length} pixel " +
                                                            $"values, not {width}");
                    if ((long)values.Count + width > Array.MaxLength)
                        throw new OutOfMemoryException(
                            $"The training images of the Spinal image trainer are more than one array holds " +
                            $"({labels.Count} images of {width} values); train on a sample or a smaller ImageSize");
                    foreach (float v in buffer.DenseValues()) values.Add(v);
                    labels.Add(key - 1);
                }
                row++;
            }
        }
        if (labels.Count == 0)
            throw new EmptyDataException(row == 0
                ? "The training data of the Spinal image trainer has no rows"
                : $"The training data of the Spinal image trainer has {row} rows but none with a label in column " +
                  $"'{labelColumn}'");
        return new ImageRows(values.ToArray(), labels.ToArray(), labels.Count, classes);
    }

    /// <summary>The first row of <paramref name="input"/> whose image MLImage cannot decode, and why.</summary>
    static (long Row, string Why)? FirstUnreadable(IDataView input, string imageColumn, string? folder)
    {
        var column = input.Schema[imageColumn];
        if (KindOf(column.Type, imageColumn, nameof(input)) == ImageColumnKind.Image) return null;
        bool paths = column.Type is TextDataViewType;
        using var cursor = input.GetRowCursor([column]);
        var getPath = paths ? cursor.GetGetter<ReadOnlyMemory<char>>(column) : null;
        var getBytes = paths ? null : cursor.GetGetter<VBuffer<byte>>(column);
        var path = default(ReadOnlyMemory<char>);
        var bytes = default(VBuffer<byte>);
        for (long row = 0; cursor.MoveNext(); row++)
        {
            try
            {
                if (getPath is not null)
                {
                    getPath(ref path);
                    string file = path.ToString();
                    using var image = MLImage.CreateFromFile(folder is null ? file : Path.Combine(folder, file));
                }
                else
                {
                    getBytes!(ref bytes);
                    using var stream = new MemoryStream(bytes.DenseValues().ToArray(), writable: false);
                    using var image = MLImage.CreateFromStream(stream);
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException
                                          or FormatException or NullReferenceException)
            {
                return (row, e.Message);
            }
        }
        return null;
    }

    static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>No row to train on.</summary>
    sealed class EmptyDataException(string message) : InvalidOperationException(message);
}

/// <summary>The encoded bytes a DecodeImageBytes mapping reads.</summary>
public sealed class EncodedImage
{
    /// <summary>PNG, JPEG, BMP, GIF or WebP bytes.</summary>
    [ColumnName(ImageInput.BytesColumn)]
    public byte[] Bytes = [];
}

/// <summary>The image a DecodeImageBytes mapping writes.</summary>
public sealed class DecodedImage
{
    /// <summary>The decoded image, of its own size: the declared 1 × 1 is the column type's (ML.NET asks for a positive
    /// one); ResizeImages reads each image's own size.</summary>
    [ColumnName(ImageInput.ImageColumn)]
    [ImageType(1, 1)]
    public MLImage? Image;
}

/// <summary>Decodes image bytes with ML.NET's MLImage: ML.NET's LoadImages reads paths only. A CustomMapping, saved in
/// model.zip by its contract name; a program that loads such a model calls
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(DecodeImageBytes).Assembly)</c> first.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class DecodeImageBytes : CustomMappingFactory<EncodedImage, DecodedImage>
{
    /// <summary>The name model.zip records.</summary>
    public const string ContractName = "SpinalNet.ML.DecodeImageBytes";

    /// <inheritdoc />
    public override Action<EncodedImage, DecodedImage> GetMapping() => (input, output) =>
    {
        using var stream = new MemoryStream(input.Bytes, writable: false);
        output.Image = MLImage.CreateFromStream(stream);
    };
}
