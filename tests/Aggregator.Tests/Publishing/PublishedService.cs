using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Publishing;

/// <summary>The service as users run it, on the seeds plus two feeds served on loopback: a
/// 120-entry "river" (paging, filters, relative links in HTML content) and one hostile entry.
/// On SQLite; <see cref="PublishedServiceOnPostgres"/> is the same on PostgreSQL.</summary>
public class PublishedService : IAsyncLifetime
{
    protected virtual Backend Backend => Backend.Sqlite;
    private string? _unavailable;

    /// <summary>Skips (fails under CI=true) a test whose database is not there.</summary>
    public void Require()
    {
        if (_unavailable is not null) RequiredTool.Require(false, _unavailable);
    }

    public const int RiverEntries = 120;
    public const string RiverTitle = "Harbour Ledger";
    public const string RareWord = "zanzibarite";
    public static readonly DateTime RiverStart = new(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);

    public TempFolder Temp { get; } = new();

    /// <summary>Where the service keeps its data besides the data folder: the PostgreSQL settings, or none.</summary>
    public Dictionary<string, string> StorageEnvironment { get; private set; } = [];
    public LoopbackServer Feeds { get; private set; } = null!;
    public ServiceProcess Process
    {
        get
        {
            Require();
            return _process!;
        }
        private set => _process = value;
    }
    private ServiceProcess? _process;
    public int Stories => Seeds.TitlesAndDates.Count + RiverEntries + 1;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var env = new Dictionary<string, string>();
        if (Backend == Backend.Postgres)
        {
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestPostgres.Variable)) && !RequiredTool.InCi)
            {
                _unavailable = $"PostgreSQL ({TestPostgres.Variable}, started by .ci/postgres.sh)";
                return;
            }
            env = await TestPostgres.EnvironmentAsync(Backend);
        }
        StorageEnvironment = new Dictionary<string, string>(env);
        Feeds = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/river.xml", (HttpContext http) => Results.Text(River(new Uri($"{http.Request.Scheme}://{http.Request.Host}/")), "application/rss+xml", Encoding.UTF8));
            app.MapGet("/hostile.xml", () => Results.Text(HostileFeed, "application/rss+xml", Encoding.UTF8));
        });
        var opml = Temp.File("feeds.opml", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <opml version="2.0"><head><title>test</title></head><body>
              <outline type="rss" text="{RiverTitle}" xmlUrl="{Feeds.Url("river.xml")}"/>
              <outline type="rss" text="Hostile" xmlUrl="{Feeds.Url("hostile.xml")}"/>
            </body></opml>
            """);
        env["Aggregator__Sources__SubscriptionsFile"] = opml;
        env["Aggregator__Scheduling__PollTickSeconds"] = "5";
        Process = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, Temp.Sub("data"), env);
        await Process.WaitUntilAsync(async () => await TotalAsync("feeds/all.json") == Stories, $"{Stories} stories are served", 90);
    }

    /// <summary>How many stories a JSON Feed listing holds over all its pages.</summary>
    public async Task<int> TotalAsync(string path)
    {
        Require();
        var total = 0;
        for (var url = path; url is not null;)
        {
            var feed = JsonDocument.Parse(await Process.Http.GetStringAsync(url, Ct)).RootElement;
            total += feed.GetProperty("items").GetArrayLength();
            url = feed.TryGetProperty("next_url", out var next) ? next.GetString() : null;
        }
        return total;
    }

    public static string RiverTitleOf(int i) => $"Ledger {i:000}: {Words(i, 4)}";

    private static string River(Uri self)
    {
        var items = new StringBuilder();
        for (var i = 0; i < RiverEntries; i++)
        {
            var body = Words(i, 80) + (i == 7 ? " " + RareWord : "");
            var html = $"<p>{body}</p><p><a href=\"more/{i}\">more</a> <img src=\"/img/{i}.png\" alt=\"figure {i}\"></p>";
            items.Append(CultureInfo.InvariantCulture, $"""
                <item>
                  <title>{SecurityElement.Escape(RiverTitleOf(i))}</title>
                  <link>{self}story/{i}</link>
                  <guid isPermaLink="false">river-{i}</guid>
                  <pubDate>{RiverStart.AddHours(i):R}</pubDate>
                  <description>{SecurityElement.Escape(html)}</description>
                </item>
                """);
        }
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>{RiverTitle}</title><link>{self}</link><description>river</description>
            {items}
            </channel></rss>
            """;
    }

    /// <summary>Pseudo-words from a seed: every entry is its own story (no shared phrases).</summary>
    public static string Words(int seed, int count)
    {
        string[] syllables = ["ka", "lo", "mi", "ru", "te", "sa", "no", "vi", "pe", "zu", "dor", "fen", "gal", "hib", "jon", "kev", "lum", "mab", "nix", "orp"];
        var random = new Random(seed * 7919 + 17);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ =>
            string.Concat(Enumerable.Range(0, random.Next(2, 4)).Select(_ => syllables[random.Next(syllables.Length)]))));
    }

    /// <summary>Script, event handlers, a javascript: link, CR/LF in the title, a 1 MB title, and a
    /// U+FFFE (Unicode normalization throws on it: it once failed the whole feed).</summary>
    public static readonly string HostileTitleStart = "Hostile <script>alert(1)</script> title";

    private static string HostileFeed => $$"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>Hostile</title><link>http://127.0.0.1/</link><description>x</description>
        <item>
          <title>{{SecurityElement.Escape(HostileTitleStart)}}&#13;&#10;X-Injected: yes {{new string('A', 1_000_000)}}</title>
          <link>javascript:alert(7)</link>
          <guid isPermaLink="false">hostile-1</guid>
          <description><![CDATA[<p onclick="alert(2)">North Korea and China held&#xFFFE; talks in Beijing; Pyongyang and Beijing officials met.<script>alert(3)</script>
          <img src="x.png" onerror="alert(4)"><a href="javascript:alert(5)">click</a><iframe src="https://evil.example/"></iframe>
          <form action="https://evil.example/"><input name="p"></form><style>body{display:none}</style>
          <a href="/relative/path">relative</a><img src="data:image/png;base64,AAAA"></p>]]></description>
        </item>
        </channel></rss>
        """;

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        if (Feeds is not null) await Feeds.DisposeAsync();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class PublishedServiceOnPostgres : PublishedService
{
    protected override Backend Backend => Backend.Postgres;
}
