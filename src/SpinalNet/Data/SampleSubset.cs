// A subset of a sample source by index: the parts of a split (Training/HoldOut.cs) of data read sample by sample.

namespace SpinalNet.Data;

/// <summary>A subset of a sample source by index.</summary>
public sealed class SampleSubset(ISampleSource source, int[] indices, string what) : ISampleSource
{
    public int Count => indices.Length;
    public IReadOnlyList<string> ClassNames => source.ClassNames;
    public string Source => $"{source.Source} ({what})";
    public Image ReadImage(int index) => source.ReadImage(indices[index]);
    public int Label(int index) => source.Label(indices[index]);
}
