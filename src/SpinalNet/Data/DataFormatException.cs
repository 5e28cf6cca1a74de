// A data file that cannot be used as it is. The message is one line: the file, then what is wrong with it.
namespace SpinalNet.Data;

/// <summary>A data file that cannot be used as it is; the message names the file and what is wrong.</summary>
public sealed class DataFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
