// QMNIST (docs/data.md §6): images in IDX3 unsigned bytes, labels in IDX2 of int32 with 8 columns per row (column 0 is
// the class; the others are NIST metadata). The test split follows torchvision's meaning: all 60,000 test images
// (MNIST's 10,000 test digits first, then 50,000 recovered ones); test10k is the MNIST-compatible first 10,000 and
// test50k the rest.
namespace SpinalNet.Data;

/// <summary>The QMNIST splits.</summary>
public enum QmnistSplit { Train, Test, Test10k, Test50k }

/// <summary>Reader of QMNIST.</summary>
public static class Qmnist
{
    public const int LabelColumns = 8;
    public const int Test10kCount = 10_000;

    public static LabelledImages Load(string folder, QmnistSplit split)
    {
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "data folder not found");
        string what = split == QmnistSplit.Train ? "train" : "test";
        string imagesPath = IdxImageFolder.Find(folder, $"qmnist-{what}-images-idx3-ubyte");
        string labelsPath = IdxImageFolder.Find(folder, $"qmnist-{what}-labels-idx2-int");
        var images = IdxFile.Read(imagesPath, 3);
        var table = IdxFile.ReadInt32(labelsPath, 2);
        if (table.Dimensions[1] != LabelColumns)
            throw new DataFormatException(labelsPath,
                $"label table has {table.Dimensions[1]} columns per row (expected {LabelColumns})");
        var labels = new int[table.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = table.Data[i * LabelColumns];
        var set = IdxImageFolder.Combine(images, imagesPath, labels, labelsPath, ClassNames.Digits());
        return split switch
        {
            QmnistSplit.Test10k => set.Slice(0, Math.Min(Test10kCount, set.Count), $"{imagesPath} (test10k)"),
            QmnistSplit.Test50k => set.Slice(Math.Min(Test10kCount, set.Count),
                Math.Max(0, set.Count - Test10kCount), $"{imagesPath} (test50k)"),
            _ => set,
        };
    }
}
