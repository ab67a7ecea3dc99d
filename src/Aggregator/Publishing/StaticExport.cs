using Aggregator.Storage;

namespace Aggregator.Publishing;

/// <summary>`aggregator export`: every feed page (all and per tag, three formats), every river
/// page, the stylesheet, icon and OPML, written as files at the paths the server serves them
/// from, rendered by the same code, so a static host serves the same bytes.</summary>
public sealed class StaticExport(FeedRenderer feeds, PageRenderer pages, ItemQueries queries)
{
    public sealed record Summary(int Files, long Bytes);

    public async Task<Summary> WriteAsync(string outDirectory, Uri baseUrl, CancellationToken ct)
    {
        var files = 0;
        long bytes = 0;
        async Task Write(string relativePath, byte[] content)
        {
            var path = Path.Combine(outDirectory, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Written beside, then moved: a host serving the folder never sees half a file.
            var temp = path + ".tmp";
            await File.WriteAllBytesAsync(temp, content, ct);
            File.Move(temp, path, overwrite: true);
            files++;
            bytes += content.Length;
        }

        var (_, tags) = await queries.FacetsAsync(ct);
        foreach (var tag in tags.Where(SafeSegment).Prepend(null))
        {
            var listing = new ListingQuery(ItemFilter.All with { Tag = tag }, "");
            foreach (var format in FeedEndpoints.Formats)
            {
                var address = new FeedAddress(baseUrl, tag, format, "");
                for (var page = 1; await feeds.RenderAsync(address, listing.Filter, page, ct) is { } body; page++)
                    await Write(Relative(baseUrl, address.PageUrl(page)), body);
            }
            var surroundings = await pages.SurroundingsAsync(listing, ct);
            for (var page = 1; await pages.RenderAsync(baseUrl, listing, page, ct, surroundings) is { } body; page++)
                await Write(Uri.UnescapeDataString(RiverView.PathOf(page, tag)) + "index.html", body);
        }
        await Write("assets/site.css", Assets.Css.Body);
        await Write("icon.png", Assets.Icon.Body);
        await Write("favicon.ico", Assets.Icon.Body);
        await Write("opml", await pages.RenderOpmlAsync(ct));
        return new Summary(files, bytes);
    }

    /// <summary>Tags become folder names: only ones that cannot climb out of the export.</summary>
    private static bool SafeSegment(string tag) => tag.Length > 0 && tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !tag.StartsWith('.');

    private static string Relative(Uri baseUrl, Uri url) => Uri.UnescapeDataString(url.AbsolutePath[baseUrl.AbsolutePath.Length..]);
}
