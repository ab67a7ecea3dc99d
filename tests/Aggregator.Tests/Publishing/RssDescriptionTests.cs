using System.Text;
using System.Xml.Linq;
using Aggregator.Ingestion;
using Aggregator.Publishing;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Publishing;

/// <summary>An RSS &lt;description&gt; is HTML to the readers that take it (feedparser says
/// text/html), so text a source showed as text reaches them as text: a security audit found a
/// source's "&lt;img onerror=…&gt;", shown on its page as code, turned into a live image.</summary>
public sealed class RssDescriptionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Source = """
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Web security</title><id>urn:w</id><updated>2025-09-05T00:00:00Z</updated>
        <entry><id>urn:w:1</id><title>Attackers paste markup into forms in Seoul and Beijing</title><updated>2025-09-05T00:00:00Z</updated>
          <content type="html">&lt;p&gt;Attackers paste &lt;code&gt;&amp;lt;img src="http://127.0.0.1:9/pixel.gif" onerror="alert(1)"&amp;gt;&lt;/code&gt; into forms, AT&amp;amp;T says.&lt;/p&gt;</content></entry>
        </feed>
        """;

    [Fact]
    public async Task Text_that_looks_like_markup_stays_text_in_rss_descriptions()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/web.atom", () => Results.Text(Source, "application/atom+xml")));
        await using var app = await TestServices.StartAsync(Backend.Sqlite);
        await app.Get<FeedStore>().AddAsync(new FeedSubscription(server.Url("web.atom").AbsoluteUri, null), Ct);
        Assert.Equal(1, (await app.Get<FeedIngestor>().PollDueAsync(Ct, everyFeed: true)).Inserted);

        var address = new FeedAddress(new Uri("http://aggregator.test/"), null, "rss", "");
        var body = (await app.Get<FeedRenderer>().RenderAsync(address, new ItemFilter(), 1, Ct))!;
        var description = XDocument.Parse(Encoding.UTF8.GetString(body)).Descendants("description").Last().Value;
        Assert.Equal("Attackers paste &lt;img src=&quot;http://127.0.0.1:9/pixel.gif&quot; onerror=&quot;alert(1)&quot;&gt; into forms, AT&amp;T says.", description);

        // The same as a reader sees it: text, the characters as the source showed them.
        RequiredTool.Require(await PythonFeedparser.AvailableAsync(), "python3-feedparser (/usr/bin/python3)");
        var parsed = await PythonFeedparser.ParseAsync(body);
        var summary = parsed.GetProperty("entries")[0].GetProperty("summary").GetString()!;
        Assert.DoesNotContain("<img", summary, StringComparison.Ordinal);
        Assert.Contains("&lt;img", summary, StringComparison.Ordinal);
    }
}
