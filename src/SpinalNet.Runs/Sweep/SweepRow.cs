// One line of a sweep's sweep.csv (docs/results.md §5): a trained head with one seed, its cost, measured step time and
// accuracy. Rows are appended as points finish, so a stopped sweep resumes from the file.
using System.Globalization;

namespace SpinalNet.Runs;

/// <summary>One trained head: the conventional one (no width, depth, splits) or a grid point, with one seed.</summary>
/// <param name="HeadStepMicroseconds">The median head step of the seed's interleaved rounds (InterleavedTimer);
/// <paramref name="HeadStepP10"/> and <paramref name="HeadStepP90"/> its spread (equal to it in rows of earlier
/// versions, which kept one figure).</param>
public sealed record SweepRow(
    string Head, int? Width, int? Layers, int? Splits, long Seed, long HeadParameters, long HeadMultiplications,
    double HeadStepMicroseconds, double BestAccuracy, double FinalAccuracy, double HeadStepP10, double HeadStepP90)
{
    public const string CsvHeader = "head,width,layers,splits,seed,head_parameters,head_multiplications,head_step_us," +
                                    "best_accuracy,final_accuracy,head_step_p10_us,head_step_p90_us";

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
        FinalAccuracy, HeadStepP10, HeadStepP90,
    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    public static SweepRow Parse(string line, string source)
    {
        var f = line.Split(',');
        if (f.Length is not (10 or 12)) throw new InvalidDataException($"{source}: '{line}' is not a sweep row");
        int? Int(string s) => s.Length == 0 ? null : int.Parse(s, CultureInfo.InvariantCulture);
        double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        return new SweepRow(f[0], Int(f[1]), Int(f[2]), Int(f[3]), long.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture), long.Parse(f[6], CultureInfo.InvariantCulture), D(f[7]), D(f[8]),
            D(f[9]), D(f.Length > 10 ? f[10] : f[7]), D(f.Length > 10 ? f[11] : f[7]));
    }
}
