// Test shorthand: a catalogue network with its own Spinal settings changed, as a user writes it with `with`.
using SpinalNet.Models;

namespace SpinalNet.Tests;

static class NetworkVariants
{
    /// <summary><paramref name="spec"/>'s network with <paramref name="head"/>, its Spinal settings changed by
    /// <paramref name="change"/>, and <paramref name="classes"/> outputs (null: its own).</summary>
    public static NetworkChoice With(this ModelSpec spec, HeadKind head, Func<SpinalSettings, SpinalSettings> change,
        int? classes = null) => spec.Network(head, classes) with { Spinal = change(spec.Spinal) };
}
