// Device selection behind one option (torchsharp reference: only the CPU libtorch is served here; CUDA users swap the
// libtorch package): cpu, cuda, or auto = cuda where available.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

public static class Devices
{
    public static Device Resolve(string name) => name switch
    {
        "cpu" => torch.CPU,
        "cuda" when torch.cuda.is_available() => torch.CUDA,
        "cuda" => throw new ArgumentException(
            "--device cuda: CUDA is not available (this build uses the CPU libtorch package; reference a CUDA " +
            "libtorch package to train on a GPU)", "device"),
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        _ => throw new ArgumentException($"--device {name} is not one of cpu, cuda, auto", "device"),
    };
}
