// Data the ML.NET tests make (docs/mlnet.md §15.6): the embedded digits' pixels as a 784-column CSV (label first, pixels
// / 255), and a CSV of the regression experiment's synthetic data (docs/regression.md §4.1), written once per test run
// into a temporary folder.
using System.Globalization;
using System.Text;
using SpinalNet.Data;
using SpinalNet.Regression;

namespace SpinalNet.Tests;

static class MlNetData
{
    static readonly string Folder = Directory.CreateTempSubdirectory("spinalnet-mlnet-").FullName;

    /// <summary>The first <paramref name="rows"/> digits of a split as "label,p0,...,p783" lines, no header.</summary>
    public static string DigitsCsv(Split split, int rows)
    {
        var path = Path.Combine(Folder, $"digits-{split}-{rows}.csv");
        if (File.Exists(path)) return path;
        var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, split);
        var text = new StringBuilder();
        for (int i = 0; i < Math.Min(rows, digits.Count); i++)
        {
            text.Append(digits.Labels[i]);
            for (int p = 0; p < digits.ImageSize; p++)
                text.Append(',').Append((digits.Pixels[i * digits.ImageSize + p] / 255f).ToString("0.###", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>The synthetic regression data of a target as "y,x1,...,x8" lines with a header, from
    /// <paramref name="seed"/>.</summary>
    public static string RegressionCsv(Target target, int rows, long seed)
    {
        var path = Path.Combine(Folder, $"regression-{target}-{rows}-{seed}.csv");
        if (File.Exists(path)) return path;
        var (x, y) = SyntheticRegression.Generate(target, rows, seed, broadcastNoise: false);
        using (x)
        using (y)
        {
            var xs = x.data<float>().ToArray();
            var ys = y.data<float>().ToArray();
            var text = new StringBuilder("y,x1,x2,x3,x4,x5,x6,x7,x8\n");
            for (int i = 0; i < rows; i++)
            {
                text.Append(ys[i].ToString("R", CultureInfo.InvariantCulture));
                for (int j = 0; j < SyntheticRegression.Inputs; j++)
                    text.Append(',').Append(xs[i * SyntheticRegression.Inputs + j].ToString("R", CultureInfo.InvariantCulture));
                text.Append('\n');
            }
            File.WriteAllText(path, text.ToString());
        }
        return path;
    }
}
