using System.Globalization;

namespace Aggregator.Processing.Tagging;

/// <summary>One term found in a text: where, how long, and the label its term list was given.</summary>
public readonly record struct TermHit(int Start, int Length, int Label);

/// <summary>A term as a topic lists it, under the language it was listed for.</summary>
/// <param name="NamesTwoParties">The term names two parties at once (한중, 北中): its group counts for two sides.</param>
public readonly record struct ListedTerm(string Text, string Language = "", bool NamesTwoParties = false);

/// <summary>Finds every term of many lists in one pass over a text, with two tries walked from
/// each candidate position, instead of one regex per list: a topic's hundreds of terms in a
/// dozen languages made regexes the largest CPU cost of ingesting (and their compilation a
/// second of JIT at start).
///
/// How a term matches, as users write them in config/topics.json:
/// case-insensitively; a space or hyphen in a term matches up to two spaces or hyphens in the
/// text, or none ("Kim Jong Un" finds "Kim Jong-un" and "KimJongUn"); an apostrophe or a period
/// in a term is optional ("D.P.R.K." finds "DPRK"); a middle dot or hyphen between two Han, Kana
/// or Hangul characters of the text is skipped ("한중" finds "한·중" and "한ㆍ중"); a trailing * matches any word ending
/// ("Nordkorea*" finds "Nordkoreas"). Terms in spaced scripts match whole words only ("China"
/// is not "Chinatown"); terms in Han, Kana or Hangul match anywhere, since those scripts do not
/// separate words (Korean particles attach to the noun: 중국과, 북한의).
///
/// A term listed for Korean ("ko") and written in Han characters only is one of the Hanja
/// abbreviations Korean headlines use (中 for China, 韓 for South Korea, 北 for North Korea, 北中):
/// it matches only where it stands as a word of Korean text, with Hangul near it ("中, 北 노동자
/// 송환 요구", "방中 앞둔 대통령"), never inside Chinese or Japanese words (中间, 北京, その中で);
/// see <see cref="StandsInKorean"/>. A Korean term in Hangul that names two
/// parties at once (한중, 북중) is two one-syllable names run together, so it starts a word:
/// 존중한, 소중한 and 강조중 do not contain 중한 or 조중.
///
/// Labels fall in classes (a topic's term groups, its exclusions, its third parties); each class
/// gets the leftmost-longest non-overlapping matches of its own terms, as if it were scanned on
/// its own.</summary>
public sealed class TermMatcher
{
    private readonly Node spaced = new();
    private readonly Node unspaced = new();
    private readonly int classes;
    private readonly int[] classOf;
    // The characters an unspaced term can start with, in either case: one lookup per character of
    // the text. (A lowest first character was kept instead, and one term starting with a Latin
    // letter, "E-1選手権", made every letter of every text walk the unspaced trie: tagging took half
    // as long again.)
    private readonly bool[] unspacedFirst = new bool[char.MaxValue + 1];
    private bool unspacedAnyFirst; // a term that starts with a separator: try everywhere
    private bool spacedStartsWithNonWord;             // a term like ".kr": try at every non-word character too

    /// <param name="lists">Term lists; a list's index is the label of its hits.</param>
    /// <param name="classOfList">The class of each list (0 .. classes-1).</param>
    public TermMatcher(IReadOnlyList<IEnumerable<ListedTerm>> lists, IReadOnlyList<int> classOfList)
    {
        classOf = [.. classOfList];
        classes = classOf.Length == 0 ? 0 : classOf.Max() + 1;
        for (var label = 0; label < lists.Count; label++)
        {
            var terms = lists[label].Select(t => (Text: t.Text.Trim(), Placement: PlacementOf(t)))
                .Where(t => t.Text.Length > 0)
                .DistinctBy(t => (t.Text.ToLowerInvariant(), t.Placement));
            foreach (var (text, placement) in terms)
                Add(text, label, placement);
        }
    }

    /// <summary>Terms listed without a language, matched everywhere.</summary>
    public TermMatcher(IReadOnlyList<IEnumerable<string>> lists, IReadOnlyList<int> classOfList)
        : this([.. lists.Select(l => l.Select(t => new ListedTerm(t)))], classOfList)
    {
    }

    private static Placement PlacementOf(ListedTerm term)
    {
        var text = term.Text.Trim();
        if (text.Length == 0 || !term.Language.Equals("ko", StringComparison.OrdinalIgnoreCase)) return Placement.Anywhere;
        if (text.All(c => Parsing.Scripts.Of(c) == Parsing.Script.Han)) return Placement.KoreanHanja;
        return term.NamesTwoParties && text.All(c => IsSyllable(c) || c == ' ') ? Placement.KoreanWordStart : Placement.Anywhere;
    }

    private enum Placement { Anywhere, KoreanHanja, KoreanWordStart }

    /// <summary>Hits of each class, in text order.</summary>
    public List<TermHit>[] Find(string text)
    {
        var found = new List<TermHit>[classes];
        for (var c = 0; c < classes; c++) found[c] = [];
        if (classes == 0) return found;
        var nextFree = new int[classes];
        var best = new Candidate[classes];
        var previousIsWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var isWord = IsWordChar(ch);
            var tryUnspaced = unspacedAnyFirst || unspacedFirst[ch];
            var trySpaced = !previousIsWord && (isWord || spacedStartsWithNonWord);
            previousIsWord = isWord;
            if (!tryUnspaced && !trySpaced) continue;

            Array.Clear(best);
            if (trySpaced) Walk(spaced, text, i, i, best);
            if (tryUnspaced) Walk(unspaced, text, i, i, best);
            for (var c = 0; c < classes; c++)
            {
                if (best[c].Length == 0 || i < nextFree[c]) continue;
                found[c].Add(new TermHit(i, best[c].Length, best[c].Label));
                nextFree[c] = i + best[c].Length;
            }
        }
        return found;
    }

    private void Walk(Node node, string text, int start, int at, Candidate[] best)
    {
        foreach (var end in node.Ends)
            Consider(end, text, start, at, best);
        if (node.Separator is { } afterSeparator)
        {
            Walk(afterSeparator, text, start, at, best);
            for (var k = 1; k <= 2 && at + k <= text.Length && IsSeparator(text[at + k - 1]); k++)
                Walk(afterSeparator, text, start, at + k, best);
        }
        if (node.OptionalApostrophe is { } afterApostrophe)
        {
            Walk(afterApostrophe, text, start, at, best);
            if (at < text.Length && text[at] is '\'' or '’') Walk(afterApostrophe, text, start, at + 1, best);
        }
        if (node.OptionalPeriod is { } afterPeriod)
        {
            Walk(afterPeriod, text, start, at, best);
            if (at < text.Length && text[at] == '.') Walk(afterPeriod, text, start, at + 1, best);
        }
        if (at < text.Length && node.Child(Lower(text[at])) is { } next)
            Walk(next, text, start, at + 1, best);
        else if (at > start && at + 1 < text.Length && IsJoiner(text[at]) && JoinsParties(text, start, at)
                 && node.Child(Lower(text[at + 1])) is { } afterJoiner)
            Walk(afterJoiner, text, start, at + 2, best);
    }

    /// <summary>Whether the joiner at <paramref name="at"/> stands between one-character names of
    /// parties, as in "한·중", "미ㆍ북ㆍ중", "日・中・韓", "王毅出席中·韩外长会晤": the character before
    /// it is one on its own (the term's first, or just after another joiner), and the character
    /// after it is CJK too. Korean, which spaces its words, lists ordinary nouns the same way
    /// ("제한·중단", "경북·중부"): there a term does not start inside a word (see also
    /// <see cref="EndsAWord"/>). Chinese and Japanese do not space words, so no such test there.</summary>
    private static bool JoinsParties(string text, int start, int at) =>
        IsCjk(text[at - 1]) && IsCjk(text[at + 1])
        && (at - 1 == start || IsJoiner(text[at - 2]))
        && !(start > 0 && IsSyllable(text[start - 1]) && IsSyllable(text[start]));

    /// <summary>After a Korean term matched across a joiner: the word ends there, or a particle
    /// follows ("한·중 관계", "한·중은", "한·중간"), also at the end of a longer list of one-syllable
    /// names ("한·중·일 정상회의"). "중·북부", "조·중·석식", "한ㆍ중식", "북·중미" go on as other words.</summary>
    private static bool EndsAWord(string text, int at)
    {
        while (at + 1 < text.Length && IsJoiner(text[at]) && IsCjk(text[at + 1])) at += 2;
        return at >= text.Length || !IsSyllable(text[at]) || Particles.Contains(text[at]);
    }

    /// <summary>Whether a Hanja abbreviation at [start, end) stands as a word of Korean text:
    /// Hangul is near it on its line with no Kana between, and what touches it is not part of a
    /// Chinese or Japanese word. Before it may stand the start of a clause, a prefix (방中, 대北,
    /// 친中, 訪中, 對中) or another country's abbreviation across a joiner (美·中, 韓·中·日; not
    /// 初·中·高); after it a particle, a space or punctuation, not another Han character (中企,
    /// 北海道). 中 after a noun means "during" (촬영 中, 회의 中), so after a word it must follow a
    /// particle or an ending (대만 문제에 中 반발).</summary>
    private static bool StandsInKorean(string text, int start, int end)
    {
        // What touches it first: in Chinese and Japanese text, where 中 and 北 are everywhere,
        // that rules nearly every one out without the look around for Hangul.
        if (start > 0)
        {
            var before = text[start - 1];
            if (IsJoiner(before))
            {
                if (start >= 2 && IsHanOrKana(text[start - 2]) && !CountryHanja.Contains(text[start - 2])) return false;
            }
            else if (IsHanOrKana(before))
            {
                if (!HanjaPrefixes.Contains(before) || start >= 2 && IsHanOrKana(text[start - 2])) return false;
            }
            else if (IsSyllable(before))
            {
                if (!HangulPrefixes.Contains(before) || start >= 2 && IsSyllable(text[start - 2])) return false;
            }
            else if (char.IsWhiteSpace(before) && end - start == 1 && text[start] == '中')
            {
                var word = start - 1;
                while (word > 0 && char.IsWhiteSpace(text[word])) word--;
                if (IsSyllable(text[word]) && !Endings.Contains(text[word])) return false;
            }
        }
        if (end < text.Length)
        {
            var after = text[end];
            if (IsHanOrKana(after)) return false;
            if (IsJoiner(after) && end + 1 < text.Length && IsHanOrKana(text[end + 1]) && !CountryHanja.Contains(text[end + 1])) return false;
        }
        return HangulNear(text, start, end);
    }

    /// <summary>Whether a Hangul syllable is within <see cref="Nearby"/> characters of [start, end)
    /// on the same line, with no Kana between.</summary>
    private static bool HangulNear(string text, int start, int end)
    {
        var hangul = false;
        for (var i = start - 1; i >= 0 && i >= start - Nearby && text[i] is not ('\n' or '\r'); i--)
        {
            if (Parsing.Scripts.Of(text[i]) == Parsing.Script.Kana) return false;
            hangul |= IsSyllable(text[i]);
        }
        for (var i = end; i < text.Length && i < end + Nearby && text[i] is not ('\n' or '\r'); i++)
        {
            if (Parsing.Scripts.Of(text[i]) == Parsing.Script.Kana) return false;
            hangul |= IsSyllable(text[i]);
        }
        return hangul;
    }

    /// <summary>How far, in characters, Hangul counts as near a Hanja abbreviation ("中 BYD, 韓 상륙").</summary>
    private const int Nearby = 20;

    /// <summary>Countries as Korean headlines abbreviate them, in lists joined by a middle dot.</summary>
    private const string CountryHanja = "韓中日美北南露英佛獨印臺台越朝";

    /// <summary>Visit, toward, pro-, anti-, away from, hatred of: 訪中, 對北, 親中, 反中, 脫中, 嫌中.</summary>
    private const string HanjaPrefixes = "訪對親反脫嫌";

    /// <summary>The same prefixes in Hangul, as headlines write them: 방中, 대北, 친中, 반中, 탈中, 혐中.</summary>
    private const string HangulPrefixes = "방대친반탈혐";

    /// <summary>Particles and endings a word before a clause's subject ends in.
    /// Not 은, 는, 을 or 던, which also end a verb before a noun ("진행되는 中": during).</summary>
    private const string Endings = "이가과와도에서고며면게로를만나지니";

    /// <summary>Whether a Korean term naming two parties starts a word: 소중한 does not contain 중한.</summary>
    private static bool StartsAWord(string text, int start) => start == 0 || !IsSyllable(text[start - 1]);

    private static bool IsHanOrKana(char c) => Parsing.Scripts.Of(c) is Parsing.Script.Han or Parsing.Script.Kana;

    private const string Particles = "은는이가의과와간을를도에만로께";

    private static readonly System.Buffers.SearchValues<char> Joiners = System.Buffers.SearchValues.Create("·ㆍ・･‧∙⋅-‐‑");

    private static bool IsSyllable(char c) => c is >= '\uAC00' and <= '\uD7A3';

    /// <summary>A middle dot or hyphen between two Han, Kana or Hangul characters joins the names
    /// of the parties it stands between: Korean headlines write "한·중 정상회담", "북ㆍ중", "한-중 FTA"
    /// as often as "한중", Japanese "日・中・韓", Chinese "中·韩". The term "한중" matches them all.</summary>
    private static bool IsJoiner(char c) => c is '·' or 'ㆍ' or '・' or '･' or '‧' or '∙' or '⋅' or '-' or '‐' or '‑';

    private static bool IsCjk(char c) => Parsing.Scripts.IsCjk(Parsing.Scripts.Of(c));

    private void Consider(TermEnd end, string text, int start, int at, Candidate[] best)
    {
        if (end.Placement == Placement.KoreanHanja && !StandsInKorean(text, start, at)
            || end.Placement == Placement.KoreanWordStart && !StartsAWord(text, start))
            return;
        if (end.Prefix)
            while (at < text.Length && (char.IsLetter(text[at]) || char.GetUnicodeCategory(text[at]) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
                at++;
        else if (end.WholeWord && at < text.Length && IsWordChar(text[at]))
            return;
        else if (at > start && IsSyllable(text[at - 1]) && text.AsSpan(start, at - start).ContainsAny(Joiners) && !EndsAWord(text, at))
            return;
        var length = at - start;
        if (length == 0) return;
        ref var current = ref best[classOf[end.Label]];
        // Longest match wins; between equal matches, the longer term as written, then the earlier list.
        if (length > current.Length
            || length == current.Length && (end.TermLength > current.TermLength || end.TermLength == current.TermLength && end.Label < current.Label))
            current = new Candidate(length, end.Label, end.TermLength);
    }

    private void Add(string term, int label, Placement placement)
    {
        var prefix = term.EndsWith('*');
        var core = prefix ? term[..^1] : term;
        if (core.Length == 0) return;
        var cjk = core.Any(c => Parsing.Scripts.IsCjk(Parsing.Scripts.Of(c)));
        var node = cjk ? unspaced : spaced;
        var first = core[0];
        if (cjk)
        {
            if (first is ' ' or '-' or '\'' or '’' or '.') unspacedAnyFirst = true;
            unspacedFirst[first] = unspacedFirst[char.ToLowerInvariant(first)] = unspacedFirst[char.ToUpperInvariant(first)] = true;
        }
        else if (!IsWordChar(first))
            spacedStartsWithNonWord = true;
        foreach (var c in core)
            node = c switch
            {
                ' ' or '-' => node.Separator ??= new Node(),
                '\'' or '’' => node.OptionalApostrophe ??= new Node(),
                '.' => node.OptionalPeriod ??= new Node(),
                _ => node.AddChild(char.ToLowerInvariant(c)),
            };
        var last = core[^1];
        node.Ends.Add(new TermEnd(label, prefix, WholeWord: !cjk && (char.IsLetterOrDigit(last) || last == '.'), term.Length, placement));
    }

    /// <summary>char.ToLowerInvariant, without its call for the ASCII most text is.</summary>
    private static char Lower(char c) => c < 128 ? (c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c) : char.ToLowerInvariant(c);

    private static bool IsWordChar(char c) => char.IsLetter(c) || char.IsNumber(c);

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is '-' or '‐' or '‑';

    /// <summary>A trie node. Its children are looked up at every word start of every text tagged:
    /// with a dictionary per node that lookup was the largest single cost of tagging. Most nodes
    /// have one child or a few, found by a scan of their letters; a node with many (the roots:
    /// every first letter of hundreds of terms) also indexes the ASCII ones directly.</summary>
    private sealed class Node
    {
        private char[] _letters = [];
        private Node[] _children = [];
        private Node?[]? _ascii;
        private Dictionary<char, Node>? _wide;
        public Node? Separator;
        public Node? OptionalApostrophe;
        public Node? OptionalPeriod;
        public readonly List<TermEnd> Ends = [];

        public Node? Child(char c)
        {
            if (_ascii is not null) return c < 128 ? _ascii[c] : _wide!.GetValueOrDefault(c);
            var at = Array.IndexOf(_letters, c);
            return at >= 0 ? _children[at] : null;
        }

        public Node AddChild(char c)
        {
            if (Child(c) is { } existing) return existing;
            var child = new Node();
            _letters = [.. _letters, c];
            _children = [.. _children, child];
            if (_letters.Length == ScanAtMost)
            {
                (_ascii, _wide) = (new Node?[128], []);
                for (var i = 0; i < _letters.Length; i++) Index(_letters[i], _children[i]);
            }
            else if (_ascii is not null) Index(c, child);
            return child;
        }

        private const int ScanAtMost = 8;

        private void Index(char c, Node child)
        {
            if (c < 128) _ascii![c] = child;
            else _wide![c] = child;
        }
    }

    private sealed record TermEnd(int Label, bool Prefix, bool WholeWord, int TermLength, Placement Placement);

    private record struct Candidate(int Length, int Label, int TermLength);
}
