using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>What one import did, for the log, the CLI and tests.</summary>
public sealed record ImportSummary
{
    public int Documents { get; init; }
    public int Inserted { get; init; }
    public int Sighted { get; init; }
    public int Updated { get; init; }
    public int Unchanged { get; init; }
    public IReadOnlyList<ImportFailure> Failures { get; init; } = [];

    public ImportSummary Add(StoreOutcome outcome) => outcome switch
    {
        StoreOutcome.Inserted => this with { Documents = Documents + 1, Inserted = Inserted + 1 },
        StoreOutcome.Sighted => this with { Documents = Documents + 1, Sighted = Sighted + 1 },
        StoreOutcome.Updated => this with { Documents = Documents + 1, Updated = Updated + 1 },
        _ => this with { Documents = Documents + 1, Unchanged = Unchanged + 1 },
    };

    public ImportSummary Add(ImportFailure failure) =>
        this with { Documents = Documents + 1, Failures = [.. Failures, failure] };

    public override string ToString() =>
        $"{Documents} document(s): {Inserted} new, {Sighted} new sighting(s) of stored items, {Updated} updated, {Unchanged} unchanged, {Failures.Count} failed";
}

/// <summary>A document that could not be imported, and why, in words a user can act on.</summary>
public sealed record ImportFailure(string Locator, string Error);
