// Torch loads through the normal native path on this platform (Directory.Build.targets weakens the unused
// GLIBCXX_3.4.32 need of libLibTorchSharp.so). When the normal path fails, TorchSharp copies ~480 MB of natives into
// a cpu/ folder beside the assembly and retries; that folder must never appear.
using TorchSharp;

namespace SpinalNet.Tests;

public class TorchLoadTests
{
    [Fact]
    public void Torch_computes_and_no_fallback_copy_appears()
    {
        var product = torch.ones(2, 3).matmul(torch.ones(3, 4));
        Assert.Equal(3f, product[1, 2].item<float>());
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so")));
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")),
            "TorchSharp fell back to copying its natives into cpu/: the normal load path failed");
    }
}
