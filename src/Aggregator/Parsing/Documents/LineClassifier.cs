using System.Text.RegularExpressions;

namespace Aggregator.Parsing.Documents;

/// <summary>Recognizes the furniture of saved news pages line by line, by the general shapes
/// it takes on any site: navigation trails, labelled source and date lines, bylines, photo
/// captions and credits, sharing widgets, copyright notices.</summary>
public static partial class LineClassifier
{
    public static LineKind Classify(string line, Script documentScript)
    {
        var words = Scripts.WordLength(line);
        if (line.Length == 0) return LineKind.Blank;
        // "2026.11.20 14:00" on a line of its own is the article's date, not a stray number.
        if (IsNumberOnly(line)) return IsDateLine(line) ? LineKind.DateStamp : LineKind.Number;
        if (Copyright().IsMatch(line)) return LineKind.Copyright;
        if (SourceLabel().IsMatch(line)) return LineKind.SourceLine;
        if (words <= 12 && (Navigation().IsMatch(line) || SectionTrail().IsMatch(line))) return LineKind.Navigation;
        if (IsListHeading(line)) return LineKind.ListHeading;
        if (words <= 8 && ChromeShort().IsMatch(line)) return LineKind.Chrome;
        if (ChromeAny().IsMatch(line)) return LineKind.Chrome;
        if (words <= 30 && Promotion().IsMatch(line)) return LineKind.Chrome;
        if (IsCaption(line)) return LineKind.Caption;
        if (words <= 6 && Byline().IsMatch(line)) return LineKind.Byline;
        if (words <= 5 && StandaloneDateline().IsMatch(line)) return LineKind.Dateline;
        if (IsDateLine(line)) return LineKind.DateStamp;
        var script = Scripts.Dominant(line);
        if (script != Script.Other && documentScript != Script.Other && Family(script) != Family(documentScript))
            return LineKind.ForeignScript;
        return LineKind.Text;
    }

    /// <summary>Whether a line is page furniture: navigation, a section trail, a list heading
    /// ("Most read: 1. …"), sharing and sign-up chrome, a copyright line. The tests Classify makes
    /// for those kinds, without the others (dates, captions, bylines): the tagger asks this of
    /// every sentence that would join a topic's sides, so a paragraph of prose (over 30 words)
    /// meets only the patterns anchored at its start.</summary>
    public static bool IsFurniture(ReadOnlySpan<char> line)
    {
        var words = Scripts.WordLength(line);
        return ChromeAny().IsMatch(line)
            || words <= 30 && Copyright().IsMatch(line)
            || words <= 12 && (Navigation().IsMatch(line) || SectionTrail().IsMatch(line))
            || IsListHeading(line)
            || words <= 8 && ChromeShort().IsMatch(line)
            || words <= 30 && Promotion().IsMatch(line);
    }

    /// <summary>Whether a line is a list heading: "Related articles", "Most read", "관련 뉴스",
    /// "Tin liên quan:". The lines under it are other stories' headlines (IsListedHeadline).</summary>
    public static bool IsListHeading(ReadOnlySpan<char> line) => Scripts.WordLength(line) <= 6 && ListHeading().IsMatch(line);

    /// <summary>Whether a line under a list heading is one of the list's headlines: a headline is
    /// short and ends no statement with a full stop (it may end in a question or a quotation).</summary>
    public static bool IsListedHeadline(ReadOnlySpan<char> line)
    {
        var bare = line.TrimEnd("\"”’'」』)）");
        return Scripts.WordLength(line) <= 16 && (bare.IsEmpty || bare[^1] is not ('.' or '。' or '!' or '！' or '…'));
    }

    /// <summary>A short line whose point is a date: "9 september 2025", "date 2021-07-11 Newsletter
    /// Signup", "Published: 2025-09-05 14:30 KST". A long sentence that mentions a date is text.</summary>
    public static bool IsDateLine(string line)
    {
        var (date, rest) = DateText.FindWithRest(line);
        // Clock times and numbers left beside the date are not words.
        return date is not null && Scripts.WordLength(Digits().Replace(rest, " ")) <= 6;
    }

    /// <summary>Digits and punctuation alone: "8013945", "2026.11.20 14:00".</summary>
    public static bool IsNumberOnly(string line) => NumberOnly().IsMatch(line);

    public static string? BylineName(string line)
    {
        var m = Byline().Match(line);
        if (!m.Success) return null;
        var name = (m.Groups["name"].Success ? m.Groups["name"] : m.Groups["kname"]).Value.Trim();
        return name.Length == 0 ? null : TitleCaseIfShouting(name);
    }

    public static string? SourceName(string line)
    {
        var m = SourceLabel().Match(line);
        if (!m.Success) return null;
        var name = m.Groups["name"].Value.Trim(' ', '|', '-', '·');
        return name.Length is > 0 and <= 60 ? name : null;
    }

    public static string? CopyrightHolder(string line)
    {
        var m = CopyrightHolderPattern().Match(line);
        return m.Success ? m.Groups["name"].Value.Trim() : null;
    }

    private static bool IsCaption(string line) =>
        CaptionStart().IsMatch(line) || CaptionMarker().IsMatch(line) || CreditEnd().IsMatch(line);

    /// <summary>Scripts that share a page without being "foreign": Japanese mixes Han and Kana.</summary>
    private static int Family(Script s) => s switch
    {
        Script.Han or Script.Kana => 1,
        _ => (int)s + 10,
    };

    /// <summary>AP and others print bylines in capitals; readers expect "Hyung-Jin Kim".</summary>
    private static string TitleCaseIfShouting(string name) =>
        name.Any(char.IsLower) || !name.Any(char.IsLetter)
            ? name
            : System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(name.ToLowerInvariant());

    [GeneratedRegex(@"[\d.:]+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^[\d\s.,:;/#*_+()\-–—]+$")]
    private static partial Regex NumberOnly();

    [GeneratedRegex(@"^\s*(©|\(c\)\s|copyright\b)|all rights reserved|版权所有|版權所有|무단\s*전재|無断転載|alla rättigheter förbehållna|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados", RegexOptions.IgnoreCase)]
    private static partial Regex Copyright();

    [GeneratedRegex(@"^(?:©|\(c\)|copyright)(?:\s*(?:©|copyright))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?<name>[^.|©]{2,60}?)\s*(?:\.|,|\||$)", RegexOptions.IgnoreCase)]
    private static partial Regex CopyrightHolderPattern();

    [GeneratedRegex(@"^(?:source|källa|quelle|fuente|bron|источник|nguồn|来源|來源|出处|출처|出典)\s*[:：]\s*(?<name>[^|｜]*)", RegexOptions.IgnoreCase)]
    private static partial Regex SourceLabel();

    [GeneratedRegex(@"(\s(>|›|»)\s*\S|\s(>|›|»)\s*$|^(home|首页|首頁|홈|главная|startseite|accueil|inicio|hem|trang chủ)\s*(>|›|»|\||/))", RegexOptions.IgnoreCase)]
    private static partial Regex Navigation();

    /// <summary>"World | Asia | Korea": three or more short section names.</summary>
    [GeneratedRegex(@"^[\p{L}&' ]{1,25}(\s[|/]\s[\p{L}&' ]{1,25}){2,}$")]
    private static partial Regex SectionTrail();

    [GeneratedRegex(@"^(skip to|updated$|menu$|search$|close$|share|share this|share on|tweet|print|email|e-mail|facebook|twitter|whatsapp|telegram|linkedin|comments?|listen|save|follow( us)?|advertisement|sponsored|newsletter|subscribe|sign ?up|sign in|log ?in|register|dela|teilen|partager|compartir|delen|поделиться|공유|分享|シェア|广告|광고)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ChromeShort();

    [GeneratedRegex(@"^(read more|related|see also|also read|more on this|recommended|most read|trending|läs mer|lesen sie auch|lire aussi|lea también|lees ook|читайте также|xem thêm|相关阅读|相關閱讀|延伸阅读|관련\s*기사|関連記事|责任编辑|責任編輯|编辑|編輯|撮影)(\s*[:：>»|]|\s*$)", RegexOptions.IgnoreCase)]
    private static partial Regex ChromeAny();

    /// <summary>The heading of a list of other stories' headlines: "Related articles", "More from
    /// World", "Most read", "관련 뉴스", "相关新闻", "関連ニュース".</summary>
    [GeneratedRegex(@"^(related( (articles?|stories|news|coverage|content|links|topics))?|more (from|on|in)\b[^.!?。]{1,30}|more (stories|news|articles)|most (read|popular|viewed|shared)|you (may|might) (also )?(like|be interested in)|recommended( for you| stories| articles)?|read next|what to read next|top stories|latest (news|stories)|trending( now| stories)?|editors?'?s? picks|see also|also read|read (more|also)|läs också|läs mer|mest lästa?|relaterat|relaterade artiklar|mehr zum thema|lesen sie auch|meistgelesen|meist gelesen|das könnte sie auch interessieren|(à )?lire aussi|les plus lus|sur le même sujet|noticias relacionadas|lea también|más leídas|lo más leído|te puede interesar|meest gelezen|lees ook|gerelateerd|читайте также|смотрите также|самое читаемое|популярное|по теме|tin liên quan|xem thêm|đọc nhiều|xem nhiều|tin cùng chuyên mục|관련\s*(뉴스|기사)|많이\s*본\s*(뉴스|기사)|주요\s*뉴스|인기\s*기사|추천\s*기사|실시간\s*인기\s*(뉴스|기사)?|相关(新闻|文章|报道)|相關(新聞|文章|報導)|热门(新闻|文章)|熱門(新聞|文章)|推荐阅读|推薦閱讀|相关阅读|相關閱讀|延伸阅读|延伸閱讀|猜你喜欢|关联阅读|热点新闻|熱點新聞|排行榜|热门排行|熱門排行|点击排行|點擊排行|24小时热(文|点)|24小時熱(文|點)|関連(ニュース|リンク)|アクセスランキング|ランキング|おすすめ記事|人気記事|関連記事|あわせて読みたい)\s*[:：>»|]?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ListHeading();

    /// <summary>A sentence selling the site's newsletter or app, at any point of the page.</summary>
    [GeneratedRegex(@"^(sign up|subscribe|register|join|get)\b.{0,120}\b(newsletters?|in your inbox|email alerts|e-mail alerts|our app)\b|^(prenumerera|anmäl dig)\b.{0,120}\bnyhetsbrev|뉴스레터\s*(구독|신청)|订阅.{0,20}(新闻|简报)|メルマガ(登録|購読)", RegexOptions.IgnoreCase)]
    private static partial Regex Promotion();

    [GeneratedRegex(@"^(in this|this)\b.{0,120}\b(photo|image|picture|file photo|handout)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CaptionStart();

    [GeneratedRegex(@"(\b(photo|photograph|image|picture|credit)\s*:|\bphoto by\b|\bfile photo\b|\(photo\b|^\[?(photo|사진|图|圖|写真)\]?\s*[:=]|사진\s*=|\bfoto\s*:|/\s*(AFP|AP|EPA|Reuters|Getty Images|Yonhap|Xinhua|Kyodo|KCNA|Bloomberg)\s*$)", RegexOptions.IgnoreCase)]
    private static partial Regex CaptionMarker();

    /// <summary>A line ending in a photo credit: "(Korean Central News Agency/Korea News Service via AP, File)".</summary>
    [GeneratedRegex(@"\((?:[^()]*\bvia\s+\p{Lu}[^()]*|[^()]*,\s*file|[^()]*\bphoto[^()]*)\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CreditEnd();

    [GeneratedRegex(@"^(?i:by|av|von|par|por|door|di|автор[:：]?|reporter[:：]|记者|記者)\s+(?<name>[\p{Lu}\p{Lo}][\p{L}\p{M}.'’ -]+?)(?:\s*[,|/].*)?$|^(?<kname>[\p{Lo}]{2,4})\s*(?:기자|特派員|记者|記者)\s*$")]
    private static partial Regex Byline();

    /// <summary>"SEOUL, South Korea" or "BEIJING" on a line of its own.</summary>
    [GeneratedRegex(@"^\p{Lu}[\p{Lu} .'-]{2,}(,\s*\p{Lu}[\p{L} .]+)?$")]
    private static partial Regex StandaloneDateline();
}
