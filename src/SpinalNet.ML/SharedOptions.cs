// What the options of the ML.NET trainers share (docs/mlnet.md §15.2): the one check, which throws ML.NET's
// ArgumentOutOfRangeException naming the option, its value and its rule; and the validation part's default: a tenth of
// the rows from 500 on and, below, what the trainer holds out of small data (the tabular trainers a fifth, so that the
// best epoch is picked on rows the network did not train on at every size), none where that would hold out no row.
using SpinalNet.Training;

namespace SpinalNet.ML;

internal static class SharedOptions
{
    /// <summary>Throws an ArgumentOutOfRangeException unless <paramref name="ok"/>: "<paramref name="trainer"/> option
    /// <paramref name="option"/> = value rule".</summary>
    public static void Require(bool ok, string trainer, string option, object? value, string rule)
    {
        if (!ok) throw new ArgumentOutOfRangeException(option, value, $"{trainer} option {option} = {value} {rule}");
    }

    /// <summary>The share of <paramref name="rows"/> held out for selection: <paramref name="given"/>, which must hold out
    /// at least one row and leave one, or the default (<paramref name="belowFiveHundred"/> below 500 rows).</summary>
    public static double ValidationFraction(double? given, long rows, string trainer, double belowFiveHundred)
    {
        bool Splits(double fraction) => HoldOut.Size(rows, fraction) is var held && held >= 1 && held < rows;
        if (given is not { } fraction) return rows >= 500 ? 0.1 : Splits(belowFiveHundred) ? belowFiveHundred : 0;
        Require(fraction >= 0 && fraction < 1, trainer, "ValidationFraction", fraction, "must be in [0, 1)");
        Require(fraction == 0 || Splits(fraction), trainer, "ValidationFraction", fraction,
            $"must hold out at least one of the {rows} rows and leave one");
        return fraction;
    }
}
