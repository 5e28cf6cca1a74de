// The from-scratch experiments of the paper as presets (reference §3.1–3.3): network, head, data set, preprocessing,
// optimiser, learning rate and its rule, batch sizes, epochs and seed, as each script sets them. A preset is a
// configuration layer: a --config file and command-line options still override it.
//
// Model selection: the scripts pick the best epoch on the test set. Presets hold out 10% of the training data
// instead (validation_fraction 0.1); `--validation-fraction 0` reproduces the scripts' choice, and every report says
// which split picked the best epoch.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpinalNet.Training;

/// <param name="Head">The head the script trains; "both" where one script trains both side by side (compare).</param>
public sealed record Preset(string Name, string Description, string Head, JsonObject Values)
{
    public ConfigLayer Layer => new($"preset {Name}", (JsonObject)Values.DeepClone());
}

public static class Presets
{
    static JsonObject Json(object values) => JsonSerializer.SerializeToNode(values)!.AsObject();

    static Preset Make(string name, string description, string model, string head, string data, string augmentation,
        object settings) =>
        new(name, description, head, Json(new
        {
            model,
            head = head == "both" ? "spinal" : head,
            data,
            augmentation,
            settings,
        }));

    // §3.1: SGD 0.01, momentum 0.5, constant rate, batch 64 / 1000, 8 epochs, no augmentation, seed 1.
    static readonly object MnistCnnSettings = new
    {
        epochs = 8, batch_size = 64, test_batch_size = 1000, optimizer = "sgd", learning_rate = 0.01, momentum = 0.5,
        schedule = new { name = "constant" }, seed = 1, validation_fraction = 0.1,
    };

    public static readonly IReadOnlyList<Preset> All =
    [
        Make("mnist-cnn-default", "§3.1 default_pytorch_MNIST.py: simple CNN, default head 320→50→10, 8 epochs " +
             "(embedded sample; --data mnist for the full set)", "mnist-cnn", "fc", "embedded", "mnist", MnistCnnSettings),
        Make("mnist-cnn-spinal", "§3.1 SpinalNet_MNIST.py: simple CNN, Spinal head w = 8, L = 6, 8 epochs " +
             "(embedded sample; --data mnist for the full set)", "mnist-cnn", "spinal", "embedded", "mnist", MnistCnnSettings),
        Make("emnist-digits-cnn-default", "§3.1 default_pytorch_EMNIST.py: simple CNN, default head, EMNIST digits, " +
             "8 epochs", "emnist-digits-cnn", "fc", "emnist-digits", "mnist", MnistCnnSettings),
        Make("emnist-digits-cnn-spinal", "§3.1 SpinalNet_EMNIST_Digits.py: simple CNN, Spinal head w = 10, EMNIST " +
             "digits, 8 epochs", "emnist-digits-cnn", "spinal", "emnist-digits", "mnist", MnistCnnSettings),
    ];

    public static Preset Get(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException(
            $"unknown preset '{name}' (valid: {string.Join(", ", All.Select(p => p.Name))})", "preset");
}
