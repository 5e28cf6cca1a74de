// One line of a sweep's sweep.csv (docs/results.md §5): a trained head with one seed, its cost, measured step time and
// accuracy. Rows are appended as points finish, so a stopped sweep resumes from the file.
using System.Globalization;

namespace SpinalNet.Runs;

/// <summary>One trained head: the conventional one (no width, depth, splits) or a grid point, with one seed.</summary>
public sealed record SweepRow(
    string Head, int? Width, int? Layers, int? Splits, long Seed, long HeadParameters, long HeadMultiplications,
    double HeadStepMicroseconds, double BestAccuracy, double FinalAccuracy)
{
    public const string CsvHeader = "head,width,layers,splits,seed,head_parameters,head_multiplications,head_step_us," +
                                    "best_accuracy,final_accuracy";

    public (string, int?, int?, int?) Point => (Head, Width, Layers, Splits);

    /// <summary>A Spinal point's label, with the values it trained: "w=8 L=6 k=2".</summary>
    public static string Label(int? width, int? layers, int? splits) => $"w={width} L={layers} k={splits}";

    /// <summary>The rows of a sweep file (none where it does not exist).</summary>
    public static IEnumerable<SweepRow> ReadFile(string path) => File.Exists(path)
        ? File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => Parse(l, path))
        : [];

    /// <summary>Writes <paramref name="rows"/> as a sweep file, atomically.</summary>
    public static void WriteFile(string path, IEnumerable<SweepRow> rows) =>
        Data.AtomicFile.WriteText(path, CsvHeader + "\n" + string.Concat(rows.Select(r => r.Csv() + "\n")));

    public string Csv() => string.Join(",", new object?[]
    {
        Head, Width, Layers, Splits, Seed, HeadParameters, HeadMultiplications, HeadStepMicroseconds, BestAccuracy,
        FinalAccuracy,
    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    public static SweepRow Parse(string line, string source)
    {
        var f = line.Split(',');
        if (f.Length != 10) throw new InvalidDataException($"{source}: '{line}' is not a sweep row");
        int? Int(string s) => s.Length == 0 ? null : int.Parse(s, CultureInfo.InvariantCulture);
        double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        return new SweepRow(f[0], Int(f[1]), Int(f[2]), Int(f[3]), long.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture), long.Parse(f[6], CultureInfo.InvariantCulture), D(f[7]), D(f[8]),
            D(f[9]));
    }
}
