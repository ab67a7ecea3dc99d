using System.CommandLine;
using System.Text.Json;
using Aggregator.Publishing;
using Aggregator.Storage;

namespace Aggregator.Cli;

public static class ItemsCommand
{
    public static Command Create()
    {
        var tag = new Option<string?>("--tag") { Description = "Only items with this tag (e.g. korea-china)" };
        var limit = new Option<int>("--limit") { Description = "How many items, newest first", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var every = new Option<bool>("--every-copy") { Description = "List every copy of a story as its own item (default: one entry per story, with the other copies as \"also reported by\")" };
        var search = new Option<string?>("--search", "-q") { Description = "Only stories holding every word (a phrase in \"quotes\" as written), as the river page's ?q= finds them" };
        var lang = new Option<string?>("--lang") { Description = "Only items in this language (a code: en, zh, ko, ja, sv; kor and the like are taken too)" };
        var source = new Option<string?>("--source") { Description = "Only items from this outlet or source (a name from a word's start, in any case, or a feed's address)" };
        var since = new Option<string?>("--since") { Description = "Only items dated (published, else first seen) at or after this ISO 8601 date or time (2026-11-01, 2026-11-01T08:00Z)" };
        limit.Between(1, int.MaxValue);
        var command = new Command("items", "List stored items newest first, with sources, tags and the evidence for each tag.")
        {
            tag, limit, search, lang, source, since, json, every, ItemRemovalCommands.Remove(), ItemRemovalCommands.Prune(),
        };
        command.SetAction(async (result, ct) =>
        {
            // Checked as the river page checks its parameters, the messages naming the options.
            var filter = ListingQuery.FilterOf(result.GetValue(tag), result.GetValue(lang), result.GetValue(source), result.GetValue(search), result.GetValue(since),
                !result.GetValue(every), name => name == "q" ? "--search" : "--" + name, out var error);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync("error: " + error);
                return 2;
            }
            var (services, exit) = await CommandServices.StartAsync(result, ct, existing: true);
            if (services is null) return exit;
            await using (services)
            {
                if (result.GetValue(tag) is { } asked && services.GetRequiredService<Processing.Tagging.TopicCatalog>().UnknownTag(asked) is { } unknown)
                {
                    await Console.Error.WriteLineAsync("error: " + unknown);
                    return CommandServices.ConfigurationError;
                }
                var items = (await services.GetRequiredService<ItemQueries>().PageAsync(filter, 1, result.GetValue(limit), ct, countTotal: false)).Items;
                Console.WriteLine(result.GetValue(json) ? JsonSerializer.Serialize(items.Select(Shape), CliJson.Options) : string.Join("\n", items.Select(Text)));
                return 0;
            }
        });
        return command;
    }

    private static object Shape(StoredItem i) => new
    {
        i.EntryId,
        i.Title,
        i.PublishedAt,
        i.FirstSeenAt,
        i.UpdatedAt,
        i.Language,
        i.Outlet,
        i.Author,
        i.Url,
        Summary = EntryText.Summary(i.Body),
        Sources = i.Sightings.Select(s => new { s.Kind, s.Locator, s.SourceTitle, s.Url, s.FirstSeenAt }),
        AlsoReportedBy = EntryText.AlsoReportedBy(i).Select(c => new { c.Name, c.Title, c.Url }),
        Tags = i.Tags.Select(t => new { t.Tag, t.Score, Reason = t.Explanation, Evidence = EvidenceJson.Read(t.Evidence) }),
    };

    private static string Text(StoredItem i)
    {
        var lines = new List<string>
        {
            $"{(i.PublishedAt is { } p ? p.ToString("yyyy-MM-dd HH:mm") + "Z" : "(no date)")}  {i.Title}  [{i.Language}]"
                + (i.Outlet is null ? "" : $"  {i.Outlet}") + (i.Author is null ? "" : $"  by {i.Author}"),
            "  id: " + i.EntryId,
            "  sources: " + string.Join(", ", i.Sightings.Select(s => $"{s.Locator} (seen {s.FirstSeenAt:yyyy-MM-dd HH:mm}Z)")),
        };
        if (EntryText.AlsoReportedBy(i) is { Count: > 0 } copies)
            lines.Add("  also reported by: " + string.Join(", ", copies.Select(c => c.Url is null ? c.Name : $"{c.Name} <{c.Url}>")));
        foreach (var t in i.Tags)
        {
            var evidence = EvidenceJson.Read(t.Evidence);
            lines.Add($"  tag {t.Tag} (score {t.Score:0.###}; {t.Explanation})");
            lines.Add("    evidence: " + string.Join(", ", evidence.Take(12).Select(e => $"\"{e.Term}\" {e.Field}@{e.Offset}"))
                + (evidence.Count > 12 ? $", … {evidence.Count - 12} more" : ""));
        }
        return string.Join("\n", lines);
    }
}
