using Aggregator.Publishing;
using Aggregator.Storage;

namespace Aggregator.Tests.Publishing;

/// <summary>What subscribers may receive of a source's HTML.</summary>
public sealed class ContentSanitizerTests
{
    private const string Hostile = """
        <p onclick="steal()">Text<script>alert(1)</script><img src="x.png" onerror="alert(2)"></p>
        <a href="javascript:alert(3)">js</a><a href="JaVaScRiPt&#58;alert(4)">js2</a>
        <iframe src="https://evil.example/"></iframe><form action="https://evil.example/"><input name="p"><button>go</button></form>
        <style>body{display:none}</style><span style="position:fixed;top:0">styled</span>
        <img src="data:image/png;base64,AAAA"><object data="x.swf"></object><embed src="x.swf"><svg><script>alert(5)</script></svg>
        <math><mtext><table><mglyph><style><img src=x onerror=alert(6)></style></mglyph></table></mtext></math>
        """;

    [Fact]
    public void Nothing_active_survives()
    {
        var html = ContentSanitizer.Sanitize(Hostile, "https://news.example/a/story.html");
        foreach (var bad in new[] { "<script", "onclick", "onerror", "javascript", "<iframe", "<form", "<input", "<button", "<style", "style=", "data:", "<object", "<embed", "<svg", "<math" })
            Assert.DoesNotContain(bad, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Text", html, StringComparison.Ordinal);
        Assert.Contains("styled", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_urls_become_absolute_against_the_entry()
    {
        var html = ContentSanitizer.Sanitize("""<a href="/about">a</a><a href="next.html">b</a><img src="../img/p.jpg" alt="p">""", "https://news.example/a/story.html");
        Assert.Contains("""href="https://news.example/about" rel="noopener noreferrer""", html, StringComparison.Ordinal);
        Assert.Contains("""href="https://news.example/a/next.html""", html, StringComparison.Ordinal);
        Assert.Contains("""src="https://news.example/img/p.jpg""", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Video_players_keep_their_frame_sandboxed()
    {
        var html = ContentSanitizer.Sanitize("""<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe><iframe src="http://www.youtube.com/embed/abc"></iframe>""", null);
        Assert.Single(html.Split("<iframe")[1..]);
        Assert.Contains("""src="https://www.youtube-nocookie.com/embed/abc""", html, StringComparison.Ordinal);
        Assert.Contains("sandbox=", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Titles_are_one_line_without_controls_and_capped()
    {
        var item = new StoredItem { Title = "Breaking\r\nX-Injected: yes\u0000\u0007 " + new string('A', 1_000_000) };
        var title = EntryText.Title(item);
        Assert.DoesNotContain('\r', title);
        Assert.DoesNotContain('\n', title);
        Assert.DoesNotContain('\u0000', title);
        Assert.StartsWith("Breaking X-Injected: yes ", title, StringComparison.Ordinal);
        Assert.True(title.Length <= EntryText.MaxTitle + 1, $"title of {title.Length} characters");
    }

    [Fact]
    public void Text_loses_only_what_xml_forbids()
    {
        Assert.Equal("a\tb\nc 한국 😀", EntryText.Clean("a\tb\nc\u0001 한국\uFFFE 😀\uD800"));
    }

    [Fact]
    public void Markup_nested_deeper_than_any_article_is_published_as_its_text_instead()
    {
        var deep = string.Concat(Enumerable.Repeat("<div>", 100_000)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 100_000));
        var article = "<div><p>One<p>Two<ul>" + string.Concat(Enumerable.Repeat("<li>item", 2000)) + "</ul><br><img src=x><hr/></div>";
        var justUnder = string.Concat(Enumerable.Repeat("<span>", Aggregator.Parsing.HtmlBounds.MaxDepth)) + "x" + string.Concat(Enumerable.Repeat("</span>", Aggregator.Parsing.HtmlBounds.MaxDepth));

        Assert.True(Aggregator.Parsing.HtmlBounds.TooComplex(deep));
        Assert.True(Aggregator.Parsing.HtmlBounds.TooComplex("<b>" + deep));
        Assert.False(Aggregator.Parsing.HtmlBounds.TooComplex(article)); // unclosed <p> and <li>, void elements: not depth
        Assert.False(Aggregator.Parsing.HtmlBounds.TooComplex(justUnder));
        Assert.True(Aggregator.Parsing.HtmlBounds.TooComplex("<span>" + justUnder));
    }

    [Fact]
    public void Markup_with_more_elements_than_any_article_is_published_as_its_text_instead()
    {
        // Flat, not deep: the HTML library wrote 100,000 bold words back out in 12 s.
        var many = string.Concat(Enumerable.Repeat("<b>x</b>", Aggregator.Parsing.HtmlBounds.MaxTags / 2 + 1));
        var enough = string.Concat(Enumerable.Repeat("<b>x</b>", Aggregator.Parsing.HtmlBounds.MaxTags / 2));
        Assert.True(Aggregator.Parsing.HtmlBounds.TooComplex(many));
        Assert.False(Aggregator.Parsing.HtmlBounds.TooComplex(enough));
        // Stray end tags make elements of their own; comments and a script's text hold none.
        Assert.True(Aggregator.Parsing.HtmlBounds.TooComplex(string.Concat(Enumerable.Repeat("</p>", Aggregator.Parsing.HtmlBounds.MaxTags + 1))));
        Assert.False(Aggregator.Parsing.HtmlBounds.TooComplex("<!--" + many + "--><p>kept</p>"));
        Assert.False(Aggregator.Parsing.HtmlBounds.TooComplex("<p>a</p><script>" + string.Concat(Enumerable.Repeat("if (a<b) x();", 20_000)) + "</script><p>b</p>"));
        // Tags that never close ("<br<br<br…"): counted as tags, in one scan.
        Assert.True(Aggregator.Parsing.HtmlBounds.TooComplex(string.Concat(Enumerable.Repeat("<br", 400_000))));
        Assert.False(Aggregator.Parsing.HtmlBounds.TooComplex("<p>a <br<br> b</p><img src=x/>"));

        var item = new StoredItem { Title = "t", Body = "Words only.", ContentHtml = many };
        Assert.Equal("<p>Words only.</p>", EntryText.Html(item));
    }

    [Fact]
    public void Frames_only_show_the_players_embeds()
    {
        var html = ContentSanitizer.Sanitize("""
            <iframe src="https://www.youtube.com/embed/abc"></iframe>
            <iframe src="https://player.vimeo.com/video/123"></iframe>
            <iframe src="https://www.youtube.com/redirect?q=https://evil.example/"></iframe>
            <iframe src="https://www.youtube.com:8443/embed/abc"></iframe>
            <iframe src="https://user@www.youtube.com/embed/abc"></iframe>
            <iframe src="https://player.vimeo.com/"></iframe>
            """, null);
        Assert.Equal(2, html.Split("<iframe")[1..].Length);
        Assert.Contains("""src="https://www.youtube.com/embed/abc""", html, StringComparison.Ordinal);
        Assert.Contains("""src="https://player.vimeo.com/video/123""", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_content_is_sanitized_the_same_way_again()
    {
        var item = new StoredItem { Title = "t", Body = "b", Url = "https://news.example/a/1.html", ContentHtml = """<p>One <a href="/two">two</a><script>x()</script></p>""" };
        var first = EntryText.Html(item);
        Assert.Equal(first, EntryText.Html(item));
        Assert.Contains("""href="https://news.example/two""", first, StringComparison.Ordinal);
        Assert.DoesNotContain("script", first, StringComparison.Ordinal);
        // Another address to resolve against is another sanitization, not the one kept.
        Assert.Contains("""href="https://other.example/two""", EntryText.Html(item with { Url = "https://other.example/b/2.html" }), StringComparison.Ordinal);
    }

    /// <summary>An entry without a link has its relative links resolved against its feed's
    /// address: without the key that address carries ("#fn1" copied ?apikey=… into every
    /// published feed, a re-audit found).</summary>
    [Fact]
    public void A_feeds_key_is_not_copied_into_the_links_of_its_entries()
    {
        var item = new StoredItem
        {
            Title = "t",
            Body = "b",
            ContentHtml = """<p>A note<a href="#fn1">[1]</a> and <a href="">here</a> and <a href="next.html">next</a></p>""",
            Sightings = [new StoredSighting { Kind = "feed", Locator = "https://news.example/feeds/f1.xml?apikey=SECRET1" }],
        };
        var html = EntryText.Html(item);
        Assert.DoesNotContain("SECRET1", html, StringComparison.Ordinal);
        Assert.Contains("""href="https://news.example/feeds/next.html""", html, StringComparison.Ordinal);
        var open = item with { Sightings = [new StoredSighting { Kind = "feed", Locator = "https://news.example/feed.php?id=3" }] };
        Assert.Contains("""href="https://news.example/feed.php?id=3#fn1""", EntryText.Html(open), StringComparison.Ordinal);
    }
}
