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
    /// <summary>Words that must all appear in the title or the body.</summary>
    public string? Text { get; init; }
    /// <summary>Only stories dated (published, else first seen) at or after this time.</summary>
    public DateTime? Since { get; init; }
    public bool Collapse { get; init; } = true;

    public static ItemFilter All { get; } = new();

    /// <summary>The words of Text, at most eight, each as the forms any of which it matches: the
    /// word as typed and, when it differs, its compatibility form (NFKC). A Japanese input method
    /// types "ＤＰＲＫ" and "２０２５" in full width, which matched none of the stories that write
    /// DPRK; sources that write the full-width form are still found by it. Words are split on the
    /// ideographic space too.</summary>
    public IReadOnlyList<IReadOnlyList<string>> TextForms() =>
        (Text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(8)
            .Select(w => (IReadOnlyList<string>)new[] { w, w.Normalize(System.Text.NormalizationForm.FormKC) }.Distinct(StringComparer.Ordinal).ToList())
            .ToList();

    /// <summary>TextForms as LIKE patterns (wildcards escaped) of a substring.</summary>
    public IReadOnlyList<IReadOnlyList<string>> TextPatterns() =>
        TextForms().Select(forms => (IReadOnlyList<string>)forms.Select(form => "%" + EscapeLike(form) + "%").ToList()).ToList();

    /// <summary>Text as a LIKE pattern that matches it literally (ESCAPE '\\').</summary>
    public static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}

/// <summary>One page of a listing and how many stories the whole listing has.</summary>
public sealed record ItemPage(IReadOnlyList<StoredItem> Items, int Page, int PageSize, long Total)
{
    public int LastPage => Total == 0 ? 1 : (int)((Total + PageSize - 1) / PageSize);
}
