// What /metrics reports (docs/serving.md §16.6), in the Prometheus text format (version 0.0.4): requests answered by
// endpoint and status, requests refused because the queue was full, requests in flight, and latency percentiles
// (p50, p90, p99 over the last 10,000 requests of each endpoint) with the count and sum of all latencies.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace SpinalNet.Serving;

/// <summary>Counts and latencies of the requests a server answered; safe to record from many threads.</summary>
public sealed class RequestMetrics
{
    /// <summary>Latencies kept per endpoint for the percentiles (a sliding window).</summary>
    public const int Window = 10_000;

    readonly ConcurrentDictionary<(string Endpoint, int Status), long> counts = new();
    readonly ConcurrentDictionary<string, Latencies> latencies = new();
    long inFlight;

    sealed class Latencies
    {
        public readonly double[] Recent = new double[Window];
        public long Count;
        public double Sum;
    }

    /// <summary>A request has started.</summary>
    public void Started() => Interlocked.Increment(ref inFlight);

    /// <summary>A request has been answered with <paramref name="status"/> after <paramref name="seconds"/>.</summary>
    public void Answered(string endpoint, int status, double seconds)
    {
        Interlocked.Decrement(ref inFlight);
        counts.AddOrUpdate((endpoint, status), 1, (_, n) => n + 1);
        var l = latencies.GetOrAdd(endpoint, _ => new Latencies());
        lock (l)
        {
            l.Recent[l.Count % Window] = seconds;
            l.Count++;
            l.Sum += seconds;
        }
    }

    /// <summary>Requests answered, by endpoint and status.</summary>
    public long Count(string endpoint, int? status = null) =>
        counts.Where(c => c.Key.Endpoint == endpoint && (status is null || c.Key.Status == status)).Sum(c => c.Value);

    /// <summary>The metrics in the Prometheus text format.</summary>
    public string Prometheus()
    {
        var text = new StringBuilder();
        text.AppendLine("# HELP spinalnet_requests_total Requests answered, by endpoint and HTTP status.");
        text.AppendLine("# TYPE spinalnet_requests_total counter");
        foreach (var ((endpoint, status), n) in counts.OrderBy(c => c.Key.Endpoint).ThenBy(c => c.Key.Status))
            text.AppendLine($"spinalnet_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {n}");
        text.AppendLine("# HELP spinalnet_requests_in_flight Requests being read, queued or computed.");
        text.AppendLine("# TYPE spinalnet_requests_in_flight gauge");
        text.AppendLine($"spinalnet_requests_in_flight {Interlocked.Read(ref inFlight)}");
        text.AppendLine("# HELP spinalnet_request_duration_seconds Time from a request's arrival to its answer " +
                        $"(quantiles over the last {Window} requests of the endpoint).");
        text.AppendLine("# TYPE spinalnet_request_duration_seconds summary");
        foreach (var (endpoint, l) in latencies.OrderBy(l => l.Key))
        {
            double[] recent;
            long count;
            double sum;
            lock (l)
            {
                recent = l.Recent.Take((int)Math.Min(l.Count, Window)).Order().ToArray();
                (count, sum) = (l.Count, l.Sum);
            }
            foreach (var q in new[] { 0.5, 0.9, 0.99 })
                text.AppendLine($"spinalnet_request_duration_seconds{{endpoint=\"{endpoint}\",quantile=\"{F(q)}\"}} " +
                                F(Quantile(recent, q)));
            text.AppendLine($"spinalnet_request_duration_seconds_sum{{endpoint=\"{endpoint}\"}} {F(sum)}");
            text.AppendLine($"spinalnet_request_duration_seconds_count{{endpoint=\"{endpoint}\"}} {count}");
        }
        return text.ToString();
    }

    /// <summary>The <paramref name="q"/> quantile of sorted values (nearest rank); 0 for none.</summary>
    public static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
