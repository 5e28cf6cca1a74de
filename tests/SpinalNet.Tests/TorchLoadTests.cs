// Torch loads through the normal native path on this platform (build/SpinalNet.targets, the package's buildTransitive
// targets, weakens the unused GLIBCXX_3.4.32 need of libLibTorchSharp.so; docs/platform.md §7.1). When the normal path
// fails, TorchSharp copies ~480 MB of natives into a cpu/ folder beside the assembly and retries; that folder must
// never
// appear. The patch changes nothing but the weak flag of a needed version, so where libstdc++ has the version the file
// loads as the original does, and the copy in the NuGet cache is never written.
using TorchSharp;

namespace SpinalNet.Tests;

public class TorchLoadTests
{
    static string OutputCopy =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Torch_computes_and_no_fallback_copy_appears()
    {
        var product = torch.ones(2, 3).matmul(torch.ones(3, 4));
        Assert.Equal(3f, product[1, 2].item<float>());
        Assert.True(File.Exists(OutputCopy));
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")),
            "TorchSharp fell back to copying its natives into cpu/: the normal load path failed");
    }

    [Fact]
    public void The_patch_sets_only_the_weak_flag_and_leaves_the_cache_alone()
    {
        var version = typeof(torch).Assembly.GetName().Version!;
        string original = Path.Combine(PackageFacts.MachineCache, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}",
            "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        byte[] before = File.ReadAllBytes(original), after = File.ReadAllBytes(OutputCopy);

        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        const byte VerFlgWeak = 0x2;
        Assert.Single(changed);   // GLIBCXX_3.4.32, the one anchor-only version of TorchSharp 0.107.0's wrapper
        Assert.All(changed, i => Assert.Equal(VerFlgWeak, before[i] ^ after[i]));
        Assert.True(before.AsSpan().IndexOf("GLIBCXX_3.4.32"u8) >= 0, "the original no longer needs GLIBCXX_3.4.32");
    }
}
