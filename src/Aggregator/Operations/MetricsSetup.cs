using Prometheus;

namespace Aggregator.Operations;

/// <summary>/metrics (Prometheus text format) and the HTTP request metrics behind it.</summary>
public static class MetricsSetup
{
    public static void Use(WebApplication app)
    {
        // Our own metrics, HTTP requests and the process (CPU, memory, GC); not every .NET meter
        // (Kestrel's and HttpClient's would repeat the HTTP figures under other names).
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true });
        Telemetry.Export();
        app.Services.GetRequiredService<StoredStateMetrics>().Register(Metrics.DefaultRegistry);
        app.UseRouting();
        // Labelled by route template ("HTTP: GET /feeds/tags/{tag}.{format}"), not by path: a
        // crawler asking for a million paths cannot make a million series.
        app.UseHttpMetrics(o =>
        {
            o.ReduceStatusCodeCardinality();
            o.AddCustomLabel("endpoint", context => context.GetEndpoint()?.DisplayName ?? "unmatched");
        });
        app.MapMetrics("/metrics");
    }
}
