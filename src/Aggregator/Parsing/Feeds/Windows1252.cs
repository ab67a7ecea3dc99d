namespace Aggregator.Parsing.Feeds;

/// <summary>Character references to C1 control codes (&amp;#146;, &amp;#147;) mean the windows-1252
/// characters at those bytes: a generator that took its text for Latin-1 wrote the byte's value.
/// HTML5 reads them so (its table of numeric references) and feedparser does too; as controls
/// they showed as nothing, or as boxes.</summary>
public static class Windows1252
{
    // 0x80 to 0x9F; 0 where windows-1252 leaves the byte undefined (the control is kept).
    private static readonly char[] C1 =
    [
        '\u20AC', '\0', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\0', '\u017D', '\0',
        '\0', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\0', '\u017E', '\u0178',
    ];

    /// <summary>The character a reference to <paramref name="codePoint"/> means: itself, unless a C1 code windows-1252 defines.</summary>
    public static int Referenced(int codePoint) => codePoint is >= 0x80 and <= 0x9F && C1[codePoint - 0x80] is var c && c != '\0' ? c : codePoint;

    /// <summary>The text with C1 codes that came from references read as windows-1252.</summary>
    public static string Remap(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\u0080', '\u009F') < 0) return text;
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++) span[i] = (char)Referenced(source[i]);
        });
    }
}
