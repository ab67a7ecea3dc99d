using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aggregator.Tests.TestSupport;

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel) serving whatever a test maps, and
/// recording every request it gets, with the most requests it had in flight at once.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;
    public ConcurrentQueue<(string Path, string? IfNoneMatch, string? IfModifiedSince, string? UserAgent, string? AcceptEncoding)> Requests { get; } = new();
    private int _maxInFlight;
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    public Uri BaseUrl { get; private set; } = null!;

    private LoopbackServer(WebApplication app) => _app = app;

    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, string host = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:0");
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Use(async (context, next) =>
        {
            var r = context.Request;
            server.Requests.Enqueue((r.Path + r.QueryString, r.Headers.IfNoneMatch.FirstOrDefault(), r.Headers.IfModifiedSince.FirstOrDefault(), r.Headers.UserAgent.FirstOrDefault(), r.Headers.AcceptEncoding.FirstOrDefault()));
            var now = Interlocked.Increment(ref server._inFlight);
            int seen;
            while ((seen = Volatile.Read(ref server._maxInFlight)) < now && Interlocked.CompareExchange(ref server._maxInFlight, now, seen) != seen) { }
            try { await next(context); }
            finally { Interlocked.Decrement(ref server._inFlight); }
        });
        map(app);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First() + "/");
        return server;
    }

    public Uri Url(string path) => new(BaseUrl, path);

    public int Count(string path) => Requests.Count(r => r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
