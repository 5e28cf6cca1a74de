// The messages of a mistyped command line (docs/architecture.md §14.6), for a program that parses one: the nearest
// command or option to an unknown one (Data/NearestName.cs), and the value an option expects named in words ("a number
// such as 0.01"), never as a .NET type. The program finds the mistake; these say it in one line.
using SpinalNet.Data;

namespace SpinalNet.Runs;

/// <summary>One-line messages for the mistakes of a command line.</summary>
public static class CommandMistakes
{
    /// <summary>An unknown word after <paramref name="command"/>: an option where it starts with '-', else a command
    /// where <paramref name="commands"/> has some, else an argument too many.</summary>
    public static string Unknown(string command, string token, IEnumerable<string> options,
        IReadOnlyCollection<string> commands)
    {
        if (token.StartsWith('-'))
            return $"unknown option '{token}'{NearestName.Suggestion(token, options)} (`{command} --help` lists the " +
                   "options)";
        if (commands.Count > 0)
            return $"unknown command '{token}'{NearestName.Suggestion(token, commands)} (commands: " +
                   $"{string.Join(", ", commands)})";
        return $"unexpected argument '{token}' (`{command} --help` lists what it takes)";
    }

    /// <summary>A command that needs one of its <paramref name="commands"/> and was given none.</summary>
    public static string MissingCommand(string command, IEnumerable<string> commands) =>
        $"give a command: {string.Join(", ", commands)} (`{command} --help` says what each does)";

    /// <summary>A value that an option could not take.</summary>
    public static string BadValue(string option, string value, Type type) =>
        $"{option} {value}: expected {Expected(type)}";

    /// <summary>The values of <paramref name="type"/> in words.</summary>
    public static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(double) || t == typeof(float) => "a number such as 0.01",
        var t when t == typeof(int) || t == typeof(long) => "a whole number such as 10",
        var t when t == typeof(bool) => "true or false",
        _ => "a value of another form (see --help)",
    };
}
