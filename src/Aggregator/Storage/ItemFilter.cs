namespace Aggregator.Storage;

/// <summary>What a listing shows: every filter is optional. Collapsed (the default), a story
/// matches when any of its copies matches every filter, and it is listed once.</summary>
public sealed record ItemFilter
{
    public string? Tag { get; init; }
    /// <summary>ISO 639-1 code as stored ("en", "zh", "ko").</summary>
    public string? Language { get; init; }
    /// <summary>Part of an outlet's name or a source's title (in any case), or a source's whole address.</summary>
    public string? Source { get; init; }
    /// <summary>Words (and phrases in quotes) that must all appear in the title or the body.</summary>
    public string? Text { get; init; }
    /// <summary>Only stories dated (published, else first seen) at or after this time.</summary>
    public DateTime? Since { get; init; }
    public bool Collapse { get; init; } = true;

    public static ItemFilter All { get; } = new();

    /// <summary>The terms of Text (words, and phrases in quotes; at most SearchTerms.MaxTerms: the
    /// callers refuse more), each as the forms any of which it matches (SearchTerms.Forms).</summary>
    public IReadOnlyList<IReadOnlyList<string>> TextForms() =>
        SearchTerms.Of(SearchTerms.Clean(Text)).Take(SearchTerms.MaxTerms).Select(SearchTerms.Forms).ToList();

    /// <summary>TextForms as LIKE patterns (wildcards escaped) of a substring. A phrase's space
    /// matches any one character: a line break in the body ("Wang Yi\nin Beijing", a hard-wrapped
    /// text, a &lt;br&gt;), a no-break space or a hyphen ("Suk-yeol") between its words; a paragraph
    /// break ("\n\n") ends a phrase.</summary>
    public IReadOnlyList<IReadOnlyList<string>> TextPatterns() =>
        TextForms().Select(forms => (IReadOnlyList<string>)forms.Select(form => "%" + EscapeLike(form).Replace(' ', '_') + "%").ToList()).ToList();

    /// <summary>Text as a LIKE pattern that matches it literally (ESCAPE '\\').</summary>
    public static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}

/// <summary>One page of a listing and how many stories the whole listing has.</summary>
public sealed record ItemPage(IReadOnlyList<StoredItem> Items, int Page, int PageSize, long Total)
{
    public int LastPage => Total == 0 ? 1 : (int)((Total + PageSize - 1) / PageSize);
}
