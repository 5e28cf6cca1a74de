// Decode speed, Skia (native) against stb (managed), interleaved rounds over the same PNG/JPEG files, and pixel parity
// (bench/RESULTS.md; docs/data.md §6.9): generated smooth images, 1,000 PNGs of 32x32 and 200 PNGs and JPEGs of 224x224.
using System.Diagnostics;
using System.Runtime.InteropServices;
using SkiaSharp;
using StbImageSharp;

string root = Path.Combine(Path.GetTempPath(), "codecbench");
var r = new Random(1);
List<string> Make(int side, int count, string ext)
{
    var files = new List<string>();
    Directory.CreateDirectory(root);
    for (int i = 0; i < count; i++)
    {
        string path = Path.Combine(root, $"{side}-{i}.{ext}");
        files.Add(path);
        if (File.Exists(path)) continue;
        using var bmp = new SKBitmap(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        double fx = r.NextDouble() * 0.3, fy = r.NextDouble() * 0.3;
        for (int y = 0; y < side; y++) for (int x = 0; x < side; x++)
        {
            byte C(int c) => (byte)Math.Clamp(255 * (0.5 + 0.4 * Math.Sin(fx * x + fy * y + c) + 0.1 * r.NextDouble()), 0, 255);
            bmp.SetPixel(x, y, new SKColor(C(0), C(1), C(2)));
        }
        using var data = bmp.Encode(ext == "png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }
    return files;
}
byte[] Skia(string path)
{
    using var codec = SKCodec.Create(path);
    var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
    var rgba = new byte[info.BytesSize];
    var h = GCHandle.Alloc(rgba, GCHandleType.Pinned);
    try { codec.GetPixels(info, h.AddrOfPinnedObject()); } finally { h.Free(); }
    var rgb = new byte[info.Width * info.Height * 3];
    for (int i = 0; i < info.Width * info.Height; i++) { rgb[3*i] = rgba[4*i]; rgb[3*i+1] = rgba[4*i+1]; rgb[3*i+2] = rgba[4*i+2]; }
    return rgb;
}
byte[] Stb(string path) => ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue).Data;
foreach (var (side, count, ext) in new[] { (32, 1000, "png"), (224, 200, "png"), (224, 200, "jpg") })
{
    var files = Make(side, count, ext);
    long maxDiff = 0, diffPixels = 0, total = 0;
    foreach (var f in files) { var a = Skia(f); var b = Stb(f); total += a.Length; for (int i = 0; i < a.Length; i++) { int d = Math.Abs(a[i] - b[i]); if (d > 0) diffPixels++; maxDiff = Math.Max(maxDiff, d); } }
    double tSkia = 0, tStb = 0;
    for (int round = 0; round < 3; round++)
    {
        var sw = Stopwatch.StartNew(); foreach (var f in files) Skia(f); tSkia += sw.Elapsed.TotalSeconds;
        sw.Restart(); foreach (var f in files) Stb(f); tStb += sw.Elapsed.TotalSeconds;
    }
    Console.WriteLine($"{count} {side}x{side} {ext}: skia {3 * count / tSkia:F0} images/s, stb {3 * count / tStb:F0} images/s (stb/skia time {tStb / tSkia:F2}); values differing {diffPixels}/{total}, max |diff| {maxDiff}");
}
