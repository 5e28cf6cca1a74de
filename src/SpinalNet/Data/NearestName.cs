// The nearest valid name to a mistyped one, for the "did you mean" of an error (docs/architecture.md §14.6): the
// edit distance (insertions, deletions, substitutions and swaps of two neighbours, each 1) between the names with case
// ignored and '_' read as '-', so mnist_cnn finds mnist-cnn and trian finds train. A name farther than a third of its
// length from every valid one gets no suggestion.
namespace SpinalNet.Data;

/// <summary>The nearest of some valid names to a given one, for error messages.</summary>
public static class NearestName
{
    /// <summary>The valid name nearest to <paramref name="given"/>, or null when none is near (the first of equals
    /// wins).</summary>
    public static string? Of(string given, IEnumerable<string> valid)
    {
        var folded = Fold(given);
        int limit = Math.Max(1, folded.Length / 3);
        return valid.Select(name => (Name: name, Distance: Distance(folded, Fold(name))))
            .Where(c => c.Distance <= limit).OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();
    }

    /// <summary>"; did you mean NAME?" for the nearest valid name, or nothing.</summary>
    public static string Suggestion(string given, IEnumerable<string> valid) =>
        Of(given, valid) is { } near ? $"; did you mean {near}?" : "";

    /// <summary>The one shape of an unknown name's error: "unknown WHAT 'NAME' (valid: A, B, ...); did you mean A?".
    /// </summary>
    public static string Unknown(string what, string name, IEnumerable<string> valid, string listed = "valid")
    {
        var names = valid.ToList();
        return $"unknown {what} '{name}' ({listed}: {string.Join(", ", names)}){Suggestion(name, names)}";
    }

    static string Fold(string name) => name.ToLowerInvariant().Replace('_', '-');

    /// <summary>The optimal string alignment distance.</summary>
    static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        for (int j = 1; j <= b.Length; j++)
        {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
