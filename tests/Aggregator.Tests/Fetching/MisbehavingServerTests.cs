using System.IO.Compression;
using System.Text;
using Aggregator.Ingestion;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Aggregator.Tests.TestSupport.LoopbackFeeds;

namespace Aggregator.Tests.Fetching;

/// <summary>Servers that get HTTP wrong in the ways real ones do: bodies cut off in transfer,
/// stacked or unknown codings, redirects to odd places, validators in their own format, cache
/// lifetimes of years, charset labels that are server defaults.</summary>
public abstract class MisbehavingServerTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly byte[] Feed = Encoding.UTF8.GetBytes(FeedPollingTests.Rss);

    private Task<TestServices> ServicesAsync(params (string Key, string Value)[] settings) => LoopbackFeeds.ServicesAsync(backend, settings);

    private static byte[] Compress(string coding, byte[] data)
    {
        var body = new MemoryStream();
        using (Stream compressor = coding switch
        {
            "gzip" => new GZipStream(body, CompressionLevel.Optimal, leaveOpen: true),
            "br" => new BrotliStream(body, CompressionLevel.Optimal, leaveOpen: true),
            _ => new ZLibStream(body, CompressionLevel.Optimal, leaveOpen: true),
        })
            compressor.Write(data);
        return body.ToArray();
    }

    [Theory]
    [InlineData("gzip", 3)] // cut inside the compressed data
    [InlineData("gzip", 8)] // whole data, its trailer missing
    [InlineData("br", 3)]
    [InlineData("deflate", 3)]
    public async Task A_compressed_body_cut_off_in_transfer_is_a_failure_and_the_last_good_body_stays(string coding, int cut)
    {
        // Long enough that a third of its compressed form is well inside the data.
        var long_ = Encoding.UTF8.GetBytes(FeedPollingTests.Rss.Replace("<item>", string.Concat(Enumerable.Range(0, 40).Select(i => $"<item><guid>urn:pad:{i}</guid><title>Padding {i}</title><description>Entry {i} of the padding.</description></item>")) + "<item>", StringComparison.Ordinal));
        var whole = Compress(coding, long_);
        var truncated = whole[..(cut == 8 ? whole.Length - 8 : whole.Length / cut)];
        var broken = false;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/packed.xml", (HttpContext c) =>
        {
            c.Response.Headers.ContentEncoding = coding;
            return Results.Bytes(broken ? truncated : whole, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("packed.xml"));
        Assert.Equal(1, (await PollAsync(app)).Fetched);

        broken = true;
        var summary = await PollAsync(app);

        Assert.Equal(1, summary.Failed);
        var state = await StateAsync(app, feed.Id);
        Assert.Contains($"the {(coding == "br" ? "brotli" : coding)} body stops before its end", state.LastError, StringComparison.Ordinal);
        Assert.Equal(long_, await app.Get<FeedStore>().LastBodyAsync(feed.Id, Ct));
        Assert.Equal(42, await app.ScalarAsync<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Stacked_codings_are_undone_in_turn_and_an_unknown_one_is_named()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/twice.xml", (HttpContext c) =>
            {
                c.Response.Headers.ContentEncoding = "gzip, br"; // gzip applied first, then brotli
                return Results.Bytes(Compress("br", Compress("gzip", Feed)), "application/rss+xml");
            });
            app.MapGet("/zstd.xml", (HttpContext c) =>
            {
                c.Response.Headers.ContentEncoding = "zstd";
                return Results.Bytes(Feed, "application/rss+xml");
            });
            // One header of 8,000 codings: each a decoder wrapped around the last, which overflowed
            // the stack and killed the process, every feed in flight with it.
            app.MapGet("/stacked.xml", (HttpContext c) =>
            {
                c.Response.Headers.ContentEncoding = string.Join(",", Enumerable.Repeat("gzip", 8000));
                return Results.Bytes(Feed, "application/rss+xml");
            });
        });
        await using var app = await ServicesAsync();
        var twice = await FeedAsync(app, server.Url("twice.xml"));
        var zstd = await FeedAsync(app, server.Url("zstd.xml"));
        var stacked = await FeedAsync(app, server.Url("stacked.xml"));

        var summary = await PollAsync(app);

        Assert.Equal((1, 2), (summary.Fetched, summary.Failed));
        Assert.Contains("the server sent 8000 content codings one on another (Content-Encoding: gzip, gzip, gzip, …); at most 5 are undone",
            (await StateAsync(app, stacked.Id)).LastError, StringComparison.Ordinal);

        Assert.Equal(200, (await StateAsync(app, twice.Id)).LastStatus);
        Assert.Null((await StateAsync(app, twice.Id)).LastError);
        Assert.Equal(Feed, await app.Get<FeedStore>().LastBodyAsync(twice.Id, Ct));
        Assert.Contains("Content-Encoding \"zstd\", which cannot be decoded", (await StateAsync(app, zstd.Id)).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deflate_body_that_stalls_is_abandoned_at_the_timeout()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/stall.xml", async (HttpContext c) =>
        {
            c.Response.Headers.ContentEncoding = "deflate";
            c.Response.ContentLength = 100_000;
            await c.Response.Body.FlushAsync(c.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(20), c.RequestAborted);
        }));
        await using var app = await ServicesAsync(("Fetching:TimeoutSeconds", "2"));
        var feed = await FeedAsync(app, server.Url("stall.xml"));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await PollAsync(app);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        var state = await StateAsync(app, feed.Id);
        Assert.Contains("timed out after 2 s", state.LastError, StringComparison.Ordinal);
        Assert.Equal(200, state.LastStatus); // the headers had come
    }

    [Fact]
    public async Task Redirects_are_adopted_only_once_they_answer_and_never_lead_off_http()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/moved-to-nothing", () => Results.Redirect("/nothing", permanent: true));
            app.MapGet("/nothing", () => Results.NotFound());
            app.MapGet("/lent", () => Results.Redirect("/gone", preserveMethod: true)); // 307
            app.MapGet("/gone", () => Results.StatusCode(410));
            app.MapGet("/to-file", () => Results.Redirect("file:///etc/passwd"));
            app.MapGet("/duplicate", () => Results.Redirect("/wire.xml", permanent: true));
            app.MapGet("/wire.xml", () => Results.Text(FeedPollingTests.Rss, "application/rss+xml"));
        });
        await using var app = await ServicesAsync();
        var toNothing = await FeedAsync(app, server.Url("moved-to-nothing"));
        var lent = await FeedAsync(app, server.Url("lent"));
        var toFile = await FeedAsync(app, server.Url("to-file"));
        var duplicate = await FeedAsync(app, server.Url("duplicate"));
        await FeedAsync(app, server.Url("wire.xml"));

        await PollAsync(app);

        var a = await StateAsync(app, toNothing.Id);
        Assert.Equal(server.Url("moved-to-nothing").AbsoluteUri, a.Url); // the subscribed address is kept
        Assert.Equal($"HTTP 404 Not Found at {server.Url("nothing").AbsoluteUri}", a.LastError);
        var b = await StateAsync(app, lent.Id);
        Assert.False(b.Gone);
        Assert.Contains("reached through a temporary redirect", b.LastError, StringComparison.Ordinal);
        var c = await StateAsync(app, toFile.Id);
        Assert.Equal((1L, 302), (c.ConsecutiveErrors, c.LastStatus));
        Assert.Contains("file:///etc/passwd, which is not an http(s) address", c.LastError, StringComparison.Ordinal);
        Assert.True(c.NextPollAt > DateTime.UtcNow);
        var d = await StateAsync(app, duplicate.Id);
        Assert.Equal(server.Url("duplicate").AbsoluteUri, d.Url);
        Assert.Contains($"moved permanently to {server.Url("wire.xml").AbsoluteUri}, which is subscribed too", d.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validators_go_back_exactly_as_the_server_wrote_them()
    {
        const string date = "Mon, 1 Jun 2026 12:00:00 +0000"; // not the IMF-fixdate form
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/own.xml", (HttpContext c) =>
        {
            if (c.Request.Headers.IfNoneMatch == "abc123") return Results.StatusCode(304);
            c.Response.Headers.ETag = "abc123"; // unquoted, as many servers send it
            c.Response.Headers.LastModified = date;
            return Results.Text(FeedPollingTests.Rss, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("own.xml"));

        await PollAsync(app);
        var second = await PollAsync(app);

        Assert.Equal(1, second.NotModified);
        var request = server.Requests.Last();
        Assert.Equal(("abc123", date), (request.IfNoneMatch, request.IfModifiedSince));
        Assert.Equal(304, (await StateAsync(app, feed.Id)).LastStatus);
    }

    [Fact]
    public async Task Cache_lifetimes_and_retry_after_of_years_are_honoured_up_to_the_upper_bound()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/cdn.xml", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "public, max-age=315360000";
                return Results.Text(FeedPollingTests.Rss, "application/rss+xml");
            });
            app.MapGet("/busy.xml", (HttpContext c) =>
            {
                c.Response.Headers.RetryAfter = "Fri, 31 Dec 9999 23:59:59 GMT";
                return Results.StatusCode(503);
            });
        });
        await using var app = await ServicesAsync(("Scheduling:MaxPollMinutes", "120"));
        var cdn = await FeedAsync(app, server.Url("cdn.xml"));
        var busy = await FeedAsync(app, server.Url("busy.xml"));
        var before = DateTime.UtcNow;

        await PollAsync(app);

        foreach (var feed in new[] { cdn, busy })
        {
            var next = (await StateAsync(app, feed.Id)).NextPollAt;
            // The upper bound, spread over the tenth after it (and the 30 s a feed may be claimed early).
            Assert.InRange(next, before.AddMinutes(120), DateTime.UtcNow.AddMinutes(132) + Aggregator.Scheduling.PollPlanner.DueEarly);
        }
    }

    [Fact]
    public async Task A_server_default_charset_label_gives_way_to_the_encoding_the_document_declares_and_is_written_in()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        static string Feed(string encoding, string title) =>
            $"<?xml version=\"1.0\" encoding=\"{encoding}\"?><rss version=\"2.0\"><channel><title>t</title><item><guid>{encoding}</guid><title>{title}</title></item></channel></rss>";
        var korean = Encoding.GetEncoding("euc-kr").GetBytes(Feed("euc-kr", "한국과 중국 외교 회담"));
        var chinese = Encoding.GetEncoding("gb18030").GetBytes(Feed("gbk", "中国与韩国关系"));
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/ko.xml", () => Results.Bytes(korean, "text/xml; charset=utf-8"));
            app.MapGet("/zh.xml", () => Results.Bytes(chinese, "text/xml; charset=iso-8859-1"));
        });
        await using var app = await ServicesAsync();
        var ko = await FeedAsync(app, server.Url("ko.xml"));
        await FeedAsync(app, server.Url("zh.xml"));

        await PollAsync(app);

        Assert.Equal(["中国与韩国关系", "한국과 중국 외교 회담"], await app.RowsAsync("SELECT title FROM items ORDER BY title"));
        Assert.Contains("the server said utf-8 but the document declares euc-kr", (await StateAsync(app, ko.Id)).Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_as_servers_really_send_it_is_taken_several_members_padding_and_nothing()
    {
        var half = Feed.Length / 2;
        var members = Compress("gzip", Feed[..half]).Concat(Compress("gzip", Feed[half..])).ToArray();
        var padded = Compress("gzip", Feed).Concat(new byte[16]).Append((byte)'\n').ToArray();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            foreach (var (path, body) in new[] { ("members", members), ("padded", padded), ("empty", Array.Empty<byte>()) })
                app.MapGet($"/{path}.xml", (HttpContext c) =>
                {
                    c.Response.Headers.ContentEncoding = "gzip";
                    return Results.Bytes(body, "application/rss+xml");
                });
        });
        await using var app = await ServicesAsync();
        var several = await FeedAsync(app, server.Url("members.xml"));
        var padding = await FeedAsync(app, server.Url("padded.xml"));
        var nothing = await FeedAsync(app, server.Url("empty.xml"));

        await PollAsync(app);

        Assert.Equal(Feed, await app.Get<FeedStore>().LastBodyAsync(several.Id, Ct));
        Assert.Equal(Feed, await app.Get<FeedStore>().LastBodyAsync(padding.Id, Ct));
        Assert.Equal("the document is empty", (await StateAsync(app, nothing.Id)).LastError);
    }

    [Fact]
    public async Task A_document_cut_off_without_a_coding_to_tell_keeps_no_validators_and_is_fetched_whole_next_time()
    {
        // The connection closed early (no Content-Length, no compression to check): the entries
        // before the cut are kept, but an ETag stored with them was answered 304 ever after, and
        // the later entries never came.
        var whole = Encoding.UTF8.GetBytes(FeedPollingTests.Rss);
        var cut = true;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/cut.xml", (HttpContext c) =>
        {
            if (c.Request.Headers.IfNoneMatch == "\"v1\"") return Results.StatusCode(304);
            c.Response.Headers.ETag = "\"v1\"";
            return Results.Bytes(cut ? whole[..(FeedPollingTests.Rss.IndexOf("<item><title>Weather", StringComparison.Ordinal) + 30)] : whole, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("cut.xml"));

        await PollAsync(app);
        Assert.Equal(["China and South Korea resume talks"], await app.RowsAsync("SELECT title FROM items"));
        Assert.Null((await StateAsync(app, feed.Id)).Etag);
        cut = false;
        var second = await PollAsync(app);

        Assert.Equal(1, second.Fetched);
        Assert.Equal(["China and South Korea resume talks", "Weather"], await app.RowsAsync("SELECT title FROM items ORDER BY title"));
        Assert.Equal("\"v1\"", (await StateAsync(app, feed.Id)).Etag);
    }

    [Fact]
    public async Task Validators_follow_the_server_a_304_updates_them_and_a_body_without_them_clears_them()
    {
        var version = 1;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v.xml", (HttpContext c) =>
        {
            if (version == 2 && c.Request.Headers.IfNoneMatch == "W/\"v1\"")
            {
                c.Response.Headers.ETag = "W/\"v2\""; // RFC 9111 §4.3.4: a 304 can carry a new validator
                return Results.StatusCode(304);
            }
            if (version == 1) c.Response.Headers.ETag = "W/\"v1\"";
            return Results.Text(FeedPollingTests.Rss, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("v.xml"));

        await PollAsync(app);
        version = 2;
        Assert.Equal(1, (await PollAsync(app)).NotModified);
        Assert.Equal("W/\"v2\"", (await StateAsync(app, feed.Id)).Etag);
        version = 3; // the server stopped sending validators (the same body: read as not modified)
        await PollAsync(app);
        Assert.Null((await StateAsync(app, feed.Id)).Etag);
        await PollAsync(app);

        Assert.Null(server.Requests.Last().IfNoneMatch); // the stale one is not sent again
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")] // raw deflate can begin with "<": read as sent because its start is no deflate data
    public async Task A_body_labelled_compressed_that_is_not_is_read_as_sent(string coding)
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/label.xml", (HttpContext c) =>
        {
            c.Response.Headers.ContentEncoding = coding;
            return Results.Bytes(Feed, "application/rss+xml");
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("label.xml"));

        var summary = await PollAsync(app);

        Assert.Equal((1, 0), (summary.Fetched, summary.Failed));
        Assert.Equal(Feed, await app.Get<FeedStore>().LastBodyAsync(feed.Id, Ct));
    }

    /// <summary>A server whose clock is two days fast: its Expires and its Retry-After date are
    /// counted from its own Date (RFC 9111 §4.2.1), not from ours, which made "in ten minutes"
    /// two days and a day-long silence.</summary>
    [Fact]
    public async Task Dates_a_server_gives_are_counted_from_its_own_clock()
    {
        var serverNow = DateTimeOffset.UtcNow.AddDays(2);
        var busyFeed = BusyRss("Busy");
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/expires.xml", (HttpContext c) =>
            {
                c.Response.Headers.Date = serverNow.ToString("R");
                c.Response.Headers.Expires = serverNow.AddMinutes(90).ToString("R");
                return Results.Text(busyFeed, "application/rss+xml"); // 20 an hour: only the Expires holds it back
            });
            app.MapGet("/busy.xml", (HttpContext c) =>
            {
                c.Response.Headers.Date = serverNow.ToString("R");
                c.Response.Headers.RetryAfter = serverNow.AddMinutes(120).ToString("R");
                return Results.StatusCode(503);
            });
        });
        await using var app = await ServicesAsync();
        var expires = await FeedAsync(app, server.Url("expires.xml"));
        var busy = await FeedAsync(app, server.Url("busy.xml"));
        var before = DateTime.UtcNow;

        await PollAsync(app);

        var fresh = await StateAsync(app, expires.Id);
        var waiting = await StateAsync(app, busy.Id);
        Assert.InRange(fresh.NextPollAt, before.AddMinutes(90), before.AddMinutes(100) + Aggregator.Scheduling.PollPlanner.DueEarly);
        Assert.StartsWith("the server asks for 90 min", fresh.NextPollWhy, StringComparison.Ordinal);
        Assert.InRange(waiting.NextPollAt, before.AddMinutes(120), before.AddMinutes(133) + Aggregator.Scheduling.PollPlanner.DueEarly);
        Assert.Contains("the server asks to wait 2 h", waiting.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_the_server_asks_for_is_named_in_the_error()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/busy.xml", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = "7200";
            return Results.StatusCode(503);
        }));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("busy.xml"));

        await PollAsync(app);

        Assert.Equal("HTTP 503 Service Unavailable; the server asks to wait 2 h before trying again", (await StateAsync(app, feed.Id)).LastError);
    }

    [Fact]
    public async Task A_304_to_a_request_without_validators_is_a_failure_not_a_healthy_empty_feed()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/stuck.xml", () => Results.StatusCode(304)));
        await using var app = await ServicesAsync();
        var feed = await FeedAsync(app, server.Url("stuck.xml"));

        var summary = await PollAsync(app);

        Assert.Equal((0, 1), (summary.NotModified, summary.Failed));
        var state = await StateAsync(app, feed.Id);
        Assert.Equal((304L, 1L), (state.LastStatus, state.ConsecutiveErrors));
        Assert.Contains("without validators", state.LastError, StringComparison.Ordinal);
    }
}

public sealed class MisbehavingServerTestsOnSqlite() : MisbehavingServerTests(Backend.Sqlite);

public sealed class MisbehavingServerTestsOnPostgres() : MisbehavingServerTests(Backend.Postgres);
