// The messages of a mistyped command line (docs/architecture.md §14.6): the nearest command or option to an unknown one
// (Data/NearestName.cs), and the value an option expects named in words ("a number such as 0.01"), never as a .NET
// type. The parser finds the mistake; this says it in one line.
using System.CommandLine;
using System.CommandLine.Parsing;
using SpinalNet.Data;

namespace SpinalNet.Cli;

static class CommandMistakes
{
    /// <summary>The first parse error in words: an unknown word, a value an option cannot take, a missing command.</summary>
    public static string Of(ParseResult parsed)
    {
        var (command, error, names) = (parsed.CommandResult.Command, parsed.Errors[0], new List<string>());
        for (SymbolResult? r = parsed.CommandResult; r is CommandResult c; r = c.Parent) names.Insert(0, c.Command.Name);
        var (path, commands) = (string.Join(" ", names), command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList());
        if (parsed.UnmatchedTokens.FirstOrDefault() is { } token)
            return Unknown(path, token, command.Options.Concat(parsed.RootCommandResult.Command.Options)
                .SelectMany(o => o.Aliases.Prepend(o.Name)), commands);
        var option = error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as OptionResult;
        if (option is { Tokens.Count: > 0 })
            return $"{option.Option.Name} {option.Tokens[^1].Value}: " + (error.Message.StartsWith("Cannot parse")
                ? $"expected {Expected(option.Option.ValueType)}" : error.Message);
        return commands.Count > 0
            ? $"give a command: {string.Join(", ", commands)} (`{path} --help` says what each does)"
            : error.Message;
    }

    /// <summary>An unknown word after <paramref name="command"/>: an option where it starts with '-', else a command
    /// where <paramref name="commands"/> has some, else an argument too many.</summary>
    static string Unknown(string command, string token, IEnumerable<string> options, IReadOnlyCollection<string> commands)
    {
        if (token.StartsWith('-'))
            return $"unknown option '{token}'{NearestName.Suggestion(token, options)} (`{command} --help` lists the " +
                   "options)";
        if (commands.Count > 0)
            return $"unknown command '{token}'{NearestName.Suggestion(token, commands)} (commands: " +
                   $"{string.Join(", ", commands)})";
        return $"unexpected argument '{token}' (`{command} --help` lists what it takes)";
    }

    /// <summary>The values of <paramref name="type"/> in words.</summary>
    static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(double) || t == typeof(float) => "a number such as 0.01",
        var t when t == typeof(int) || t == typeof(long) => "a whole number such as 10",
        var t when t == typeof(bool) => "true or false",
        _ => "a value of another form (see --help)",
    };
}
