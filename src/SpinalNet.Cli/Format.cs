// Number formats of everything the CLI prints (invariant culture, so logs read the same on every machine), and the
// shape of an option's help.
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SpinalNet.Runs;

namespace SpinalNet.Cli;

static class Format
{
    public static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    public static string Fixed(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>A fraction or score to four decimals (precision, recall, F1, ROC-AUC).</summary>
    public static string Score(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A table on the console (cells are text, never markup).</summary>
    public static void Print(string[] columns, IEnumerable<string[]> rows)
    {
        var table = new Table().AddColumns(columns.Select(Markup.Escape).ToArray());
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>An option with its value's name in help (--epochs N) and its description.</summary>
    public static Option<T> Opt<T>(string name, string valueName, string description, params string[] aliases) =>
        new(name, aliases) { HelpName = valueName, Description = description };

    /// <summary>An option with a default value, which help shows once, as [default: ...].</summary>
    public static Option<T> Defaulted<T>(string name, string valueName, string description, T defaultValue,
        params string[] aliases) =>
        new(name, aliases) { HelpName = valueName, Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>--data-root, the same on every command that reads known data sets.</summary>
    public static Option<string?> DataRootOption() => Opt<string?>("--data-root", "DIR", "Folder holding the known " +
        $"data sets, each in DIR/NAME (default: ${DataSets.RootVariable}, else ./data).");
}
