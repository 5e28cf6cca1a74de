// How the CLI prints a result's table (its cells and number formats are the library's: Runs/Runs/TextTable.cs), and
// the shape of an option's help.
using System.CommandLine;
using Spectre.Console;
using SpinalNet.Runs;

namespace SpinalNet.Cli;

static class Format
{
    /// <summary>A table on the console (cells are text, never markup).</summary>
    public static void Print(TextTable result)
    {
        var table = new Table().AddColumns(result.Columns.Select(Markup.Escape).ToArray());
        foreach (var row in result.Rows) table.AddRow(row.Select(Markup.Escape).ToArray());
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
