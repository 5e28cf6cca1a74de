// A network of your own with a Spinal head, trained by the library's trainer on the embedded digits (docs/networks.md
// §2.1 for the paper's version of this CNN). The backbone is any module whose output is [batch, features]; the
// SpinalNet package copies the embedded sample (8,000 train / 2,000 test MNIST digits) beside the program.
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

torch.manual_seed(1);
var backbone = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size: 5), nn.MaxPool2d(2), nn.ReLU(),     // 28×28 → 8 × 12×12
    nn.Conv2d(8, 16, kernel_size: 5), nn.MaxPool2d(2), nn.ReLU(),    // → 16 × 4×4
    nn.Flatten());                                                   // → 256 features
var head = new SpinalLayer(new SpinalConfig(InputWidth: 256, Width: 16, Layers: 4, Outputs: 10));
using var model = new ClassifierNetwork(backbone, head, logSoftmax: false);

var cost = CostReport.Measure(model, 1, 28, 28);
Console.WriteLine($"parameters {cost.Parameters:N0}, multiplications {cost.Multiplications:N0}");

var (train, test) = MnistFamily.LoadTensors(folder: null, ChannelNormalization.Mnist);   // null: the embedded sample
using (train)
using (test)
{
    var settings = new TrainingSettings(Epochs: 2, LearningRate: 0.05, Seed: 1);
    foreach (var epoch in Trainer.Train(model, train, test, settings))
        Console.WriteLine($"epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, " +
                          $"test accuracy {epoch.TestAccuracy:P2}");
}
