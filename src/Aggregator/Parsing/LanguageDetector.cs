using System.Globalization;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>ISO 639-1 language of a document. The script decides CJK and Cyrillic; Latin-script
/// languages are told apart by their commonest function words, which is reliable on anything
/// longer than a headline and explainable when it is not.</summary>
public static partial class LanguageDetector
{
    private static readonly Dictionary<string, HashSet<string>> FunctionWords = new()
    {
        ["en"] = Set("the of and to in is that for on with as was by it at from his has have are be said which"),
        ["sv"] = Set("och att det som en på är för med av till den har inte de om ett var vid sig från sina"),
        ["de"] = Set("der die und das nicht ist mit den von zu sich des auf für ein eine im dem auch wurde bei"),
        ["fr"] = Set("le la les de des et est une un du que dans pour qui sur au avec par pas aux été cette"),
        ["es"] = Set("el la los las de del y que en un una por con para es se al lo como su más ha"),
        ["nl"] = Set("de het een en van is dat op te in zijn met voor niet aan er ook door bij werd heeft"),
        ["it"] = Set("il la di che e è un una per non con del della gli le sono nel alla ha dei"),
        ["pt"] = Set("o a os as de do da que e em um uma para com não por se no na dos foi"),
        ["vi"] = Set("của và là các có được cho trong với người này không những đã một đến khi về theo"),
        ["da"] = Set("og at det som en på er for med af til den har ikke de om et var ved sig fra"),
        ["no"] = Set("og at det som en på er for med av til den har ikke de om et var ved seg fra"),
    };

    /// <summary>The opening of a text decides; more only costs time.</summary>
    private const int Sample = 2000;

    public static string Detect(string text) => Detect(text.AsSpan());

    /// <summary>A headline and its body, read as one text ("title\nbody") without making it.</summary>
    public static string Detect(string title, string body)
    {
        var length = Math.Min(Sample, title.Length + 1 + body.Length);
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(length);
        try
        {
            var sample = buffer.AsSpan(0, length);
            var head = Math.Min(title.Length, length);
            title.AsSpan(0, head).CopyTo(sample);
            if (head < length) sample[head] = '\n';
            if (head + 1 < length) body.AsSpan(0, length - head - 1).CopyTo(sample[(head + 1)..]);
            return Detect(sample);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    public static string Detect(ReadOnlySpan<char> text)
    {
        if (text.Length > Sample) text = text[..Sample];
        var script = Scripts.Dominant(text);
        switch (script)
        {
            case Script.Hangul: return "ko";
            case Script.Kana: return "ja";
            case Script.Han: return Chinese(text);
            case Script.Cyrillic: return UkrainianLetters().IsMatch(text) ? "uk" : "ru";
        }
        // One pass over the words; each function word maps to a bit per language that uses it.
        Span<int> counts = stackalloc int[Languages.Length];
        var lookup = WordLanguages.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < text.Length;)
        {
            while (i < text.Length && !char.IsLetter(text[i])) i++;
            var start = i;
            while (i < text.Length && (char.IsLetter(text[i]) || CharUnicodeInfo.GetUnicodeCategory(text[i]) == UnicodeCategory.NonSpacingMark)) i++;
            if (i > start && i - start <= 8 && lookup.TryGetValue(text[start..i], out var mask))
                for (var l = 0; l < Languages.Length; l++)
                    if ((mask & (1 << l)) != 0) counts[l]++;
        }
        var best = -1;
        for (var l = 0; l < Languages.Length; l++)
            if (counts[l] > 0 && (best < 0 || counts[l] > counts[best])) best = l;
        return best < 0 ? "und" : Languages[best];
    }

    /// <summary>Chinese in simplified characters (the PRC, Singapore: "zh-Hans") or traditional
    /// ones (Taiwan, Hong Kong, Macau: "zh-Hant"), told by the common characters each writes its
    /// own way (们/們, 国/國, 韩/韓); "zh" when neither kind is met (a short headline of characters
    /// both share). Sources on either side of the strait report Korea differently: readers filter
    /// them apart.</summary>
    private static string Chinese(ReadOnlySpan<char> text)
    {
        var (simplified, traditional, japanese, han, hiragana) = (0, 0, 0, 0, 0);
        foreach (var c in text)
        {
            if (c is >= '\u3041' and <= '\u309F') hiragana++;
            else if (Scripts.Of(c) == Script.Han) han++;
            if (SimplifiedOnly.Contains(c)) simplified++;
            else if (TraditionalOnly.Contains(c)) traditional++;
            else if (JapaneseOnly.Contains(c)) japanese++;
        }
        // A Japanese headline is often nearly all kanji ("日中韓首脳会議 来月東京開催", "国防相訪韓
        // 軍事協力強化で合意"): a particle in hiragana, or Japan's own simplified forms (脳, 発,
        // 経), which neither Chinese script writes, say it is Japanese.
        if (hiragana > 0 && hiragana * 30 >= han || japanese > 0 && japanese * 8 >= simplified + traditional) return "ja";
        return simplified > traditional ? "zh-Hans" : traditional > simplified ? "zh-Hant" : "zh";
    }

    /// <summary>Frequent characters with a different traditional form, and those forms, each in
    /// the same order; none is written the same in the other script (著, 后, 里, 台 and 干 are
    /// left out: each is also an ordinary character of the other).</summary>
    private static readonly System.Buffers.SearchValues<char> SimplifiedOnly = System.Buffers.SearchValues.Create(
        "个们这国说时会来对发经为东车门长开关问间过还进样与实现学两应动难边见让从没书话号场员业产务机电体区军华韩鲜领导谈议总统济贸际组织线报记讯网络乐亚纪团卫权选举压协决战岛变觉认识种将热视传预计设节该请转达运连钱银价习当处无万义兴头买卖写条众级图历岁陆馆饭鸡鱼语读谁园响须顾飞马鸟龙齐获给终续绝约红试证质贵费资赛镇阵险随页题颜风驻复据护拥担择挥损换于么吗");
    private static readonly System.Buffers.SearchValues<char> TraditionalOnly = System.Buffers.SearchValues.Create(
        "個們這國說時會來對發經為東車門長開關問間過還進樣與實現學兩應動難邊見讓從沒書話號場員業產務機電體區軍華韓鮮領導談議總統濟貿際組織線報記訊網絡樂亞紀團衛權選舉壓協決戰島變覺認識種將熱視傳預計設節該請轉達運連錢銀價習當處無萬義興頭買賣寫條眾級圖歷歲陸館飯雞魚語讀誰園響須顧飛馬鳥龍齊獲給終續絕約紅試證質貴費資賽鎮陣險隨頁題顏風駐復據護擁擔擇揮損換於麼嗎");

    /// <summary>Japan's own simplified forms (shinjitai) of characters both Chinese scripts write
    /// otherwise: 脳 (脑, 腦), 発 (发, 發), 経 (经, 經), 駅 (站, 驛).</summary>
    private static readonly System.Buffers.SearchValues<char> JapaneseOnly = System.Buffers.SearchValues.Create(
        "脳対発経関実気売読広変団総応図伝転様拡県駅労働込戦権済辺歴営覧帰沢両亜悪楽浜弾険検験証続闘黒歳円払蔵鉄撃択挙圧処齢");

    private static readonly string[] Languages = [.. FunctionWords.Keys];

    /// <summary>Function word → bit mask of the languages it belongs to, case-insensitive.</summary>
    private static readonly Dictionary<string, int> WordLanguages = BuildWordLanguages();

    private static Dictionary<string, int> BuildWordLanguages()
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var languages = FunctionWords.Keys.ToArray();
        for (var l = 0; l < languages.Length; l++)
            foreach (var word in FunctionWords[languages[l]])
                map[word] = map.GetValueOrDefault(word) | (1 << l);
        return map;
    }

    private static HashSet<string> Set(string words) => new(words.Split(' '), StringComparer.Ordinal);

    [GeneratedRegex("[іїєґІЇЄҐ]")]
    private static partial Regex UkrainianLetters();
}
