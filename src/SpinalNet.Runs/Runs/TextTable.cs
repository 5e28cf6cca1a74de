// A use case's result as a table of text (docs/architecture.md §14.5): the cells each command shows are decided with
// the result they show, in one number format (invariant culture, so that logs read the same on every machine), so that
// the spinalnet command only prints them and a .NET program gets the same cells.
using System.Globalization;

namespace SpinalNet.Runs;

/// <summary>Column titles and rows of cells.</summary>
public sealed record TextTable(string[] Columns, IReadOnlyList<string[]> Rows)
{
    public TextTable(string[] columns, IEnumerable<string[]> rows) : this(columns, rows.ToList()) { }

    /// <summary>A fraction as a percentage to two decimals: 94.40%.</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    public static string Fixed(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>A fraction or score to four decimals (precision, recall, F1, ROC-AUC).</summary>
    public static string Score(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
