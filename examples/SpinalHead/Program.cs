// A Spinal head on features, trained: the README's snippet ("The Spinal layer", docs/spinal-layer.md §1) in a program.
// The features are 512 random numbers per sample, labelled by a fixed random linear map, so the head has something to
// learn; a CNN's flattened output would take their place in a real network.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

torch.manual_seed(1);
var features = torch.randn(256, 512);
var labels = features.matmul(torch.randn(512, 10)).argmax(1);

var head = new SpinalLayer(new SpinalConfig(InputWidth: 512, Width: 64, Layers: 4, Outputs: 10));
Tensor logits = head.call(features);   // features: [batch, 512] → logits: [batch, 10]

using var optimizer = torch.optim.Adam(head.parameters(), lr: 1e-3);
float first = 0, last = 0;
for (int step = 0; step < 50; step++)
{
    using var scope = torch.NewDisposeScope();
    optimizer.zero_grad();
    var loss = nn.functional.cross_entropy(head.call(features), labels);
    loss.backward();
    optimizer.step();
    last = loss.item<float>();
    if (step == 0) first = last;
}

head.eval();
double accuracy = head.call(features).argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
Console.WriteLine($"logits {string.Join('x', logits.shape)}; loss {first:F4} -> {last:F4} in 50 steps; " +
                  $"train accuracy {accuracy:P1}");
return last < first ? 0 : 1;
