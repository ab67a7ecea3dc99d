using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Feeds;

/// <summary>Bytes to text. Order of authority: a per-feed override, the byte order mark, the
/// HTTP charset, the XML declaration (or an HTML meta charset); then valid UTF-8 wins over a
/// wrong declaration, since servers and generators often mislabel UTF-8. Legacy encodings of
/// the region's sites (EUC-KR/CP949, GB2312/GBK/GB18030, Big5, Shift_JIS) come from the
/// code-pages provider; GB2312 is read as its superset GB18030.</summary>
public static partial class FeedDecoder
{
    static FeedDecoder() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public sealed record Decoded(string Text, string EncodingName, string? Problem);

    public static Decoded Decode(byte[] bytes, string? httpCharset = null, string? overrideEncoding = null)
    {
        var forced = Resolve(overrideEncoding);
        // The byte order mark is the bytes' own word, stronger than anyone's label, an override's
        // too: a feed fixed since its override was set is not misread under it.
        if (Bom(bytes) is var (bom, length) && bom is not null)
            return new(bom.GetString(bytes, length, bytes.Length - length), bom.WebName,
                forced is not null && forced.CodePage != bom.CodePage ? $"the encoding override {overrideEncoding} was not used: the document begins with a {Named(bom)} byte order mark" : null);
        if (forced is not null)
            return Forced(bytes, forced, overrideEncoding!);

        var declared = Declared(bytes);
        var http = Resolve(httpCharset);
        if (Resolve(declared) is { CodePage: 50220 or 50221 or 50222 } jis && bytes.AsSpan().IndexOf("\u001B$"u8) >= 0)
            // ISO-2022-JP is seven-bit, so valid UTF-8 and "Latin-1" too: a server's label would win,
            // and the text be stored as "$BF|K\8l$N". Its escape sequences say what it is.
            return new(jis.GetString(bytes), jis.WebName, http is not null && http.CodePage != jis.CodePage
                ? $"the server said {httpCharset} but the document declares {declared} and is written in it; read as ISO-2022-JP" : null);
        var claimed = http ?? Resolve(declared);
        var utf8 = TryUtf8(bytes);
        string? wide = null;
        if (claimed is not null && IsUtf16(claimed) && Utf16WithoutBom(bytes) is null && bytes is [not 0, not 0, ..])
            // "UTF-16" on bytes that begin "<?xm" one byte a character (XML 1.0 Appendix F: they
            // cannot be UTF-16): what .NET writes through a StringWriter to a UTF-8 stream. Read
            // as if nothing were declared, instead of as Chinese-looking nonsense.
            (wide, claimed) = (claimed.WebName, null);
        if (http is not null && Resolve(declared) is { } inDocument && inDocument.CodePage != http.CodePage && !IsUtf16(inDocument) && utf8 is null
            && ServerDefault(http, bytes) && LegacyText.Decode(inDocument, bytes) is { Mostly: true } inDeclared)
            // A server's default label (UTF-8 the bytes are not, Latin-1, ASCII) against a document
            // that names its own encoding and decodes in it, but for a character cut in half here
            // and there: Apache, nginx and many CMSs label every text/xml one way whatever the
            // feed is written in.
            return new(Strip(inDeclared.Text), inDocument.WebName,
                $"the server said {httpCharset} but the document declares {declared} and is written in it; read as {Named(inDocument)}{Damage(inDeclared, inDocument)}");
        if (claimed?.CodePage == 1252 && utf8 is null && ServerDefault(claimed, bytes)
            && LanguageEncoding(bytes) is var (lang, inLanguage) && LegacyText.Decode(inLanguage, bytes) is { Mostly: true } legacy)
            // "ISO-8859-1" on a feed in Korean or Chinese is a generator's default, not a choice.
            return new(Strip(legacy.Text), inLanguage.WebName, $"labelled {httpCharset ?? declared} but written in {lang}, in {Named(inLanguage)}; read as {Named(inLanguage)}{Damage(legacy, inLanguage)}");
        if ((utf8 is null || utf8.Contains('\0')) && Utf16WithoutBom(bytes) is { } utf16)
            // XML 1.0 Appendix F: "<?" in two bytes a character tells UTF-16 and its byte order.
            // ASCII-only UTF-16 is valid UTF-8 too, with a NUL after every character: read as
            // UTF-8 and stripped of them, it came out right but flagged for control characters.
            return new(Strip(utf16.GetString(bytes)), utf16.WebName, Resolve(declared) is { } named && IsUtf16(named) ? null
                : $"{(utf16.CodePage is 1200 or 1201 ? "UTF-16" : "UTF-32")} without a byte order mark; read by the order of its first bytes");
        if (claimed is null || claimed.CodePage == Encoding.UTF8.CodePage)
        {
            if (utf8 is not null)
                return new(utf8, "utf-8", wide is not null ? $"declared {wide}, but the document is written one byte a character; read as UTF-8"
                    : declared is not null && Resolve(declared) is null ? $"unknown encoding \"{declared}\" declared; read as UTF-8" : null);
            // UTF-8 but for a few bytes (a CMS that cut a character in half when it shortened a
            // summary): the damage is replaced, not the whole feed read as windows-1252, which
            // turned every Korean entry into "í•œêµ­". A legacy encoding mislabelled UTF-8 is
            // invalid nearly everywhere, and is left to what follows; so is a document with too few
            // valid sequences to tell (one stray byte in English text is windows-1252's, as
            // feedparser reads it).
            if (Utf8Damage(bytes) is var (invalid, valid) && valid >= 10 * invalid)
                return new(Encoding.UTF8.GetString(bytes), "utf-8", $"{invalid} byte sequence(s) are not valid UTF-8 and were replaced (U+FFFD); read as UTF-8");
            // Not UTF-8, and nothing (or only a wrong UTF-8) says what it is: a Korean, Chinese or
            // Japanese feed most often is in its region's legacy encoding, which its language names.
            if (LanguageEncoding(bytes) is var (language, regional) && LegacyText.Decode(regional, bytes) is { Mostly: true } regionalText)
                return new(Strip(regionalText.Text), regional.WebName,
                    $"the bytes are not UTF-8 and no other encoding is declared{(httpCharset is null ? "" : $" than {httpCharset}")}; read as {Named(regional)}, the usual one for its language ({language}){Damage(regionalText, regional)}");
            var fallback = Encoding.GetEncoding(1252);
            return new(fallback.GetString(bytes), fallback.WebName,
                declared is not null && Resolve(declared) is null
                    ? $"unknown encoding \"{declared}\" declared and the bytes are not UTF-8; read as windows-1252"
                    : "the document is not valid UTF-8; read as windows-1252");
        }
        // Valid UTF-8 with non-ASCII bytes is almost never a legacy encoding by accident. (A word
        // or two of Korean in an English page can be: 치킨 in EUC-KR is "ġŲ" in UTF-8. Telling
        // those apart from Latin Extended UTF-8 under a wrong label was tried and misread Turkish,
        // Czech and Latvian; the per-feed override is the remedy.)
        if (utf8 is not null && bytes.Any(b => b >= 0x80) && !IsUtf16(claimed))
            return new(utf8, "utf-8", $"declared {httpCharset ?? declared} but the bytes are UTF-8; read as UTF-8");
        if (IsUnicode(claimed)) return new(claimed.GetString(bytes), claimed.WebName, null);
        var read = LegacyText.Decode(claimed, bytes);
        return new(Strip(read.Text), claimed.WebName, read.Invalid + read.Private > 0 ? $"read as {Named(claimed)}{Damage(read, claimed)}" : null);
    }

    /// <summary>The per-feed override (`feeds edit --encoding`, OPML's encoding), unless the feed
    /// has since been fixed: bytes that are valid UTF-8 and not valid in the override are read
    /// as UTF-8, with a warning, instead of turning good items into mojibake.</summary>
    private static Decoded Forced(byte[] bytes, Encoding forced, string label)
    {
        if (IsUnicode(forced)) return new(Strip(forced.GetString(bytes)), forced.WebName, null);
        var read = LegacyText.Decode(forced, bytes);
        if (read.Invalid > 0 && bytes.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 && TryUtf8(bytes) is { } utf8)
            return new(Strip(utf8), "utf-8", $"the encoding override {label} no longer fits: the bytes are valid UTF-8 and not valid {Named(forced)}; read as UTF-8 (`aggregator feeds edit URL --encoding \"\"` removes the override)");
        return new(Strip(read.Text), forced.WebName, read.Invalid + read.Private > 0 ? $"read as {Named(forced)}, the encoding override{Damage(read, forced)}" : null);
    }

    private static string Damage(LegacyText.Read read, Encoding encoding) =>
        (read.Invalid == 0 ? "" : $"; {read.Invalid} byte sequence(s) are not valid {Named(encoding)} and were replaced (U+FFFD)")
        + (read.Private == 0 ? "" : $"; {read.Private} character(s) have no Unicode mapping in {Named(encoding)} and were read as private-use code points"
            + (encoding.CodePage == 950 ? " (Big5-HKSCS's Hong Kong characters, which this reader does not have)" : ""));

    /// <summary>A name people know: .NET calls CP949 "ks_c_5601-1987".</summary>
    private static string Named(Encoding e) => e.CodePage switch
    {
        949 => "EUC-KR (CP949)",
        54936 => "GB18030",
        950 => "Big5",
        932 => "Shift_JIS",
        51932 => "EUC-JP",
        65001 => "UTF-8",
        1200 or 1201 => "UTF-16",
        12000 or 12001 => "UTF-32",
        _ => e.WebName,
    };

    private static readonly Dictionary<string, string> LegacyAliases = new(StringComparer.Ordinal)
    {
        // MySQL's and PHP's spelling, in many a CMS's declaration.
        ["utf8"] = "utf-8",
        // Chinese: GB2312 and GBK are subsets of GB18030, which is read for all of them.
        ["gb2312"] = "gb18030",
        ["gbk"] = "gb18030",
        ["xgbk"] = "gb18030",
        ["cp936"] = "gb18030",
        ["ms936"] = "gb18030",
        ["windows936"] = "gb18030",
        ["euccn"] = "gb18030",
        ["xeuccn"] = "gb18030",
        ["hzgb2312"] = "gb18030",
        ["gb231280"] = "gb18030",
        ["csgb2312"] = "gb18030",
        ["chinese"] = "gb18030",
        // Korean: EUC-KR is a subset of CP949 (Unified Hangul Code), which is read for all of them.
        ["euckr"] = "ks_c_5601-1987",
        ["xeuckr"] = "ks_c_5601-1987",
        ["cseuckr"] = "ks_c_5601-1987",
        ["ksc56011987"] = "ks_c_5601-1987",
        ["ksc5601"] = "ks_c_5601-1987",
        ["cp949"] = "ks_c_5601-1987",
        ["ms949"] = "ks_c_5601-1987",
        ["windows949"] = "ks_c_5601-1987",
        ["xwindows949"] = "ks_c_5601-1987",
        ["uhc"] = "ks_c_5601-1987",
        ["korean"] = "ks_c_5601-1987",
        ["csksc56011987"] = "ks_c_5601-1987",
        ["isoir149"] = "ks_c_5601-1987",
        // Japanese
        ["shiftjis"] = "shift_jis",
        ["sjis"] = "shift_jis",
        ["xsjis"] = "shift_jis",
        ["mskanji"] = "shift_jis",
        ["cp932"] = "shift_jis",
        ["ms932"] = "shift_jis",
        ["windows31j"] = "shift_jis",
        ["windows932"] = "shift_jis",
        ["xmscp932"] = "shift_jis",
        ["csshiftjis"] = "shift_jis",
        ["eucjp"] = "euc-jp",
        ["xeucjp"] = "euc-jp",
        ["cseucpkdfmtjapanese"] = "euc-jp",
        // Traditional Chinese
        ["big5"] = "big5",
        ["big5hkscs"] = "big5",
        ["cp950"] = "big5",
        ["ms950"] = "big5",
        ["windows950"] = "big5",
        ["xxbig5"] = "big5",
        ["cnbig5"] = "big5",
        ["csbig5"] = "big5",
        // As browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean windows-1252, whose
        // curly quotes and dashes sit where Latin-1 has unused control codes.
        ["iso88591"] = "windows-1252",
        ["latin1"] = "windows-1252",
        ["l1"] = "windows-1252",
        ["usascii"] = "windows-1252",
        ["ascii"] = "windows-1252",
        ["cp1252"] = "windows-1252",
        ["ms1252"] = "windows-1252",
        ["cp819"] = "windows-1252",
        ["ibm819"] = "windows-1252",
    };

    public static Encoding? Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        name = name.Trim().Trim('"', '\'').ToLowerInvariant();
        // Labels as servers write them, Java's (MS949, x-windows-949, MS932) and Python's
        // (euc_kr) among them: compared without dashes and underscores.
        if (LegacyAliases.TryGetValue(name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), out var alias)) name = alias;
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The encoding named in the XML declaration or an HTML meta tag, read as ASCII.</summary>
    public static string? Declared(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 1024));
        var m = XmlDeclaration().Match(head);
        if (m.Success) return m.Groups[1].Value;
        m = MetaCharset().Match(head);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static Encoding? Utf16WithoutBom(byte[] b) => b switch
    {
        [0x3C, 0, 0, 0, 0x3F, 0, 0, 0, ..] => Encoding.UTF32,
        [0, 0, 0, 0x3C, 0, 0, 0, 0x3F, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        [0x3C, 0, 0x3F, 0, ..] => Encoding.Unicode,
        [0, 0x3C, 0, 0x3F, ..] => Encoding.BigEndianUnicode,
        // Without a declaration: the root's "<" (or a JSON Feed's "{"), then a character of its
        // name, two bytes each.
        [0x3C or 0x7B, 0, > 0 and < 0x80, 0, ..] => Encoding.Unicode,
        [0, 0x3C or 0x7B, 0, > 0 and < 0x80, ..] => Encoding.BigEndianUnicode,
        _ => null,
    };

    /// <summary>Invalid and valid multi-byte sequences, read as UTF-8.</summary>
    private static (int Invalid, int Valid) Utf8Damage(ReadOnlySpan<byte> bytes)
    {
        var (invalid, valid) = (0, 0);
        while (bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) is var at and >= 0)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed);
            if (status == System.Buffers.OperationStatus.Done) valid++;
            else invalid++;
            bytes = bytes[(at + Math.Max(consumed, 1))..];
        }
        return (invalid, valid);
    }

    /// <summary>The language a feed declares in its first kilobytes (&lt;language&gt;,
    /// &lt;dc:language&gt;, xml:lang, JSON Feed's "language"), read as ASCII, and the legacy
    /// encoding its sites use: EUC-KR/CP949 for Korean, GB18030 for Chinese (Big5 for Taiwan and
    /// Hong Kong), Shift_JIS for Japanese.</summary>
    private static (string Language, Encoding Encoding)? LanguageEncoding(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        var m = DeclaredLanguage().Match(head);
        if (!m.Success) return null;
        var language = m.Groups[1].Value.ToLowerInvariant();
        var name = language.StartsWith("ko", StringComparison.Ordinal) ? "ks_c_5601-1987"
            : language.StartsWith("ja", StringComparison.Ordinal) ? "shift_jis"
            : language is "zh-tw" or "zh-hk" or "zh-mo" or "zh-hant" ? "big5"
            : language.StartsWith("zh", StringComparison.Ordinal) ? "gb18030"
            : null;
        return name is null ? null : (language, Encoding.GetEncoding(name));
    }

    [GeneratedRegex(@"(?:<(?:\w+:)?language>\s*|xml:lang\s*=\s*[""']|""language""\s*:\s*"")([A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?)", RegexOptions.IgnoreCase)]
    private static partial Regex DeclaredLanguage();

    /// <summary>A label servers put on everything: UTF-8, or Latin-1/ASCII (read as windows-1252)
    /// on a document with bytes above ASCII.</summary>
    private static bool ServerDefault(Encoding http, byte[] bytes) =>
        http.CodePage == Encoding.UTF8.CodePage || (http.CodePage == 1252 && bytes.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0);

    private static string? TryUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static (Encoding?, int) Bom(byte[] b) => b switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (Encoding.UTF8, 3),
        [0xFF, 0xFE, 0, 0, ..] => (Encoding.UTF32, 4),
        [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
        [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
        [0, 0, 0xFE, 0xFF, ..] => (new UTF32Encoding(true, true), 4),
        _ => (null, 0),
    };

    /// <summary>UTF-16 or UTF-32: two or four bytes a character.</summary>
    private static bool IsUtf16(Encoding e) => e.CodePage is 1200 or 1201 or 12000 or 12001;

    private static bool IsUnicode(Encoding e) => IsUtf16(e) || e.CodePage == Encoding.UTF8.CodePage;

    private static string Strip(string text) => text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;

    [GeneratedRegex(@"^\s*<\?xml[^>]*?encoding\s*=\s*[""']([A-Za-z0-9._:-]+)[""']")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?([A-Za-z0-9._:-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharset();
}
