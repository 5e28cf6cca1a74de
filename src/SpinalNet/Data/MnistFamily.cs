// MNIST, Fashion-MNIST and KMNIST (reference §6): identical IDX layouts and file names
// (train-/t10k-{images-idx3,labels-idx1}-ubyte[.gz]), 60,000 training and 10,000 test images of 28 x 28, 10 classes.
namespace SpinalNet.Data;

public enum MnistVariant { Mnist, FashionMnist, Kmnist }

public static class MnistFamily
{
    public static LabelledImages Load(string folder, MnistVariant variant, Split split)
    {
        string prefix = split == Split.Train ? "train" : "t10k";
        return IdxImageFolder.Load(folder, $"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte",
            Names(variant), MnistFolder.Side);
    }

    public static IReadOnlyList<string> Names(MnistVariant variant) => variant switch
    {
        MnistVariant.FashionMnist => ClassNames.FashionMnist,
        MnistVariant.Kmnist => ClassNames.Kmnist,
        _ => ClassNames.Digits(),
    };
}
