using System.Globalization;
using Aggregator.Storage;

namespace Aggregator.Publishing;

/// <summary>The filters of a feed or page request (?lang=, ?source=, ?q=, ?since=, ?collapse=false)
/// as an ItemFilter, and their canonical query string, which paging links keep and the render
/// cache keys on. A malformed filter is an error naming the parameter, never silently ignored.</summary>
public sealed record ListingQuery(ItemFilter Filter, string QueryString)
{
    /// <summary>The parameters a listing reads, in any case.</summary>
    public static readonly string[] Parameters = ["lang", "source", "q", "since", "collapse", "tag"];

    /// <summary>Names people use for a filter this listing calls otherwise.</summary>
    private static readonly string[] Aliases = ["language", "languages", "locale", "tags", "sources", "outlet", "feed", "query", "search", "text", "from", "after", "date"];

    /// <summary>A parameter that is a misspelling of a filter, or another name for one: "?language=ko"
    /// served every language with status 200, and a reader subscribed to it never knew. Other
    /// parameters pass, as links carry them (fbclid, utm_…, mc_cid, ref).</summary>
    private static bool MeantAsFilter(string name)
    {
        var lower = name.ToLowerInvariant();
        return Aliases.Contains(lower) || Parameters.Any(p => p.Length >= 3 && Distance(lower, p) <= (lower.Length <= 4 ? 1 : 2));
    }

    /// <summary>Edits (insert, delete, replace) from one word to the other.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    public static ListingQuery Parse(IQueryCollection query, string? tag, out string? error)
    {
        string? Value(string name) => query[name].LastOrDefault() is { } v && v.Trim().Length > 0 ? v.Trim() : null;
        var sinceText = Value("since");
        var collapseText = Value("collapse");
        var collapse = !string.Equals(collapseText, "false", StringComparison.OrdinalIgnoreCase);
        var filter = FilterOf(tag, Value("lang"), Value("source"), Value("q"), sinceText, collapse, name => name, out error);

        var unknown = query.Keys.FirstOrDefault(k => !Parameters.Contains(k, StringComparer.OrdinalIgnoreCase) && MeantAsFilter(k));
        if (unknown is not null)
            error = $"unknown parameter \"{unknown}\": the filters are lang (a language code), source, q (words), since (a date), collapse (true or false) and, on the page, tag.";
        else if (tag is not null && Value("tag") is { } asked && asked != tag)
            // The page's form asks for a tag as ?tag=; on a tag's own page or feed it is in the path.
            error = $"this listing is the tag {tag}'s already: leave out ?tag={asked}.";
        else if (collapseText is not null && !collapseText.Equals("true", StringComparison.OrdinalIgnoreCase) && collapse)
            error ??= $"collapse must be true or false (was \"{collapseText}\").";

        var (lang, source, q) = (filter.Language, filter.Source, filter.Text);
        var parts = new List<string>();
        if (lang is not null) parts.Add("lang=" + Uri.EscapeDataString(lang));
        if (source is not null) parts.Add("source=" + Uri.EscapeDataString(source));
        if (q is not null) parts.Add("q=" + Uri.EscapeDataString(q));
        if (sinceText is not null) parts.Add("since=" + Uri.EscapeDataString(sinceText));
        if (!collapse) parts.Add("collapse=false");
        return new ListingQuery(filter, parts.Count == 0 ? "" : "?" + string.Join("&", parts));
    }

    /// <summary>A listing's filter from the values a reader gave (a link's parameters, or
    /// `items`'s options, named by <paramref name="name"/> in the error): invisible characters
    /// copied along with a word (a zero-width space, a soft hyphen) or sent by a hostile client
    /// (NUL, U+FFFE) dropped, as they matched nothing or failed the request; the search in its
    /// canonical form; a three-letter language code as its two letters. The first value that
    /// cannot be read is <paramref name="error"/>, naming it.</summary>
    public static ItemFilter FilterOf(string? tag, string? lang, string? source, string? q, string? since, bool collapse, Func<string, string> name, out string? error)
    {
        error = null;
        var language = lang is null ? null : SearchTerms.Language(lang.Trim());
        var cleanSource = SearchTerms.Clean(source);
        var text = SearchTerms.Canonical(SearchTerms.Clean(q));
        DateTime? from = null;
        if (language is not null && !(language.Length is 2 or 3 && language.All(char.IsAsciiLetterLower) || language is "zh-Hans" or "zh-Hant"))
            error = $"{name("lang")} must be a language code such as en, zh, zh-TW, ko (was \"{lang}\").";
        else if (cleanSource is { Length: > 500 })
            error = $"{name("source")} is longer than 500 characters.";
        else if (text is { Length: > 200 })
            error = $"{name("q")} is longer than 200 characters.";
        else if (SearchTerms.Of(text).Count is var terms and > SearchTerms.MaxTerms)
            error = $"{name("q")} has {terms} words; a search takes at most {SearchTerms.MaxTerms} (a phrase in quotes counts as one).";
        else if (since is not null)
        {
            if (SearchTerms.TryParseSince(since.Trim(), out var parsed))
                from = parsed;
            else
                error = $"{name("since")} must be an ISO 8601 date or time such as 2026-11-01 or 2026-11-01T08:00:00Z (was \"{since}\").";
        }
        return new ItemFilter { Tag = tag, Language = language, Source = cleanSource, Text = text, Since = from, Collapse = collapse };
    }

    /// <summary>The filters in words for a feed's title, so that a reader subscribed to several
    /// filtered feeds tells them apart: " (language ko, source Yonhap, \"THAAD\", since 2026-11-01)";
    /// empty without filters.</summary>
    public static string Describe(ItemFilter filter)
    {
        var parts = new List<string>();
        if (filter.Language is { } lang) parts.Add("language " + lang);
        if (filter.Source is { } source) parts.Add("source " + source);
        if (filter.Text is { } text) parts.Add(text.Contains('"') ? text : $"\"{text}\""); // a phrase has its quotes
        if (filter.Since is { } since) parts.Add("since " + since.ToString(since.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture));
        if (!filter.Collapse) parts.Add("every copy");
        return parts.Count == 0 ? "" : " (" + string.Join(", ", parts) + ")";
    }
}
