// The `spinalnet` command line: parses, calls the library, prints. Every failure the user can cause ends as one line
// on stderr and a non-zero exit code, never a stack trace; a library error names its setting, printed as the flag that
// sets it (docs/architecture.md §14.3).
using System.CommandLine;
using System.CommandLine.Help;
using Spectre.Console;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Runs;

namespace SpinalNet.Cli;

static class Program
{
    static int Main(string[] args)
    {
        // Tables keep their shape in logs and pipes, where the terminal width is unknown.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
        if (!ThisProcess.Reports) Console.SetOut(TextWriter.Null); // rank 0 prints
        return Run(args, Console.Error);
    }

    /// <summary>The command tree; a plain command as the root, so usage lines say `spinalnet`, not the assembly's
    /// name.</summary>
    internal static Command Root(RunOptions o)
    {
        var help = new HelpOption();
        if (help.Action is HelpAction action)
            action.MaxWidth = Console.IsOutputRedirected ? 120 : Math.Min(120, Console.WindowWidth);
        return new Command("spinalnet", "SpinalNet (Kabir et al., arXiv 2007.03347) on TorchSharp: train, evaluate and " +
                                        "compare Spinal and conventional classifier heads, and count their cost.")
        {
            help, new VersionOption(), Commands.Train(o), Commands.Evaluate(o), Commands.Compare(o), Commands.Sweep(o),
            Commands.Summary(o), Commands.Bench(o), Commands.Models(), Commands.Presets(), Commands.Predict(o),
            Commands.Explain(o), Commands.Serve(o), Commands.Export(), DataCommands.Data(), WeightsCommands.Create(),
            RegressCommand.Create(),
        };
    }

    /// <summary>Runs the command line <paramref name="args"/>, its one error line to <paramref name="errors"/>.</summary>
    internal static int Run(string[] args, TextWriter errors)
    {
        var parsed = Root(new RunOptions()).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            errors.WriteLine($"spinalnet: {CommandMistakes.Of(parsed)}".ReplaceLineEndings(" "));
            return 2;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or DataFormatException
                                     or UnauthorizedAccessException or InvalidOperationException)
        {
            // The library names its settings; this command names the flags that set them.
            var message = e switch
            {
                SettingException s => s.Naming(RunOptions.FlagOf),
                ArgumentException { ParamName: { } name } a => Naming(name, a.Message.Replace($" (Parameter '{name}')", "")),
                _ => e.Message,
            };
            errors.WriteLine($"spinalnet: {message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    // An error of a setting (its parameter name, Model) that does not say which flag sets it starts with the flag.
    static string Naming(string setting, string message) =>
        char.IsUpper(setting[0]) && RunOptions.FlagOf(setting) is var flag && !message.Contains(flag)
            ? $"{flag}: {message}" : message;
}
