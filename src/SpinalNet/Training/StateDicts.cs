// Loading weights strictly: every key of the model filled, no key left over, every shape equal, and the first key
// that does not fit named in a one-line error. (libtorch's own loader reports a shape mismatch as a native error.)
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

public static class StateDicts
{
    public static void LoadStrict(nn.Module model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var expected = model.state_dict();
        string? missing = expected.Keys.FirstOrDefault(k => !tensors.ContainsKey(k));
        if (missing is not null)
            throw new InvalidDataException($"{source}: weights do not fit this model: no '{missing}' " +
                                           $"({expected.Keys.Count(k => !tensors.ContainsKey(k))} keys missing)");
        string? extra = tensors.Keys.FirstOrDefault(k => !expected.ContainsKey(k));
        if (extra is not null)
            throw new InvalidDataException($"{source}: weights do not fit this model: unexpected key '{extra}'");
        foreach (var (key, target) in expected)
            if (!tensors[key].shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: weights do not fit this model: '{key}' has shape " +
                                               $"[{string.Join(", ", tensors[key].shape)}], the model's is " +
                                               $"[{string.Join(", ", target.shape)}]");
        using var noGrad = torch.no_grad();
        foreach (var (key, target) in expected) target.copy_(tensors[key]);
    }
}
