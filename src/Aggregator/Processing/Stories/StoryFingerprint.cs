using System.Runtime.InteropServices;

namespace Aggregator.Processing.Stories;

/// <summary>What story clustering reads of an item: its phrase and term shingles, the numbers
/// it states (years, dates, counts, ordinals: what tells one anniversary message from the
/// next), and the keys under which the database's story index files it.</summary>
/// <remarks>The <see cref="Headline"/> decides alone only when the body is too short to judge
/// (<see cref="BodyTooShort"/>): an aggregator's item, a flash. The <see cref="Sketch"/> (32 slots of the phrases' MinHash, then 32 of the terms',
/// 32 bits each, then the number of phrases) is stored with the item: it lets the index drop a
/// chance candidate without reading its text.</remarks>
public sealed record StoryFingerprint(ulong[] Phrases, ulong[] Terms, IReadOnlyList<string> Numbers, DateTime? Date, uint[] Sketch, IReadOnlyList<long> Keys,
    Headline Headline, bool BodyTooShort)
{
    public const int MaxNumbers = 48;

    /// <summary>A body lighter than this (twenty words, forty CJK characters: <see
    /// cref="Shingles.Token.Weight"/>) is judged with its headline.</summary>
    public const int ShortBodyWeight = 40;

    /// <summary>The body is what copies share: every outlet rewrites the headline, while
    /// different events often get the same formulaic one. The headline counts only when the
    /// body is too short to judge.</summary>
    /// <param name="date">When the source says it was published (else when first seen).</param>
    public static StoryFingerprint Of(string title, string body, DateTime? date) =>
        OfComparable(TextNormalizer.ForComparison(title), TextNormalizer.ForComparison(body), date);

    /// <summary>Whether an item has next to no text of its own, as <see cref="BodyTooShort"/> judges it.</summary>
    public static bool HasNextToNoText(string title, string body)
    {
        var (t, b) = (TextNormalizer.ForComparison(title), TextNormalizer.ForComparison(body));
        return Headline.Weight(b) < ShortBodyWeight || Headline.Repeats(b, t, Headline.Read(t));
    }

    /// <summary>From title and body already in comparison form (ingestion has them from the content hash).</summary>
    public static StoryFingerprint OfComparable(string title, string body, DateTime? date)
    {
        var headline = Headline.Read(title);
        // A body that only repeats the headline (Google News's: the linked headline and the outlet) is none.
        if (body.Length > 0 && Headline.Repeats(body, title, headline)) body = "";
        var text = body;
        var tokens = Shingles.Tokens(text, _tokens ??= new List<Shingles.Token>(1024));
        var bodyTokens = tokens.Count;
        var bodyWeight = 0;
        foreach (var token in tokens) bodyWeight += token.Weight;
        var tooShort = bodyWeight < ShortBodyWeight;
        if (tooShort)
        {
            // Read without its wire tag and outlet: "(URGENT)" and "- Yonhap News Agency" are not the story.
            text = headline.Text + "\n" + text;
            Shingles.Tokens(text, tokens);
        }
        var span = CollectionsMarshal.AsSpan(tokens);
        // The lead is the body's even when the headline joins a short body: a short feed summary
        // is filed under the same lead as its article, whatever headline each outlet gave it.
        var lead = span[(span.Length - bodyTokens)..];
        // Sets kept as arrays of distinct values: an eighth of a HashSet's memory while items
        // wait to be written.
        var phrases = Shingles.Phrases(span);
        // The headline's numbers count even when its words do not: "70th" against "75th" in two
        // otherwise alike headlines is the whole difference between two anniversaries (its tags'
        // and outlet's do not: "(2nd LD)", "뉴스1").
        var numbers = new List<string>();
        NumbersIn(text, numbers);
        NumbersIn(headline.Text, numbers);
        var terms = Shingles.Terms(span);
        Span<ulong> slots = stackalloc ulong[2 * StoryKeys.Slots];
        MinHash.Sketch(phrases, slots[..StoryKeys.Slots]);
        MinHash.Sketch(terms, slots[StoryKeys.Slots..]);
        var sketch = new uint[StoryKeys.SketchLength];
        for (var i = 0; i < slots.Length; i++) sketch[i] = (uint)(slots[i] ^ (slots[i] >> 32));
        sketch[StoryKeys.PhraseCountSlot] = (uint)phrases.Length;
        return new StoryFingerprint(phrases, terms, numbers, date, sketch, StoryKeys.For(sketch, phrases.Length, lead, numbers, headline), headline, tooShort);
    }

    /// <summary>Each thread reuses its token list: one per entry was a large share of a cold cycle's allocation.</summary>
    [ThreadStatic] private static List<Shingles.Token>? _tokens;

    /// <summary>The sketch as stored (little-endian 32-bit slots).</summary>
    public byte[] SketchBytes() => MemoryMarshal.AsBytes(Sketch.AsSpan()).ToArray();

    public static uint[] SketchFrom(byte[] stored) => MemoryMarshal.Cast<byte, uint>(stored).ToArray();

    /// <summary>English ordinal words, the commonest way a formula story tells its round apart
    /// ("first summit", "second summit"); kept as "1st"…, apart from digits.</summary>
    private static readonly string[] Ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"];

    private static readonly string[] OrdinalNumbers = [.. Ordinals.Select((_, n) => (n + 1) + (n is 0 ? "st" : n is 1 ? "nd" : n is 2 ? "rd" : "th"))];

    /// <summary>Whether a number as read is a year of this era: every story of a year states it,
    /// and it names an occurrence rather than counting anything.</summary>
    public static bool IsYear(string number) =>
        number.Length == 4 && int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 2100;

    /// <summary>Digit runs, with thousands separators dropped ("1,400" and "75 000" are "1400"
    /// and "75000"), and English ordinal words, distinct, in order of appearance.</summary>
    public static IReadOnlyList<string> NumbersIn(string text)
    {
        var found = new List<string>();
        NumbersIn(text, found);
        return found;
    }

    /// <summary>Adds the numbers of a text that <paramref name="found"/> lacks, up to <see cref="MaxNumbers"/> in all.</summary>
    /// <remarks>Digits are gathered in a buffer the thread reuses and become a string only when new:
    /// a builder and a string for every digit run were a large share of a fingerprint's allocation.</remarks>
    private static void NumbersIn(string text, List<string> found)
    {
        var i = 0;
        while (i < text.Length && found.Count < MaxNumbers)
        {
            if (char.IsAsciiLetterLower(text[i]) && (i == 0 || !char.IsLetter(text[i - 1])) && (OrdinalAt(text, i) ?? WeekdayAt(text, i)) is var (ordinal, length))
            {
                if (!found.Contains(ordinal)) found.Add(ordinal);
                i += length;
                continue;
            }
            if (text[i] is '요' or '曜' or '期' && CjkWeekdayAt(text, i) is { } weekday)
            {
                if (!found.Contains(weekday)) found.Add(weekday);
                i++;
                continue;
            }
            if (!char.IsAsciiDigit(text[i])) { i++; continue; }
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            var digits = Digits(i - start);
            text.CopyTo(start, digits, 0, i - start);
            var count = i - start;
            if (i - start <= 3) // then groups of three: 1,400 / 75 000 / 12.345.678 / 75 , 000
                while (Separator(text, i) is > 0 and var width && IsGroup(text, i + width))
                {
                    digits = Digits(count + 3);
                    text.CopyTo(i + width, digits, count, 3);
                    count += 3;
                    i += width + 3;
                }
            ReadOnlySpan<char> number = digits.AsSpan(0, count).TrimStart('0');
            if (number.IsEmpty) number = "0";
            if (DigitOrdinalAt(text, i, number) is { } written)
            {
                if (!found.Contains(written)) found.Add(written);
                continue;
            }
            if (!Contains(found, number)) found.Add(number.ToString());
        }
    }

    [ThreadStatic] private static char[]? _digits;

    /// <summary>The thread's digit buffer, at least <paramref name="length"/> long, its content kept.</summary>
    private static char[] Digits(int length)
    {
        if (_digits is null || _digits.Length < length)
        {
            var larger = new char[Math.Max(length, 2 * (_digits?.Length ?? 32))];
            _digits?.CopyTo(larger, 0);
            _digits = larger;
        }
        return _digits;
    }

    private static bool Contains(List<string> found, ReadOnlySpan<char> number)
    {
        foreach (var f in found)
            if (number.SequenceEqual(f)) return true;
        return false;
    }

    /// <summary>The width of a thousands separator at a position (one of , . ' or a space, with
    /// spaces around it that copies add or drop), or 0.</summary>
    private static int Separator(string text, int at)
    {
        var i = at;
        if (i < text.Length && text[i] == ' ') i++;
        if (i < text.Length && text[i] is ',' or '.' or '\'') i++;
        if (i > at && i < text.Length && text[i] == ' ' && text[i - 1] != ' ') i++;
        return i - at;
    }

    /// <summary>"4th" as "fourth" is kept ("4th round" and "fourth round" are one story), for the
    /// ordinals that have a word in <see cref="Ordinals"/>; "70th" stays 70, as "70 years" has it.</summary>
    private static string? DigitOrdinalAt(string text, int at, ReadOnlySpan<char> number)
    {
        if (at + 2 > text.Length || (at + 2 < text.Length && char.IsLetter(text[at + 2]))
            || !int.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > 12)
            return null;
        var ordinal = OrdinalNumbers[n - 1];
        return string.CompareOrdinal(text, at, ordinal, ordinal.Length - 2, 2) == 0 ? ordinal : null;
    }

    private static (string Ordinal, int Length)? OrdinalAt(string text, int at)
    {
        if (text[at] is not ('f' or 's' or 't' or 'e' or 'n')) return null; // the first letters of Ordinals: most words stop here
        var end = at;
        while (end < text.Length && end - at <= 8 && char.IsAsciiLetterLower(text[end])) end++;
        if (end - at is < 5 or > 8) return null; // "first" to "eleventh": most words are ruled out here
        for (var n = 0; n < Ordinals.Length; n++)
        {
            var word = Ordinals[n];
            if (string.CompareOrdinal(text, at, word, 0, word.Length) == 0 && (at + word.Length == text.Length || !char.IsLetter(text[at + word.Length])))
                return (OrdinalNumbers[n], word.Length);
        }
        return null;
    }

    /// <summary>Weekdays tell a formula story's occurrences apart as its numbers do: "fires a
    /// ballistic missile on Monday" and "… on Thursday" are two launches (Korean and Chinese
    /// reports give the day of the month, which the numbers already catch; English ones the day
    /// of the week). Kept as the English name, in whatever language.</summary>
    private static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    private static (string Weekday, int Length)? WeekdayAt(string text, int at)
    {
        if (text[at] is not ('m' or 't' or 'w' or 'f' or 's')) return null;
        foreach (var day in Weekdays)
            if (string.CompareOrdinal(text, at, day, 0, day.Length) == 0 && (at + day.Length == text.Length || !char.IsLetter(text[at + day.Length])))
                return (day, day.Length);
        return null;
    }

    /// <summary>월요일…일요일, 月曜日…日曜日 and 星期一…星期日 (or 星期天), found at their middle character.</summary>
    private static string? CjkWeekdayAt(string text, int at)
    {
        if (at == 0 || at + 1 >= text.Length) return null;
        var (before, after) = (text[at - 1], text[at + 1]);
        var day = text[at] switch
        {
            '요' when after == '일' => "월화수목금토일".IndexOf(before),
            '曜' when after == '日' => "月火水木金土日".IndexOf(before),
            '期' when before == '星' => "一二三四五六日".IndexOf(after) is var n and >= 0 ? n : after == '天' ? 6 : -1,
            _ => -1,
        };
        return day < 0 ? null : Weekdays[day];
    }

    private static bool IsGroup(string text, int at) =>
        at + 3 <= text.Length && char.IsAsciiDigit(text[at]) && char.IsAsciiDigit(text[at + 1]) && char.IsAsciiDigit(text[at + 2])
        && (at + 3 == text.Length || !char.IsAsciiDigit(text[at + 3]));
}
