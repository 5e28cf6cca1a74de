// Number formats of everything the CLI prints: invariant culture, so logs read the same on every machine.
using System.Globalization;

namespace SpinalNet.Cli;

static class Format
{
    public static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    public static string Fixed(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
