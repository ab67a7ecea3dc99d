using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

/// <summary>`items remove` and `items prune`: items out of the database for good (Storage/ItemRemoval).</summary>
public static class ItemRemovalCommands
{
    public static Command Remove()
    {
        var references = new Argument<string[]>("ID-OR-LINK") { Arity = ArgumentArity.OneOrMore, Description = "An item's entry id (tag:…, as `items` and the feeds show it) or its link" };
        var reason = new Option<string>("--reason") { Description = "Why, kept with the removed item's hash (default: \"removed by hand\")", DefaultValueFactory = _ => "removed by hand" };
        var story = new Option<bool>("--story") { Description = "Remove every copy of the item's story (other outlets' too), not only the item" };
        var command = new Command("remove", "Remove items for good: from the feeds, pages, searches and alerts not yet sent, and kept from coming back while a source still carries them.")
        {
            references, reason, story,
        };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var removals = await services.GetRequiredService<ItemRemoval>().RemoveAsync(result.GetValue(references)!, result.GetValue(reason)!, result.GetValue(story), ct);
            foreach (var removal in removals)
            {
                foreach (var item in removal.Removed)
                    Console.WriteLine($"removed {item.EntryId}  {item.Title}");
                if (removal.Withdrawn > 0)
                    Console.WriteLine($"  {removal.Withdrawn} queued alert(s) or digest(s) carrying it withdrawn before sending (`mail list --state withdrawn`): an alert's other stories are alerted again, a digest's go into the next digest");
                if (removal.Earlier is { } earlier)
                    Console.WriteLine($"{removal.Reference}: {earlier}");
                if (removal.Error is { } error)
                    await Console.Error.WriteLineAsync($"not removed: {removal.Reference}: {error}");
            }
            return removals.Any(r => r.Error is not null) ? 1 : 0;
        }, ct, existing: true));
        return command;
    }

    public static Command Prune()
    {
        var days = new Option<int?>("--days") { Description = "Remove stories first seen and last changed more than this many days ago (default: Aggregator:Retention:Days)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be removed; remove nothing" };
        days.Between(1, 36500);
        var command = new Command("prune", "Remove the stories the retention setting lets go now (the service does it hourly): all of whose items were first seen and last changed more than the given days ago, and, unless Aggregator:Retention:KeepTagged is false, none of whose items is tagged.")
        {
            days, dryRun,
        };
        command.SetAction((result, ct) => CommandServices.RunAsync(result, async services =>
        {
            var retention = services.GetRequiredService<IOptions<AggregatorOptions>>().Value.Retention;
            if ((result.GetValue(days) ?? retention.Days) is not (> 0 and var keptDays))
            {
                await Console.Error.WriteLineAsync("error: no retention set: give --days N, or set Aggregator:Retention:Days");
                return CommandServices.ConfigurationError;
            }
            var cutoff = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddDays(-keptDays);
            var removal = services.GetRequiredService<ItemRemoval>();
            var what = $"untouched (first seen and last changed) for more than {keptDays} days{(retention.KeepTagged ? ", tagged ones kept" : "")}";
            if (result.GetValue(dryRun))
            {
                var (stories, items) = await removal.CountPrunableAsync(cutoff, retention.KeepTagged, ct);
                Console.WriteLine($"would remove {stories} story(ies), {items} item(s): {what}");
                return 0;
            }
            Console.WriteLine($"removed {await removal.PruneAsync(cutoff, retention.KeepTagged, ct)} item(s) of stories {what}");
            return 0;
        }, ct, existing: true));
        return command;
    }
}
