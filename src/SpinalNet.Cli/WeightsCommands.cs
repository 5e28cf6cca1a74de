// `spinalnet weights list | download | import`: the ImageNet weights --pretrained reads from the local cache
// (docs/pretrained.md §12.2–§12.4). Parses and prints only; the use cases are Runs/Data/ImageNetWeights.cs.
using System.CommandLine;
using SpinalNet.Runs;
using static SpinalNet.Cli.Format;

namespace SpinalNet.Cli;

static class WeightsCommands
{
    public static Command Create()
    {
        var folder = Opt<string?>("--out", "DIR", "Cache folder to write to (default: " +
            $"${ImageNetWeights.FolderVariable}, else ~/.cache/spinalnet/weights).", "-o");
        var architecture = new Argument<string>("ARCH") { Description = "Architecture (`spinalnet weights list`)." };
        var file = new Argument<string>("FILE") { Description = "State dict, torchvision's names (.pth, .safetensors)." };
        var model = Opt<string>("--model", "ARCH", "Architecture the file is for.", "-m");
        model.Required = true;
        var list = new Command("list", "Each architecture with ImageNet weights and the file --pretrained reads.");
        list.SetAction(_ =>
        {
            var listing = ImageNetWeights.List();
            Print(listing.Table);
            Console.WriteLine($"cache: {Path.GetFullPath(listing.Folder)}");
        });
        var download = new Command("download", "Download torchvision's file into the cache, checking the SHA-256 " +
            $"prefix in its name (from {ImageNetWeights.DefaultBaseUrl} or ${ImageNetWeights.UrlVariable}).")
            { architecture, folder };
        download.SetAction(r => Console.WriteLine("weights in " + DataCommands.Downloading((progress, log) =>
            ImageNetWeights.Download(r.GetValue(architecture)!, r.GetValue(folder), progress, log))));
        var import = new Command("import", "Check that a state dict fills the architecture's backbone strictly and " +
            "store it in the cache as ARCH.safetensors.") { file, model, folder };
        import.SetAction(r => Console.WriteLine("weights in " +
            ImageNetWeights.Import(r.GetValue(file)!, r.GetValue(model)!, r.GetValue(folder))));
        return new Command("weights", "ImageNet weights for --pretrained: list, download, import.") { list, download, import };
    }
}
