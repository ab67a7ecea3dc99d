using System.Text.RegularExpressions;

namespace Aggregator.Processing;

/// <summary>A feed's own rules for which of its entries are stored, as Miniflux's block and keep
/// rules: a wire feed carrying sports, weather and market tables beside the diplomacy an analyst
/// follows, or a Google News search whose results from one outlet are noise. An entry matching
/// any block rule is left out; when the feed has keep rules, so is an entry matching none of
/// them. Rules are read when the feed is read: entries stored before stay.</summary>
/// <remarks>A rule is a regular expression, case-insensitive, matched against the entry's title,
/// link, author and categories, or against one field when it starts with its name:
/// <c>title:</c>, <c>link:</c>, <c>author:</c>, <c>category:</c>, <c>outlet:</c> (who published
/// it: the feed's title, or the source a Google News entry names) or <c>text:</c> (the entry's
/// text as the feed carries it). Expressions run on .NET's non-backtracking engine: a pattern
/// from a subscription list cannot take a poll's time away (catastrophic backtracking), at the
/// price of lookarounds and backreferences, which are refused with the reason.</remarks>
public sealed record EntryRules(IReadOnlyList<EntryRule> Block, IReadOnlyList<EntryRule> Keep)
{
    /// <summary>A feed's stored rules (one per line), or null when it has none. A rule that cannot
    /// be used (stored by hand, or refused by a later .NET) is an InvalidDataException naming it:
    /// the feed fails with that reason rather than storing what its rules were to leave out, or
    /// leaving out what they were to keep.</summary>
    public static EntryRules? Of(string? block, string? keep)
    {
        var (blocking, keeping) = (Lines(block), Lines(keep));
        if (blocking.Count == 0 && keeping.Count == 0) return null;
        return new EntryRules(Compile(blocking, "block"), Compile(keeping, "keep"));
    }

    private static List<EntryRule> Compile(IReadOnlyList<string> rules, string kind) => rules.Select(rule =>
    {
        try
        {
            return EntryRule.Parse(rule);
        }
        catch (Exception e) when (e is FormatException or RegexParseException or NotSupportedException)
        {
            throw new InvalidDataException($"its {kind} rule {EntryRule.Problem(rule)}; change it with feeds edit --{kind}");
        }
    }).ToList();

    /// <summary>Whether the entry is stored: it matches no block rule and, when there are keep rules, one of them.</summary>
    public bool Admits(EntryFields entry) =>
        !Block.Any(rule => rule.Matches(entry)) && (Keep.Count == 0 || Keep.Any(rule => rule.Matches(entry)));

    /// <summary>Rules as stored: one per line, blank lines dropped.</summary>
    public static IReadOnlyList<string> Lines(string? stored) =>
        stored is null ? [] : stored.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Rules as given (repeated options, an OPML attribute's lines) in their stored form;
    /// null for none. Each must be valid (<see cref="EntryRule.Problem"/>).</summary>
    public static string? Stored(IEnumerable<string> rules) =>
        string.Join('\n', rules.Select(r => r.Trim()).Where(r => r.Length > 0)) is { Length: > 0 } joined ? joined : null;
}

/// <summary>What rules are matched against, read once per entry.</summary>
public sealed record EntryFields(string? Title, string? Link, string? Author, IReadOnlyList<string> Categories, string? Outlet, string? Text);

/// <summary>One rule: a field (null: title, link, author and categories) and its expression.</summary>
public sealed record EntryRule(string? Field, Regex Pattern)
{
    public static readonly IReadOnlyList<string> Fields = ["title", "link", "author", "category", "outlet", "text"];

    /// <summary>Long enough for any pattern someone writes; a list cannot hand the service a megabyte to compile.</summary>
    private const int MaxLength = 1000;

    public bool Matches(EntryFields entry) => Field switch
    {
        null => Match(entry.Title) || Match(entry.Link) || Match(entry.Author) || entry.Categories.Any(Match),
        "title" => Match(entry.Title),
        "link" => Match(entry.Link),
        "author" => Match(entry.Author),
        "category" => entry.Categories.Any(Match),
        "outlet" => Match(entry.Outlet),
        _ => Match(entry.Text),
    };

    private bool Match(string? value) => value is not null && Pattern.IsMatch(value);

    /// <summary>The field a rule names at its start, and the expression after it.</summary>
    private static (string? Field, string Expression) Split(string rule)
    {
        var colon = rule.IndexOf(':');
        if (colon > 0 && rule[..colon].Trim().ToLowerInvariant() is var name && Fields.Contains(name))
            return (name, rule[(colon + 1)..].Trim());
        return (null, rule.Trim());
    }

    /// <summary>A rule as compiled, reused: a feed's rules (and the configured ones every feed
    /// has) are read at each of its polls, and need not be compiled again each time. Rules are
    /// edited rarely; should thousands of distinct ones pass, the cache starts over.</summary>
    /// <exception cref="FormatException">The rule has no expression.</exception>
    /// <exception cref="RegexParseException">The expression does not compile.</exception>
    /// <exception cref="NotSupportedException">The expression needs backtracking (<see cref="Problem"/> says why).</exception>
    public static EntryRule Parse(string rule)
    {
        if (Compiled.TryGetValue(rule, out var compiled)) return compiled;
        if (Compiled.Count >= 4096) Compiled.Clear();
        var (field, expression) = Split(rule);
        // An empty expression matches everything: a rule cut short must not leave out a whole feed.
        if (expression.Length == 0) throw new FormatException($"\"{rule.Trim()}\": no expression" + (field is null ? "" : $" after {field}:"));
        return Compiled[rule] = new EntryRule(field, new Regex(expression, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, EntryRule> Compiled = new(StringComparer.Ordinal);

    /// <summary>Why a rule cannot be used, or null: "title:(?&lt;=Seoul)x: lookarounds are not
    /// supported (…)", "link:[: unterminated [] set".</summary>
    public static string? Problem(string rule)
    {
        if (rule.Length > MaxLength) return $"\"{rule[..40]}…\": longer than {MaxLength} characters";
        try
        {
            Parse(rule); // compiled once: what is checked here is what the next poll uses
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
        catch (RegexParseException e)
        {
            return $"\"{rule.Trim()}\": {e.Message}";
        }
        catch (NotSupportedException e)
        {
            // The non-backtracking engine has no lookarounds, backreferences or atomic groups; .NET
            // names the construct after "containing:".
            var construct = e.Message.IndexOf("containing:", StringComparison.Ordinal) is var at and >= 0 ? e.Message[(at + 11)..].Trim().TrimEnd('.') : e.Message;
            return $"\"{rule.Trim()}\": rules cannot use {construct} (they run on an engine that never backtracks, so that no pattern can hold up a poll)";
        }
    }
}
