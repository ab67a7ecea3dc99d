namespace Aggregator.Processing.Stories;

/// <summary>A headline as the story's other carriers give it. Aggregators (Google News, portals)
/// and wire flashes carry a story's headline with no text to compare: often with the outlet's
/// name after it ("… - Yonhap News Agency", "…_新浪新闻", "…（時事通信） - Yahoo!ニュース", "… :
/// 네이버 뉴스"), a wire tag before or after it ("(URGENT)", "(2nd LD)", "[속보]", "【快讯】", "(종합)"),
/// a kicker ("BREAKING:", "快讯："), or cut short with "…". A headline is read as its tokens (as
/// <see cref="Shingles"/> has them, so case, quotes and punctuation do not count); two carriers
/// of one story share its whole form, its form without tags and outlet, or, cut short, the words
/// before the cut; or one adds a word or two.</summary>
/// <param name="Text">The headline without its tags and outlet (comparison form), or whole when
/// too little is left without them.</param>
/// <param name="Whole">The hash of the whole headline (0 when too light to name a story).</param>
/// <param name="Cut">The hash of the headline without its tags and outlet (0 likewise).</param>
/// <param name="Opening">The index key: the opening words of <paramref name="Text"/>
/// (<see cref="MinWeight"/> of them), which every form of the headline shares, one cut short too;
/// 0 for a headline too light to name a story. One key, as the lead is one: the copies it finds
/// are told apart by <see cref="SameAs"/>.</param>
/// <param name="Truncated">It ends in "…": its last word may be cut too.</param>
/// <remarks>A fingerprint keeps one for every item waiting to be stored: hashes, and the title's
/// own string unless something was cut from it.</remarks>
public sealed record Headline(string Text, ulong Whole, ulong Cut, ulong Opening, bool Truncated)
{
    /// <summary>How much headline names a story: a word weighs two, a CJK character one (six
    /// words, twelve characters). Lighter ones are a series' name, shared by unrelated items
    /// ("The week in North Korea", "きょうの主なニュース", "한눈에 보는 이번 주 뉴스"), or a bare formula.</summary>
    public const int MinWeight = 12;

    /// <summary>The most an outlet's name after a separator weighs: eight words ("The Chosun Ilbo
    /// (English Edition): Daily News from Korea" is nine, and then only the whole headline counts).</summary>
    public const int MaxOutletWeight = 16;

    /// <summary>The longest wire tag in brackets before or after a headline, brackets included ("(Yonhap Interview)").</summary>
    public const int MaxTagLength = 20;

    /// <summary>The most one headline may add to the other and still name the same story: two
    /// words or four CJK characters ("… agree to fully restore ties", "… 다변화 추진").</summary>
    public const int MaxAddedWeight = 4;

    /// <summary>The most a kicker before a colon weighs: three words or six CJK characters
    /// ("BREAKING:", "Raketenabwehr:", "快讯：", "韩联社："). Not before a dash, which as often parts a
    /// headline ("Xi meets Yoon - first summit in two years").</summary>
    public const int MaxKickerWeight = 6;

    /// <param name="title">The title in comparison form (TextNormalizer.ForComparison).</param>
    public static Headline Read(string title)
    {
        var full = title.AsSpan().Trim();
        var text = WithoutTrailingTag(WithoutOutlet(WithoutKicker(WithoutLeadingTags(full))));
        var cut = Scan(text);
        var whole = text.Length == full.Length ? cut : Scan(full);
        // "Xi meets Yoon - first summit in two years": what is left without the "outlet" is too
        // light, and the words are read whole.
        var read = cut;
        if (cut.Hash == 0 && whole.Hash != 0)
        {
            read = whole;
            text = full;
        }
        var kept = text.Length == title.Length ? title : text.ToString(); // most titles carry neither tag nor outlet
        return new Headline(kept, whole.Hash, cut.Hash, read.Opening, read.Truncated);
    }

    /// <summary>Whether two headlines name one story alike: a form in common, one cut short ("…")
    /// whose words before the cut (enough of them) open the other, or the same opening and one
    /// the other with a word or two added.</summary>
    public bool SameAs(Headline other)
    {
        if (Whole != 0 && (Whole == other.Whole || Whole == other.Cut) || Cut != 0 && (Cut == other.Whole || Cut == other.Cut)) return true;
        if (Opening == 0 || Opening != other.Opening) return false;
        return OpensWith(other, this) || OpensWith(this, other) || AddsAWord(this, other);
    }

    /// <summary>The words of one are all in the other, which adds at most <see cref="MaxAddedWeight"/>.
    /// A word swapped ("Russia protests …" for "China protests …") is another story.</summary>
    private static bool AddsAWord(Headline a, Headline b)
    {
        if (a.Truncated || b.Truncated) return false;
        var (x, xWeight) = Words(a.Text);
        var (y, yWeight) = Words(b.Text);
        var (fewer, more, added) = xWeight <= yWeight ? (x, y, yWeight - xWeight) : (y, x, xWeight - yWeight);
        return added <= MaxAddedWeight && fewer.IsSubsetOf(more);
    }

    private static (HashSet<ulong> Words, int Weight) Words(string text)
    {
        var (words, weight) = (new HashSet<ulong>(), 0);
        foreach (var token in Shingles.Tokens(text, _tokens ??= new List<Shingles.Token>(64)))
        {
            words.Add(token.Hash);
            weight += token.Weight;
        }
        return (words, weight);
    }

    /// <summary>Read again when asked (a candidate cut short is rare): tokens are not kept.</summary>
    private static bool OpensWith(Headline whole, Headline cut)
    {
        if (!cut.Truncated) return false;
        var kept = Shingles.Tokens(cut.Text, _tokens ??= new List<Shingles.Token>(64)).Select(t => t.Hash).SkipLast(1).ToList(); // the last word may be cut
        var words = Shingles.Tokens(whole.Text, _tokens).Select(t => t.Hash).ToList();
        return words.Count >= kept.Count && words.Take(kept.Count).SequenceEqual(kept);
    }

    /// <summary>Whether a body only repeats the headline (and names the outlet, as Google News's
    /// summaries do): there is no text to compare.</summary>
    public static bool Repeats(string body, string title, Headline headline)
    {
        foreach (var start in (ReadOnlySpan<string>)[title, headline.Text])
            if (start.Length > 0 && body.StartsWith(start, StringComparison.Ordinal) && Weight(body.AsSpan(start.Length)) <= MaxOutletWeight)
                return true;
        return false;
    }

    private const ulong Seed = 0x48454144UL, OpeningSeed = 0x4F50454EUL; // "HEAD", "OPEN"

    private static ulong NonZero(ulong h) => h == 0 ? 1 : h;

    private static ReadOnlySpan<char> WithoutLeadingTags(ReadOnlySpan<char> text)
    {
        for (var tags = 0; tags < 2 && text.Length > 0; tags++) // "[속보][단독] …"
        {
            var close = Closing(text[0]);
            if (close == '\0') break;
            var end = text[..Math.Min(text.Length, MaxTagLength)].IndexOf(close);
            if (end < 0) break;
            text = text[(end + 1)..].TrimStart();
        }
        return text;
    }

    private static ReadOnlySpan<char> WithoutTrailingTag(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || !IsClosing(text[^1])) return text;
        var from = Math.Max(0, text.Length - MaxTagLength);
        for (var i = text.Length - 2; i >= from; i--)
            if (Closing(text[i]) == text[^1]) return text[..i].TrimEnd();
        return text;
    }

    private static char Closing(char open) => open switch { '(' => ')', '[' => ']', '【' => '】', '〔' => '〕', '〈' => '〉', '《' => '》', '<' => '>', _ => '\0' };

    private static bool IsClosing(char c) => c is ')' or ']' or '】' or '〕' or '〉' or '》' or '>';

    /// <summary>The headline before its outlet, and a section between ("… - Politics - The Korea
    /// Times", "…--时政--人民网"): up to two trailing parts cut while enough headline is left.</summary>
    private static ReadOnlySpan<char> WithoutOutlet(ReadOnlySpan<char> text)
    {
        for (var parts = 0; parts < 2; parts++)
        {
            var cut = WithoutLastPart(text);
            if (cut.Length == text.Length || Weight(cut) < MinWeight) return parts == 0 ? cut : text;
            text = cut;
        }
        return text;
    }

    /// <summary>The headline before its last separator (" - ", " | ", "｜", "_", "--", " : " as
    /// Naver's "… : 네이버 뉴스" has it, or a "-" between a CJK headline and a CJK name) when
    /// what follows is light enough to be an outlet's name.</summary>
    private static ReadOnlySpan<char> WithoutLastPart(ReadOnlySpan<char> text)
    {
        for (var i = text.Length - 2; i > 0; i--)
        {
            var start = text[i] switch
            {
                '|' or '｜' or '_' => i,
                '-' when text[i - 1] == '-' => i - 1,
                '-' when text[i - 1] == ' ' && text[i + 1] == ' ' || IsCjk(text[i - 1]) && IsCjk(text[i + 1]) => i,
                ':' when text[i - 1] == ' ' && text[i + 1] == ' ' => i,
                _ => -1,
            };
            if (start < 0) continue;
            return Weight(text[(i + 1)..]) is > 0 and <= MaxOutletWeight ? text[..start].TrimEnd() : text; // a long tail is the headline's own second half
        }
        return text;
    }

    /// <summary>The headline after a kicker: a word or three ending in ":" (or "："), when enough
    /// headline follows.</summary>
    private static ReadOnlySpan<char> WithoutKicker(ReadOnlySpan<char> text)
    {
        var limit = Math.Min(text.Length - 1, 40);
        for (var i = 1; i < limit; i++)
        {
            if (text[i] != ':') continue;
            if (Weight(text[..i]) is 0 or > MaxKickerWeight) return text;
            var rest = text[(i + 1)..].TrimStart();
            return Weight(rest) >= MinWeight ? rest : text;
        }
        return text;
    }

    private static bool IsCjk(char c) => c >= 0x80 && Aggregator.Parsing.Scripts.IsCjk(Aggregator.Parsing.Scripts.Of(c));

    public static int Weight(ReadOnlySpan<char> text)
    {
        var weight = 0;
        foreach (var token in Shingles.Tokens(text, _tokens ??= new List<Shingles.Token>(64)))
            weight += token.Weight;
        return weight;
    }

    /// <summary>A form of a headline read once: its hash and its opening words' (each 0 when too
    /// light to name a story), and whether it is cut short ("…", its last word perhaps cut too).</summary>
    private readonly record struct Form(ulong Hash, ulong Opening, bool Truncated);

    private static Form Scan(ReadOnlySpan<char> text)
    {
        var truncated = text.EndsWith("...") || text.EndsWith("…");
        var tokens = Shingles.Tokens(text, _tokens ??= new List<Shingles.Token>(64));
        var (h, o, weight, opening) = (Seed, OpeningSeed, 0, 0UL);
        for (var i = 0; i < tokens.Count; i++)
        {
            h = Hashing.Mix(h ^ tokens[i].Hash);
            weight += tokens[i].Weight;
            // The opening: the first words that weigh enough, and not the last one of a cut headline.
            if (opening != 0 || truncated && i == tokens.Count - 1) continue;
            o = Hashing.Mix(o ^ tokens[i].Hash);
            if (weight >= MinWeight) opening = NonZero(o);
        }
        return new Form(weight >= MinWeight ? NonZero(h) : 0, opening, truncated);
    }

    /// <summary>The thread's token list for headlines (the fingerprint's own holds the body's meanwhile).</summary>
    [ThreadStatic] private static List<Shingles.Token>? _tokens;
}
