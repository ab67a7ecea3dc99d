namespace Aggregator.Processing.Tagging;

/// <summary>Decides topics by salience, not bare co-occurrence: each side of a topic needs weighted
/// evidence (a title match weighs more), and the sides must be named together in the title or
/// in at least one paragraph. Matches inside excluded phrases are not evidence.</summary>
public static class Tagger
{
    public static IReadOnlyList<TagDecision> Tag(IReadOnlyList<CompiledTopic> topics, string title, string body)
    {
        var tags = new List<TagDecision>();
        foreach (var topic in topics)
        {
            var found = Scan(topic, title, body);
            // Most documents name no side at all: they need no sentence split and no reason text.
            if (topic.Rule.MinSideScore > 0 && !EverySideNamed(topic, found.Sides)) continue;
            tags.AddRange(Judge(topic, found, title, body).Tags);
        }
        return tags;
    }

    public static TopicVerdict Judge(CompiledTopic topic, string title, string body) =>
        Judge(topic, Scan(topic, title, body), title, body);

    /// <remarks>Loops, not LINQ: this runs for every document and topic, and its closures and
    /// iterators (with Scan's) were half of what tagging a cold cycle allocated.</remarks>
    private static bool EverySideNamed(CompiledTopic topic, List<TermMatch> matches)
    {
        foreach (var side in topic.Rule.Sides)
        {
            var named = false;
            foreach (var m in matches)
                if (m.Field != Dateline && topic.GroupsByName[m.Group].Sides.Contains(side)) { named = true; break; }
            if (!named) return false;
        }
        return true;
    }

    /// <summary>The field of a match in the wire dateline that opens a body ("(서울=연합뉴스)",
    /// "BEIJING (Reuters) -"): where the reporter files from, not what the story is about. It
    /// counts only towards which sub-tag a tagged story gets (a Seoul dateline leans to the
    /// South). Documents lose their dateline when they are read.</summary>
    public const string Dateline = "dateline";

    private static TopicVerdict Judge(CompiledTopic topic, Found found, string title, string body)
    {
        var rule = topic.Rule;
        var matches = found.Sides;
        var others = found.Others;
        var groups = topic.GroupsByName;

        double Weight(TermMatch m) => m.Field == "title" ? rule.TitleWeight : 1;
        var sideScores = rule.Sides.ToDictionary(s => s,
            s => matches.Where(m => m.Field != Dateline && groups[m.Group].Sides.Contains(s)).Sum(Weight));
        var sentences = Sentences.Split(body);
        // A score is a game's, in any language, as a sport's words are.
        var asides = WithScores(found, title, body);
        // A headline on another subject (a match report's) joins nothing and puts the story on it.
        var onOtherSubject = InField(asides, "title").Length > 0;
        var jointTitle = !onOtherSubject && Joint(rule, groups, InField(matches, "title"), InField(others, "title"));
        // Each sentence judged on its own matches, found by a sweep over both in text order: a
        // scan of every match per sentence made a 2.5 MB document take 25 s.
        var (bodySides, bodyOthers, bodyAsides) = (InField(matches, "body"), InField(others, "body"), InField(asides, "body"));
        var jointBody = 0;
        (int Start, int End)? firstJoint = null;
        var (a, b, c) = (0, 0, 0);
        var sentencesNaming = new int[rule.Sides.Count]; // per side, the body sentences that name it
        var chrome = new ChromeLines(body);
        foreach (var sentence in sentences)
        {
            while (a < bodySides.Length && bodySides[a].Offset < sentence.Start) a++;
            while (b < bodyOthers.Length && bodyOthers[b].Offset < sentence.Start) b++;
            while (c < bodyAsides.Length && bodyAsides[c].Offset < sentence.Start) c++;
            var (aEnd, bEnd) = (a, b);
            while (aEnd < bodySides.Length && bodySides[aEnd].Offset < sentence.End) aEnd++;
            while (bEnd < bodyOthers.Length && bodyOthers[bEnd].Offset < sentence.End) bEnd++;
            var elsewhere = c < bodyAsides.Length && bodyAsides[c].Offset < sentence.End; // a game, not a relation
            // Under a headline on another subject, a sentence that names a third country besides
            // the sides is a ranking: a podium, a medal table ("won ahead of the South Korean and
            // the Canadian", "China second and Japan third").
            var ranking = onOtherSubject && bEnd > b;
            var joined = !elsewhere && !ranking && Joint(rule, groups, bodySides.AsSpan(a, aEnd - a), bodyOthers.AsSpan(b, bEnd - b));
            // Page furniture ("Most read: 1. China and South Korea agree…", "Trending: … · …") is
            // other stories' headlines: it names and joins nothing of this one. Only a sentence
            // that would join is worth asking about.
            if (joined && chrome.Of(sentence.Start)) { (a, b) = (aEnd, bEnd); continue; }
            for (var s = 0; s < rule.Sides.Count; s++)
                foreach (var m in bodySides.AsSpan(a, aEnd - a))
                    if (groups[m.Group].Sides.Contains(rule.Sides[s])) { sentencesNaming[s]++; break; }
            if (joined)
            {
                jointBody++;
                firstJoint ??= sentence;
            }
            (a, b) = (aEnd, bEnd);
        }
        // Under a headline on another subject, one sentence naming both sides (a match report's
        // next fixtures) is not enough to make a relation.
        var joint = jointBody >= rule.MinJointSentences + (onOtherSubject ? 1 : 0) || (jointTitle && sentences.Count <= rule.ShortBodySentences);
        var score = sideScores.Values.DefaultIfEmpty(0).Min();
        // A lead that joins the sides states the story's subject ("South Korea and China agreed on
        // Thursday to…"), and what follows may say "the two sides": it needs no second mention.
        var leadJoins = firstJoint is { } joins && sentences.Count > 0 && joins == sentences[0];
        var inPassing = sentences.Count > rule.ShortBodySentences && !leadJoins
            ? rule.Sides.Where((_, s) => sentencesNaming[s] < rule.MinBodySentences).FirstOrDefault()
            : null;
        var tagged = score >= rule.MinSideScore && joint && inPassing is null;
        // What a reader needs to check the tag: the words each side was named by, and where the
        // sides meet (a sentence quoted), not only the counts.
        var reason = string.Join(", ", sideScores.Select(kv => $"{kv.Key} {kv.Value:0.#}{Named(matches, m => groups[m.Group].Sides.Contains(kv.Key))}"))
            + (sentences.Count == 0 ? jointTitle ? "; named together in the title (no body)" : "; no body"
                : $"; named together in {jointBody} of {sentences.Count} body sentence(s)" + (jointTitle ? " and the title" : ""))
            + (firstJoint is { } first ? $", first: {Quote(body, (Math.Max(first.Start, found.DatelineEnd), first.End))}" : "")
            + (others.Count > 0 ? $"; {others.Count} third-party mention(s)" : "")
            + (asides.Count > 0 ? $"; another subject{Named(asides, _ => true)}" : "")
            + (tagged ? "" : score < rule.MinSideScore ? $"; a side is below {rule.MinSideScore}"
                : !joint ? onOtherSubject && jointBody > 0 ? "; the headline is on another subject and one sentence does not make a relation"
                    : jointTitle ? $"; only the title joins them in a {sentences.Count}-sentence body" : "; never named together"
                : $"; {inPassing} is named in fewer than {rule.MinBodySentences} of {sentences.Count} body sentences: in passing");
        if (!tagged)
            return new TopicVerdict(rule.Tag, false, score, reason, [], matches);

        var tags = new List<TagDecision> { new(rule.Tag, score, reason, matches) };
        foreach (var subtag in rule.Subtags)
        {
            var own = matches.Where(m => groups[m.Group].Subtag == subtag).ToList();
            var side = rule.SubtagSide ?? rule.Sides[^1];
            var sideWeight = matches.Where(m => groups[m.Group].Subtag is not null && groups[m.Group].Sides.Contains(side)).Sum(Weight);
            var share = sideWeight == 0 ? 0 : own.Sum(Weight) / sideWeight;
            if (share >= rule.SubtagMinShare)
                tags.Add(new(subtag, Math.Round(share, 3), $"{share:P0} of the specific {side} evidence{Named(own, _ => true)}", own));
        }
        return new TopicVerdict(rule.Tag, true, score, reason, tags, matches);
    }

    /// <summary>Whether the line holding a position is page furniture, as a scraped page's reader
    /// tells it (Parsing/Documents/LineClassifier): furniture itself, or a headline in the list
    /// under a heading ("Most read", "MEHR ZUM THEMA", "Tin liên quan:"), blank lines between
    /// them allowed. Each line is asked once.</summary>
    private sealed class ChromeLines(string body)
    {
        /// <summary>How far above a line its list's heading is looked for.</summary>
        private const int ListLines = 40;

        private Dictionary<int, bool>? _lines; // made when first asked: most documents have no joining sentence

        public bool Of(int position)
        {
            var start = LineStart(position);
            _lines ??= [];
            if (_lines.TryGetValue(start, out var known)) return known;
            var line = Line(start);
            return _lines[start] = Parsing.Documents.LineClassifier.IsFurniture(line) || Parsing.Documents.LineClassifier.IsListedHeadline(line) && UnderListHeading(start);
        }

        private bool UnderListHeading(int start)
        {
            for (var n = 0; n < ListLines && start > 0; n++)
            {
                start = LineStart(start - 1);
                var line = Line(start);
                if (line.IsEmpty) continue;
                if (Parsing.Documents.LineClassifier.IsListHeading(line)) return true;
                if (!Parsing.Documents.LineClassifier.IsListedHeadline(line)) return false;
            }
            return false;
        }

        private int LineStart(int position) => position == 0 ? 0 : body.LastIndexOf('\n', position - 1) + 1;

        private ReadOnlySpan<char> Line(int start)
        {
            var end = body.IndexOf('\n', start);
            return body.AsSpan(start, (end < 0 ? body.Length : end) - start).Trim();
        }
    }

    /// <param name="DatelineEnd">Where the body's wire dateline ends (0: none).</param>
    private sealed record Found(List<TermMatch> Sides, List<TermMatch> Others, List<TermMatch> OtherSubjects, int DatelineEnd);

    private const int NamedTerms = 4, QuoteLength = 200;

    /// <summary>" (Xi Jinping, Beijing, +2 more)": the distinct words a side was named by, in
    /// the order Scan found them (the title's first, then the body's); nothing when there are none.</summary>
    /// <remarks>Loops, not LINQ: every tagged item of a cycle gets its reason.</remarks>
    private static string Named(List<TermMatch> matches, Func<TermMatch, bool> counts)
    {
        var terms = new List<string>();
        foreach (var m in matches)
        {
            if (m.Field == Dateline || !counts(m)) continue;
            var seen = false;
            foreach (var t in terms)
                if (string.Equals(t, m.Term, StringComparison.OrdinalIgnoreCase)) { seen = true; break; }
            if (!seen) terms.Add(m.Term);
        }
        if (terms.Count == 0) return "";
        var shown = string.Join(", ", terms.Count > NamedTerms ? terms.GetRange(0, NamedTerms) : terms);
        return terms.Count > NamedTerms ? $" ({shown}, +{terms.Count - NamedTerms} more)" : $" ({shown})";
    }

    /// <summary>A sentence of the body in quotation marks, on one line (runs of white space as one
    /// space), cut to a readable length.</summary>
    private static string Quote(string body, (int Start, int End) sentence)
    {
        var text = new System.Text.StringBuilder(Math.Min(sentence.End - sentence.Start, QuoteLength) + 3).Append('“');
        var (space, lastSpace) = (false, 0);
        for (var i = sentence.Start; i < sentence.End; i++)
        {
            var c = body[i];
            if (char.IsWhiteSpace(c)) { space = text.Length > 1; continue; }
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') continue; // an override cut off here would turn what follows the quote
            if (text.Length > QuoteLength && !char.IsLowSurrogate(c)) // never half a character
            {
                // Cut at the last space when there is one near (spaced scripts), not inside a word.
                if (!space && lastSpace > QuoteLength - 40) text.Length = lastSpace;
                text.Append('…');
                space = false;
                break;
            }
            if (space) { lastSpace = text.Length; text.Append(' '); }
            text.Append(c);
            space = false;
        }
        return text.Append('”').ToString();
    }

    private static Found Scan(CompiledTopic topic, string title, string body)
    {
        var (sides, others, asides) = (new List<TermMatch>(), new List<TermMatch>(), new List<TermMatch>());
        var dateline = DatelineLength(body);
        Scan(topic, "title", title, 0, sides, others, asides);
        Scan(topic, "body", body, dateline, sides, others, asides);
        return new Found(sides, others, asides, dateline);
    }

    /// <summary>How long the wire dateline a feed entry's body opens with is (see <see cref="Dateline"/>).</summary>
    private static int DatelineLength(string body) => Parsing.Documents.Datelines.WireLength(body);

    /// <summary>Side matches outside excluded phrases, third-party mentions outside side matches,
    /// and words of other subjects; those before <paramref name="from"/> (a dateline) are the dateline's.</summary>
    private static void Scan(CompiledTopic topic, string field, string text, int from, List<TermMatch> sides, List<TermMatch> others, List<TermMatch> asides)
    {
        var hits = topic.Matcher.Find(text);
        var excluded = hits[CompiledTopic.ExcludeClass];
        var first = sides.Count;
        foreach (var h in hits[CompiledTopic.GroupClass])
            if (!Within(h, excluded))
                sides.Add(new TermMatch(text.Substring(h.Start, h.Length), topic.Rule.Groups[h.Label].Name, h.Start < from ? Dateline : field, h.Start));
        foreach (var h in hits[CompiledTopic.ThirdPartyClass])
            if (h.Start >= from && !Overlaps(h, sides, first))
                others.Add(new TermMatch(text.Substring(h.Start, h.Length), "third-party", field, h.Start));
        foreach (var h in hits[CompiledTopic.OtherSubjectClass])
            if (h.Start >= from)
                asides.Add(new TermMatch(text.Substring(h.Start, h.Length), "other-subject", field, h.Start));
    }

    /// <summary>Words of other subjects with the game scores of title and body among them, each
    /// field in text order for Judge's sweep. Looked for only in documents that name every side.</summary>
    private static List<TermMatch> WithScores(Found found, string title, string body)
    {
        var (titleScores, bodyScores) = (Scores.Find(title, 0), Scores.Find(body, found.DatelineEnd));
        if (titleScores.Count == 0 && bodyScores.Count == 0) return found.OtherSubjects;
        var asides = new List<TermMatch>(found.OtherSubjects);
        foreach (var (start, length) in titleScores) asides.Add(new TermMatch(title.Substring(start, length), "other-subject", "title", start));
        foreach (var (start, length) in bodyScores) asides.Add(new TermMatch(body.Substring(start, length), "other-subject", "body", start));
        asides.Sort((x, y) => x.Field == y.Field ? x.Offset.CompareTo(y.Offset) : x.Field == "title" ? -1 : 1);
        return asides;
    }

    /// <summary>Whether a hit lies inside an excluded phrase. The matcher finds each class's hits
    /// in text order without overlaps, so only the last phrase starting at or before the hit can
    /// hold it: a binary search, not a scan per hit (a long document has thousands of each).</summary>
    private static bool Within(TermHit h, List<TermHit> excluded)
    {
        var (lo, hi) = (0, excluded.Count - 1);
        var candidate = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (excluded[mid].Start <= h.Start) { candidate = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return candidate >= 0 && h.Start + h.Length <= excluded[candidate].Start + excluded[candidate].Length;
    }

    /// <summary>Whether a hit overlaps a side match of this field (those from <paramref name="first"/>
    /// on, in text order without overlaps): only the last one starting before the hit ends can.</summary>
    private static bool Overlaps(TermHit h, List<TermMatch> sides, int first)
    {
        var (lo, hi) = (first, sides.Count - 1);
        var candidate = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sides[mid].Offset < h.Start + h.Length) { candidate = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return candidate >= 0 && h.Start < sides[candidate].Offset + sides[candidate].Term.Length;
    }

    /// <summary>A field's matches, in text order as Scan found them (the matcher walks the text left to right).</summary>
    private static TermMatch[] InField(List<TermMatch> matches, string field)
    {
        var list = new List<TermMatch>();
        foreach (var m in matches)
            if (m.Field == field) list.Add(m);
        return [.. list];
    }

    /// <summary>All sides named among one stretch's matches (the title, a sentence), and more
    /// often than third parties.</summary>
    private static bool Joint(TopicRule rule, IReadOnlyDictionary<string, TermGroup> groups, ReadOnlySpan<TermMatch> matches, ReadOnlySpan<TermMatch> others)
    {
        // Called for every sentence of a document that names every side: loops, not LINQ.
        foreach (var side in rule.Sides)
        {
            var named = false;
            foreach (var m in matches)
                if (groups[m.Group].Sides.Contains(side)) { named = true; break; }
            if (!named) return false;
        }
        var sideMentions = 0;
        foreach (var m in matches)
            sideMentions += groups[m.Group].Sides.Count;
        return sideMentions > others.Length;
    }
}
