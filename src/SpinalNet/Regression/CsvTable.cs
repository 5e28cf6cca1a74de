// Tabular regression data from a CSV file (docs/regression.md §4 extended to the user's data): a header row of column
// names, then one sample per line, numbers in invariant culture (a dot for decimals), fields optionally in double
// quotes. The target column is chosen by name; the features are the named columns, or every other column. Every problem
// is one line naming the file, the line and the column.
using System.Globalization;
using System.Text;
using SpinalNet.Data;

namespace SpinalNet.Regression;

/// <param name="Features">[samples, features] row-major.</param>
/// <param name="Source">The file the table was read from, for messages.</param>
public sealed record RegressionTable(string[] FeatureNames, string TargetName, float[] Features, float[] Targets,
    string Source = "table")
{
    public int Count => Targets.Length;
    public int Width => FeatureNames.Length;
}

/// <summary>Numeric tabular data read from a CSV file with a header row.</summary>
public static class CsvTable
{
    public static RegressionTable Read(string path, string targetColumn, IReadOnlyList<string>? featureColumns = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var lines = File.ReadAllLines(path);
        int headerLine = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (headerLine < 0) throw new DataFormatException(path, "empty file: no header row");
        var header = Fields(lines[headerLine]).Select(h => h.Trim()).ToArray();
        if (header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new DataFormatException(path, $"column name '{twice.Key}' appears {twice.Count()} times in the header");
        int Column(string name, string role) => Array.IndexOf(header, name) is var i and >= 0
            ? i
            : throw new DataFormatException(path, $"no {role} column '{name}' (columns: {string.Join(", ", header)})");
        int target = Column(targetColumn, "target");
        var features = (featureColumns ?? header.Where((_, i) => i != target).ToArray())
            .Select(f => Column(f, "feature")).ToArray();
        if (features.Length == 0) throw new DataFormatException(path, "no feature columns besides the target");
        if (features.Contains(target))
            throw new DataFormatException(path, $"column '{targetColumn}' is both the target and a feature");

        var x = new List<float>();
        var y = new List<float>();
        for (int n = headerLine + 1; n < lines.Length; n++)
        {
            if (lines[n].Trim().Length == 0) continue;
            var cells = Fields(lines[n]);
            if (cells.Count != header.Length)
                throw new DataFormatException(path, $"line {n + 1} has {cells.Count} fields, the header has {header.Length}");
            float Number(int column, bool isTarget)
            {
                var text = cells[column].Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    throw new DataFormatException(path, text.Length == 0
                        ? $"line {n + 1}, column '{header[column]}': empty cell"
                        : $"line {n + 1}, column '{header[column]}': '{text}' is not a number");
                if (!double.IsFinite(value))
                    throw new DataFormatException(path,
                        $"line {n + 1}, column '{header[column]}': {text} {(isTarget ? "in the target" : "is not a finite number")}");
                return (float)value;
            }
            foreach (int f in features) x.Add(Number(f, false));
            y.Add(Number(target, true));
        }
        if (y.Count == 0) throw new DataFormatException(path, "no data rows under the header");
        return new RegressionTable(features.Select(f => header[f]).ToArray(), header[target], x.ToArray(), y.ToArray(),
            path);
    }

    /// <summary>The fields of one CSV line: commas separate, double quotes enclose, "" is a quote inside quotes.</summary>
    static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
