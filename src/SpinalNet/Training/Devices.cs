// Device selection behind one option (docs/platform.md §7.2: the application chooses the libtorch package, CPU or
// CUDA): cpu, cuda, or auto = cuda where available.
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

using SpinalNet.Layers;

namespace SpinalNet.Training;

/// <summary>Where tensors live: the CPU, a CUDA GPU, or CUDA where available.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeviceKind>))]
public enum DeviceKind
{
    [JsonStringEnumMemberName("cpu")] Cpu,
    [JsonStringEnumMemberName("cuda")] Cuda,
    [JsonStringEnumMemberName("auto")] Auto,
}

/// <summary>Resolution of a device option to a torch device.</summary>
public static class Devices
{
    public static readonly string[] Names = ["cpu", "cuda", "auto"];

    public static DeviceKind Parse(string name) => Array.IndexOf(Names, name) is var i and >= 0
        ? (DeviceKind)i
        : throw new SettingException("Device", name, $"is not one of {string.Join(", ", Names)}");

    public static Device Resolve(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => torch.CPU,
        DeviceKind.Cuda when torch.cuda.is_available() => torch.CUDA,
        DeviceKind.Cuda => throw new SettingException("Device", "cuda",
            "is not available: this build uses the CPU libtorch package; reference a CUDA libtorch package to train on " +
            "a GPU"),
        _ => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
    };
}
