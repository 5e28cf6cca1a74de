// The settings of `spinalnet serve` (docs/serving.md §16.5): where it listens (this machine only unless told otherwise),
// what a request may be, and how many requests may wait for the model before the server answers 503.
namespace SpinalNet.Serving;

/// <summary>How the server listens and what it accepts.</summary>
/// <param name="Host">The address to bind: 127.0.0.1 (this machine only) unless told otherwise.</param>
/// <param name="Port">The port (0: a free one, as the tests use).</param>
/// <param name="MaxBodyBytes">The largest request body; a larger one is answered 413.</param>
/// <param name="MaxPixels">The largest image a header may declare; a larger one (a decompression bomb) is answered
/// 400 before any pixel is allocated.</param>
/// <param name="Workers">Requests computed at once (the network runs one image at a time; more only help an ONNX
/// model on many cores).</param>
/// <param name="QueueLimit">Requests that may wait for a worker; beyond them the server answers 503 at once.</param>
/// <param name="DefaultTop">Classes answered when the request does not say (?top=K).</param>
public sealed record ServerOptions(
    string Host = "127.0.0.1",
    int Port = 8080,
    long MaxBodyBytes = 8 << 20,
    long MaxPixels = 4096L * 4096,
    int Workers = 1,
    int QueueLimit = 64,
    int DefaultTop = 5)
{
    /// <summary>Whether the server is reachable from this machine only.</summary>
    public bool LoopbackOnly => Host is "127.0.0.1" or "localhost" or "::1" or "[::1]";
}
