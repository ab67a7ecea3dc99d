using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using System.Text;
using Aggregator.Tests.Publishing;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Mail;

/// <summary>Feeds of fresh Korea–China stories on loopback, one path per feed, added while a
/// test runs: each story its own (distinct words), or a copy of another with an outlet's chrome.</summary>
public sealed class MailFeeds : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _feeds = new();
    public LoopbackServer Server { get; private set; } = null!;

    public static async Task<MailFeeds> StartAsync()
    {
        var feeds = new MailFeeds();
        feeds.Server = await LoopbackServer.StartAsync(app => app.MapGet("/{name}.xml", (string name) =>
            feeds._feeds.TryGetValue(name, out var xml) ? Results.Text(xml, "application/rss+xml", Encoding.UTF8) : Results.NotFound()));
        return feeds;
    }

    public static string Title(int story) => $"Seoul and Beijing talks, round {story}: {PublishedService.Words(story, 3)}";

    /// <summary>A story's body: South Korea and China named together in every paragraph, around words of its own.</summary>
    public static string Body(int story) => string.Join("\n\n",
        $"South Korea and China held talks in Seoul on {PublishedService.Words(story, 30)}.",
        $"The Chinese and South Korean ministers met as Beijing and Seoul discussed {PublishedService.Words(story + 1000, 30)}.",
        $"Officials in Seoul said China and Korea would meet again; {PublishedService.Words(story + 2000, 30)}.");

    /// <summary>Serves a feed at /{name}.xml with these stories (copies carry another outlet's sign-off); returns its URL.</summary>
    public Uri Add(string name, IEnumerable<int> stories, IEnumerable<int>? copies = null)
    {
        var items = new StringBuilder();
        var now = DateTime.UtcNow;
        foreach (var (story, copy) in stories.Select(s => (s, false)).Concat((copies ?? []).Select(s => (s, true))))
        {
            var body = Body(story) + (copy ? $"\n\nReporting by the {name} desk; all rights reserved." : "");
            items.Append(CultureInfo.InvariantCulture, $"""
                <item>
                  <title>{SecurityElement.Escape(Title(story))}</title>
                  <link>{Server.Url($"{name}/story/{story}")}</link>
                  <guid isPermaLink="false">{name}-{story}</guid>
                  <pubDate>{now:R}</pubDate>
                  <description>{SecurityElement.Escape(body)}</description>
                </item>
                """);
        }
        _feeds[name] = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Outlet {name}</title><link>{Server.Url(name)}</link><description>{name}</description>
            {items}
            </channel></rss>
            """;
        return Server.Url(name + ".xml");
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
