using System.Buffers;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>What a feed appends to an entry's text to send readers to its site: "Continue
/// reading…", "Read more »", "阅读全文", "続きを読む", "(계속)", and WordPress's "The post … appeared
/// first on …" in the languages WordPress speaks. It is the publisher's link, not the story: left
/// in, one summary carried by two feeds was two contents, its outlet's name was read as its
/// words, and "appeared first" gave a summary a number ("1st") its own article did not have.</summary>
public static partial class ReadMoreTrailer
{
    /// <summary>Words of a link to the rest, as the last words of a text (ignoring case). Bare
    /// 계속 ("continues") and "more" are such a link only in brackets: "(계속)", "(more…)".</summary>
    private static readonly string[] LinkWords =
    [
        "continue reading", "read more", "read the full story", "read the full article", "read the rest of the story", "keep reading", "full story",
        "lire la suite", "weiterlesen", "mehr lesen", "leer más", "seguir leyendo", "läs mer", "läs hela artikeln", "läs hela texten",
        "читать далее", "читать полностью", "xem thêm", "xem tiếp",
        "阅读全文", "閱讀全文", "查看全文", "全文を読む", "続きを読む", "続きはこちら", "더보기", "더 보기", "기사 더보기", "계속 읽기",
    ];

    private static readonly string[] Bracketed = [.. LinkWords, "계속", "more…", "more...", "more"];

    /// <summary>What may follow a link's words: arrows, dots, a colon, spaces.</summary>
    private const string After = " \t\n»›→>…:.";

    /// <summary>The text without a trailer at its end (the same string when it has none; a text
    /// that is nothing but a link keeps it).</summary>
    public static string Strip(string text)
    {
        var end = text.AsSpan().TrimEnd(After).Length;
        var cut = LinkAt(text, end);
        if (cut < 0) cut = WordPressFooterAt(text);
        if (cut <= 0) return text;
        var kept = text.AsSpan(0, cut).TrimEnd();
        return kept.Length == 0 ? text : kept.ToString();
    }

    /// <summary>Where a link ending at <paramref name="end"/> starts: its words start a line, or
    /// follow the end of a sentence or the "…" of a cut summary; in brackets ("(more…)", "[Read
    /// more]", "(계속)") they may follow a word cut short. -1 when the text ends otherwise, so
    /// "…where you can read more" is left alone.</summary>
    private static int LinkAt(string text, int end)
    {
        var closing = end > 0 && text[end - 1] is ')' or ']' ? text[end - 1] : '\0';
        var wordsEnd = closing == '\0' ? end : end - 1;
        foreach (var words in closing == '\0' ? LinkWords : Bracketed)
        {
            var start = wordsEnd - words.Length;
            if (start < 0 || !text.AsSpan(start, words.Length).Equals(words, StringComparison.OrdinalIgnoreCase)) continue;
            if (closing != '\0')
            {
                var opening = start - 1;
                if (opening >= 0 && text[opening] == (closing == ')' ? '(' : '[') && (opening == 0 || char.IsWhiteSpace(text[opening - 1])))
                    return opening;
                continue;
            }
            if (start > 0 && char.IsLetterOrDigit(text[start - 1])) continue; // "…must keep reading" is not "Keep reading"
            var before = text.AsSpan(0, start).TrimEnd(" \t");
            if (before.IsEmpty || before[^1] is '\n' or '.' or '!' or '?' or '…' or '。' or '！' or '？' or '」' or '』' or '”' or '"' or ')' or ']')
                return start;
        }
        return -1;
    }

    /// <summary>A WordPress footer is a few hundred characters at most (it names the post and the
    /// site): only the end of a text is searched, and only for a text that has one of its verbs.</summary>
    private const int Tail = 640;

    /// <summary>The footer's verbs in ASCII, or an ASCII part of one ("primero en" of "se publicó
    /// primero en", "upp p" of "dök först upp på"), looked for before the expression is run.</summary>
    private static readonly SearchValues<string> FooterVerbs = SearchValues.Create(
        ["appeared first on", "apparu en premier", "erschien zuerst", "primero en", "verscheen eerst", "upp p", "prima volta", "apareceu primeiro"], StringComparison.Ordinal);

    /// <summary>The verbs not written in ASCII, looked for one at a time: in the set above they
    /// made its search ten times slower.</summary>
    private static readonly string[] OtherFooterVerbs = ["впервые появилась", "xuất hiện đầu tiên", "に最初に表示されました"];

    private static int WordPressFooterAt(string text)
    {
        var start = Math.Max(0, text.Length - Tail);
        var tail = text.AsSpan(start);
        if (!tail.ContainsAny(FooterVerbs) && !ContainsOther(tail)) return -1;
        foreach (var match in WordPressFooter().EnumerateMatches(text.AsSpan(start)))
            return start + match.Index;
        return -1;
    }

    private static bool ContainsOther(ReadOnlySpan<char> tail)
    {
        foreach (var verb in OtherFooterVerbs)
            if (tail.Contains(verb, StringComparison.Ordinal)) return true;
        return false;
    }

    // WordPress's footer ("The post TITLE appeared first on SITE.", in Japanese "投稿 TITLE は SITE
    // に最初に表示されました。"), after the end of a sentence or a line, to the end of the text. (No
    // match can start at the tail's own first character: the longest footer is shorter than the tail.)
    [GeneratedRegex("""
        (?<=^|[.!?。！？」』”"')\]…]\s*)
        (?:the\ post|l[’']article|der\ beitrag|la\ entrada|het\ bericht|inlägget|запись|bài\ viết|l[’']articolo|o\ post)
        \s.{1,300}?\s
        (?:appeared\ first\ on|est\ apparu\ en\ premier\ sur|erschien\ zuerst\ auf|se\ publicó\ primero\ en|verscheen\ eerst\ op
          |dök\ först\ upp\ på|впервые\ появилась\ на|xuất\ hiện\ đầu\ tiên\ tại|apparso\ per\ la\ prima\ volta\ su|apareceu\ primeiro\ em)
        \s.{1,200}?[\s.]*\z
        | (?<=^|[.!?。！？」』”"')\]…]\s*)
        投稿\s?.{1,300}?\s?は\s?.{1,200}?\s?に最初に表示されました。?\s*\z
        """, RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex WordPressFooter();
}
