using System.Diagnostics;
using System.Text;
using Aggregator.Ingestion;
using Aggregator.Parsing;
using Aggregator.Parsing.Feeds;
using Aggregator.Storage;

namespace Aggregator.Benchmarks;

/// <summary>What reading an entry from its own page costs (feeds set to fetch originals), on one
/// thread: each entry of a generated corpus put into a page built as news sites build theirs
/// (a menu of 80 links, scripts, a dozen teaser cards marked as articles, the story's article,
/// an aside of most-read headlines, a footer), then kept (gzip) and read as a poll reads it.</summary>
public static class PagesBenchmark
{
    public static int Run(string corpus, int count)
    {
        var entries = Paths.CorpusFeeds(corpus).Select(f => FeedParser.Parse(File.ReadAllBytes(f), new Uri("http://127.0.0.1/" + Path.GetFileName(f)), null, null).Feed!)
            .SelectMany(f => f.Entries.Select(e => FeedIngestor.Article(e, f)!.Value.Article)).Take(count).ToList();
        var pages = entries.Select(Page).ToList();
        Console.WriteLine($"{pages.Count:N0} pages, {pages.Average(p => p.Length) / 1024.0:F0} KB each on average");
        for (var round = 1; round <= 3; round++)
        {
            GC.Collect();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var time = Stopwatch.StartNew();
            var kept = pages.Select((p, i) => new OriginalPage { EntryKey = i.ToString(), Url = "http://127.0.0.1/story", FinalUrl = "http://127.0.0.1/story", Body = FeedBodies.Gzip(p) }).ToList();
            var keep = time.Elapsed;
            var read = entries.Select((e, i) => OriginalPages.WithPage(e with { Body = "One line." }, kept[i])).ToList();
            time.Stop();
            // The article and nothing else: the entry's own text, word for word, and its HTML.
            var exact = read.Where((r, i) => r.ContentHtml is not null && HtmlText.Collapse(r.Body) == HtmlText.Collapse(entries[i].Body)).Count();
            Console.WriteLine($"round {round}: keep (gzip) {keep.TotalMilliseconds:F0} ms, read (gunzip, decode, article, language) {(time.Elapsed - keep).TotalMilliseconds:F0} ms: "
                + $"{(time.Elapsed - keep).TotalMilliseconds / pages.Count:F2} ms a page, {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1048576.0 / pages.Count:F2} MB allocated a page; {exact:N0} read as the story's text exactly");
        }
        return 0;
    }

    private static byte[] Page(ParsedDocument entry, int n)
    {
        var html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Escape(entry.Title)).Append(" | Bench Times</title><meta property=\"og:site_name\" content=\"Bench Times\">");
        for (var i = 0; i < 6; i++) html.Append("<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());</script>");
        html.Append("</head><body><header><nav><ul>");
        for (var i = 0; i < 80; i++) html.Append($"<li><a href=\"/section/{i}\">Section {i}</a></li>");
        html.Append("</ul></nav></header><main><div class=\"cards\">");
        for (var i = 0; i < 12; i++)
            html.Append($"<article class=\"card\"><a href=\"/story/{n + i + 1}\"><img src=\"/img/{i}.jpg\" alt=\"\"><h3>Another story {i} of the day</h3></a><p>A teaser of another story, a line long.</p></article>");
        html.Append("</div><article class=\"story\"><h1>").Append(Escape(entry.Title)).Append("</h1><p class=\"byline\">By a correspondent</p>");
        foreach (var paragraph in entry.Body.Split("\n\n"))
            html.Append("<p>").Append(Escape(paragraph)).Append("</p>");
        html.Append("<figure><img data-src=\"/img/story.jpg\" src=\"data:image/gif;base64,R0lGOD\"><figcaption>A photograph.</figcaption></figure></article>");
        html.Append("<aside><h2>Most read</h2><ol>");
        for (var i = 0; i < 10; i++) html.Append($"<li><a href=\"/story/{i}\">A most-read headline number {i}</a></li>");
        html.Append("</ol></aside></main><footer><p>© Bench Times. All rights reserved.</p></footer></body></html>");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);
}
