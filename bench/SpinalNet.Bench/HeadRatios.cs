// Side-by-side ratios of the head's training step for a shared, noisy machine: the paths of HeadBenchmark at each
// size run interleaved, round after round, and each keeps its fastest round (the least disturbed by other work), so
// a ratio compares rounds taken moments apart. Run: dotnet run -c Release --project bench/SpinalNet.Bench -- --ratios
using System.Diagnostics;
using System.Globalization;

namespace SpinalNet.Bench;

static class HeadRatios
{
    public static void Run(int rounds = 40)
    {
        var paths = Enum.GetValues<HeadPath>();
        Console.WriteLine("| (N, w, L) | batch | plain µs | fused µs | default µs | plain / fused | fused / default |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var size in new[] { "320,8,6", "256,128,4", "2048,512,4" })
        foreach (var batch in new[] { 64, 256 })
        {
            var cases = paths.Select(p => new HeadBenchmark { Size = size, Batch = batch, Path = p }).ToArray();
            foreach (var c in cases) c.Setup();
            // Calls per round: about 20 ms of the default head's step.
            var probe = Stopwatch.StartNew();
            for (int i = 0; i < 5; i++) cases[2].Step();
            int calls = Math.Max(1, (int)(0.02 / (probe.Elapsed.TotalSeconds / 5)));
            var best = new double[cases.Length];
            Array.Fill(best, double.MaxValue);
            for (int r = 0; r < rounds; r++)
                for (int c = 0; c < cases.Length; c++)
                {
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < calls; i++) cases[c].Step();
                    best[c] = Math.Min(best[c], clock.Elapsed.TotalSeconds * 1e6 / calls);
                }
            foreach (var c in cases) c.Cleanup();
            string F(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
            string R(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine($"| ({size.Replace(",", ", ")}) | {batch} | {F(best[0])} | {F(best[1])} | {F(best[2])} | " +
                              $"{R(best[0] / best[1])} | {R(best[1] / best[2])} |");
        }
    }
}
