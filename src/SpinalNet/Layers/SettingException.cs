// A setting out of range, named as the library's types name it (Epochs, Classes, Spinal.Width, ...), with its value and
// the rule it breaks. The library knows no command line: the spinalnet command maps the setting to its own flag when it
// prints the error (docs/architecture.md §14.3).
namespace SpinalNet.Layers;

/// <summary>A setting's value breaks its rule: "<see cref="Setting"/> <see cref="Value"/> <see cref="Rule"/>", or, for
/// a setting whose value says nothing (a switch), "<see cref="Setting"/>: <see cref="Rule"/>".</summary>
public sealed class SettingException(string setting, object? value, string rule)
    : ArgumentException(value is null ? $"{setting}: {rule}" : $"{setting} {Text(value)} {rule}", setting)
{
    /// <summary>A setting whose value needs no saying: "<paramref name="setting"/>: <paramref name="rule"/>".</summary>
    public SettingException(string setting, string rule) : this(setting, null, rule) { }

    /// <summary>Throws a <see cref="SettingException"/> unless <paramref name="ok"/>: the one check every settings record
    /// of the library makes.</summary>
    public static void Require(bool ok, string setting, object? value, string rule)
    {
        if (!ok) throw new SettingException(setting, value, rule);
    }

    /// <summary>A mistake of several settings together, none given where one is needed: "Run or Weights: give a run
    /// folder or a weights file".</summary>
    public static SettingException OneOf(string[] settings, string rule) =>
        new(string.Join(" or ", settings), rule) { Settings = settings };

    /// <summary>The same mistake named from the type that holds the setting's type: Width of a SpinalConfig is
    /// Spinal.Width of a network choice.</summary>
    public SettingException Within(string owner) => new($"{owner}.{Setting}", Value, Rule);

    /// <summary>The message with each setting named otherwise, e.g. by the command-line flag that sets it.</summary>
    public string Naming(Func<string, string> name)
    {
        string names = string.Join(" or ", Settings.Select(name));
        return Value is null ? $"{names}: {Rule}" : $"{names} {Value} {Rule}";
    }

    /// <summary>The setting's name in the library: a property name, dotted where it is nested (Spinal.Width).</summary>
    public string Setting { get; } = setting;

    /// <summary>Every setting the mistake is of: <see cref="Setting"/> alone, or those of <see cref="OneOf"/>.</summary>
    public IReadOnlyList<string> Settings { get; private init; } = [setting];

    /// <summary>The value given, as text (null for a switch).</summary>
    public string? Value { get; } = value is null ? null : Text(value);

    /// <summary>What the value should be, e.g. "must be at least 1".</summary>
    public string Rule { get; } = rule;

    static string Text(object value) => value switch
    {
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "(none)",
    };
}
