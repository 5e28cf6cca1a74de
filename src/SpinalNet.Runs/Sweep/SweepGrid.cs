// A head search's grid (docs/results.md §5, `spinalnet sweep`): the widths w, depths L and splits k it tries, parsed
// from the command line's lists and ranges.
using System.Globalization;
using SpinalNet.Layers;
using SpinalNet.Models;

namespace SpinalNet.Runs;

/// <summary>The values each Spinal parameter takes (null: the run's own value only); the grid is every combination.
/// </summary>
public sealed record SweepGrid(int[]? Widths, int[]? Layers = null, int[]? Splits = null)
{
    /// <summary>The grid points over the run's own head, width-major: each is <paramref name="own"/> with the swept
    /// values, so what the run sets besides them (dropout, batch norm, activation, sharing) stays.</summary>
    public IEnumerable<SpinalSettings> Over(SpinalSettings own) =>
        from w in Values(Widths) from l in Values(Layers) from k in Values(Splits)
        select own with { Width = w ?? own.Width, Layers = l ?? own.Layers, Splits = k ?? own.Splits };

    static IEnumerable<int?> Values(int[]? values) => values?.Select(v => (int?)v) ?? [null];

    /// <summary>The grid of three lists (null: the run's own value), each as <see cref="Parse(string, string)"/>
    /// reads it; a wrong list is a <see cref="SettingException"/> naming Spinal.Width, Spinal.Layers or
    /// Spinal.Splits.</summary>
    public static SweepGrid Parse(string? widths, string? layers, string? splits)
    {
        int[]? Values(string? text, string setting) => text is null ? null : Parse(text, $"Spinal.{setting}");
        return new SweepGrid(Values(widths, "Width"), Values(layers, "Layers"), Values(splits, "Splits"));
    }

    /// <summary>A list of values of <paramref name="setting"/>: "4,8,16", a range "2..6" (step 1), a doubling range
    /// "4..64x2", or a mix of them.</summary>
    public static int[] Parse(string text, string setting)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var m = System.Text.RegularExpressions.Regex.Match(part, @"^(\d+)(?:\.\.(\d+)(?:x(\d+))?)?$");
            if (!m.Success) throw new SettingException(setting, text, $"has '{part}', not a number, A..B or A..BxF");
            int from = Number(m.Groups[1].Value, setting), to = m.Groups[2].Success ? Number(m.Groups[2].Value, setting) : from;
            int factor = m.Groups[3].Success ? Number(m.Groups[3].Value, setting) : 1;
            if (to < from || m.Groups[3].Success && factor < 2)
                throw new SettingException(setting, text, $"has '{part}', an empty range");
            for (long v = from; v <= to; v = factor > 1 ? v * factor : v + 1) values.Add((int)v);
        }
        if (values.Count == 0) throw new SettingException(setting, text, "needs at least one value");
        return values.Distinct().ToArray();
    }

    static int Number(string digits, string setting) => int.TryParse(digits, NumberStyles.None,
        CultureInfo.InvariantCulture, out int n) ? n : throw new SettingException(setting, digits, "is too large");
}
