// The `spinalnet` command line: parses, calls the library, prints. Every failure the user can cause ends as one line
// on stderr and a non-zero exit code, never a stack trace.
using SpinalNet.Layers;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using SpinalNet.Cli;
using Spectre.Console;
using SpinalNet.Data;
using SpinalNet.Runs;

// Tables keep their shape in logs and pipes, where the terminal width is unknown.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
if (!ThisProcess.Reports) Console.SetOut(TextWriter.Null); // rank 0 prints

var options = new RunOptions();
// A plain command as the root, so usage lines say `spinalnet`, not the assembly's name.
var help = new HelpOption();
if (help.Action is HelpAction action) action.MaxWidth = Console.IsOutputRedirected ? 120 : Math.Min(120, Console.WindowWidth);
var root = new Command("spinalnet",
    "SpinalNet (Kabir et al., arXiv 2007.03347) on TorchSharp: train, evaluate and compare Spinal and conventional " +
    "classifier heads, and count their cost.")
{
    help, new VersionOption(),
    Commands.Train(options), Commands.Evaluate(options), Commands.Compare(options), Commands.Sweep(options),
    Commands.Summary(options), Commands.Bench(options), Commands.Models(), Commands.Presets(), Commands.Predict(options),
    Commands.Explain(options), Commands.Serve(options),    Commands.Export(), DataCommands.Data(), WeightsCommands.Create(), RegressCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"spinalnet: {Mistake(parsed)}".ReplaceLineEndings(" "));
    return 2;
}
// The commands that take --threads train or time networks: one torch thread per physical core until the run says
// otherwise (docs/performance.md §9.3, §9.6); the others need not load libtorch to start.
if (parsed.CommandResult.Command.Options.Contains(options.Threads))
    ThisProcess.UseThreads();
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
        SettingException s => s.Naming(RunOptions.FlagOf(s.Setting)),
        ArgumentException { ParamName: { } name } a => a.Message.Replace($" (Parameter '{name}')", ""),
        _ => e.Message,
    };
    Console.Error.WriteLine($"spinalnet: {message.ReplaceLineEndings(" ")}");
    return 1;
}

// A parse error in the words of CommandMistakes: the nearest command or option, the value an option expects.
static string Mistake(ParseResult parsed)
{
    var (command, error, names) = (parsed.CommandResult.Command, parsed.Errors[0], new List<string>());
    for (SymbolResult? r = parsed.CommandResult; r is CommandResult c; r = c.Parent) names.Insert(0, c.Command.Name);
    var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
    if (parsed.UnmatchedTokens.FirstOrDefault() is { } token)
        return CommandMistakes.Unknown(string.Join(" ", names), token, command.Options
            .Concat(parsed.RootCommandResult.Command.Options).SelectMany(o => o.Aliases.Prepend(o.Name)), commands);
    var option = error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as OptionResult;
    if (option is { Tokens.Count: > 0 } && error.Message.StartsWith("Cannot parse"))
        return CommandMistakes.BadValue(option.Option.Name, option.Tokens[^1].Value, option.Option.ValueType);
    return commands.Count > 0 ? CommandMistakes.MissingCommand(string.Join(" ", names), commands) : error.Message;
}
