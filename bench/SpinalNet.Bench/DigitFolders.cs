// `-- export-digits FOLDER [TRAIN] [VAL]`: the embedded digits as an image folder for the transfer-learning
// demonstration (docs/fine-tuning.md §13.5): the first TRAIN training digits (default 1,000) as FOLDER/train/<digit>/
// PNG files and the first VAL test digits (default 300) as FOLDER/val/<digit>/, written by the library's
// ImageFolder.Write, so that `spinalnet train --data FOLDER` reads them as any user's class folders.
using SpinalNet.Data;

namespace SpinalNet.Bench;

public static class DigitFolders
{
    public static void Run(string folder, int train, int val)
    {
        foreach (var (split, part, count) in new[] { ("train", Split.Train, train), ("val", Split.Test, val) })
        {
            var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, part);
            if (count > digits.Count)
                throw new ArgumentException($"{split}: {count} digits asked for, the embedded sample has {digits.Count}");
            int written = ImageFolder.Write(digits, folder, split, Enumerable.Range(0, count));
            Console.WriteLine($"{Path.Combine(folder, split)}: {written} PNG files");
        }
    }
}
