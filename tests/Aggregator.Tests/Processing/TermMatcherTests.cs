using Aggregator.Processing.Tagging;

namespace Aggregator.Tests.Processing;

public sealed class TermMatcherTests
{
    private static string[] Found(string[] terms, string text)
    {
        var matcher = new TermMatcher([terms], [0]);
        return matcher.Find(text)[0].Select(h => text.Substring(h.Start, h.Length)).ToArray();
    }

    [Theory]
    [InlineData("Kim Jong Un", "Kim Jong-un said", "Kim Jong-un")]
    [InlineData("Kim Jong Un", "KIMJONGUN said", "KIMJONGUN")]
    [InlineData("Kim Jong Un", "Kim  -  Jong Un", "")]             // more than two separators
    [InlineData("D.P.R.K.", "the DPRK and the D.P.R.K. met", "DPRK|D.P.R.K.")]
    [InlineData("Xi's", "Xis visit", "Xis")]
    [InlineData("China", "Chinatown and China.", "China")]             // whole words only
    [InlineData("China", "IndoChina", "")]
    [InlineData("Nordkorea*", "Nordkoreas Führung", "Nordkoreas")]
    [InlineData("중국", "중국과 북한의", "중국")]                          // Hangul matches inside words
    [InlineData("北韩", "北韩与中国", "北韩")]
    [InlineData("КНДР", "Власти кндр заявили", "кндр")]                 // case folding beyond ASCII
    [InlineData("한중", "한·중 정상회담, 한ㆍ중 관계, 한-중 FTA", "한·중|한ㆍ중|한-중")] // middle dots and hyphens join CJK parties
    [InlineData("日中韓", "日・中・韓首脳会談", "日・中・韓")]
    [InlineData("中韩", "中·韩外长", "中·韩")]
    [InlineData("한중", "한·미 동맹", "")]                               // only between the term's own characters
    [InlineData("한중", "한··중", "")]                                  // one joiner, not a run
    [InlineData("한중", "수출 제한·중단 조치", "")]                     // a list of ordinary nouns: restriction, suspension
    [InlineData("북중", "경북·중부 지방 폭염특보", "")]                  // Gyeongbuk and central regions
    [InlineData("한중", "한·중간 교역, 한·중은", "한·중|한·중")]          // particles may follow
    [InlineData("中韩", "王毅出席中·韩外长会晤", "中·韩")]               // Chinese and Japanese do not space their words
    [InlineData("日中韓", "第9回日・中・韓首脳会談", "日・中・韓")]
    [InlineData("북중", "미ㆍ북ㆍ중 3각 관계", "북ㆍ중")]                // inside a longer list of parties
    [InlineData("북중", "경기 중·북부, 강원 북·중부 지방", "")]          // regions: the words go on
    [InlineData("조중", "호텔 조·중·석식 포함", "")]                     // meals
    [InlineData("한중", "한·중·일 정상회의", "한·중")]
    public void Terms_match_as_documented(string term, string text, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), Found([term], text));
    }

    [Theory]
    [InlineData("中", "中, 北 노동자 송환 요구 거부", "中")]                // Hanja abbreviations of Korean headlines
    [InlineData("北", "中, 北 노동자 송환 요구 거부", "北")]
    [InlineData("中", "방中 앞둔 대통령, 中에 협력 요청", "中|中")]         // Hangul may touch it
    [InlineData("北中", "北·中 국경 무역 재개", "北·中")]
    [InlineData("中", "其中北京市中心", "")]                              // Chinese words
    [InlineData("中", "会議の中で韓国側は", "")]                          // Japanese
    [InlineData("中", "中、韩两国", "")]                                  // no Hangul near
    [InlineData("中", "中企 수출 지원", "")]                              // 中企 (small firms) is another word
    [InlineData("北", "北海道 여행", "")]
    [InlineData("中", "中。\n한국", "")]                                 // Hangul on another line
    [InlineData("中", "李대통령 訪中…對中 수출 반등", "中|中")]            // visit, toward: Sino-Korean prefixes
    [InlineData("北", "대北 제재 강화, 탈北민 지원", "北|北")]
    [InlineData("北", "강北 아파트값 상승", "")]                          // Gangbuk, a district of Seoul
    [InlineData("中", "서울 대방中, 농구 금메달", "")]                    // a middle school
    [InlineData("中", "初·中·高 학생 수 역대 최저", "")]                  // schools, not countries
    [InlineData("中", "美·中 갈등 속 수출 둔화", "中")]                    // countries in a list
    [InlineData("中", "배우 김씨, 드라마 촬영 中 부상", "")]              // "during"
    [InlineData("中", "대만 문제에 中 반발", "中")]                        // after a particle: China again
    [InlineData("中", "中 BYD, 韓 상륙", "中")]                            // Hangul a little further on
    public void A_han_term_listed_for_korean_matches_only_as_a_word_of_korean_text(string term, string text, string expected)
    {
        var matcher = new TermMatcher([[new ListedTerm(term, "ko")]], [0]);
        var found = matcher.Find(text)[0].Select(h => text.Substring(h.Start, h.Length));
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), found);
    }

    [Theory]
    [InlineData("중한", "국민의 소중한 한 표, 신중한 선택", "")]           // adjectives that contain the syllables
    [InlineData("조중", "강조중인 사안과 조중동 보도", "조중")]             // a word start is all it asks (조중동 is excluded by the rules)
    [InlineData("한중", "한중 관계와 한중간 교역", "한중|한중")]
    public void A_korean_term_naming_two_parties_starts_a_word(string term, string text, string expected)
    {
        var matcher = new TermMatcher([[new ListedTerm(term, "ko", NamesTwoParties: true)]], [0]);
        var found = matcher.Find(text)[0].Select(h => text.Substring(h.Start, h.Length));
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), found);
    }

    [Fact]
    public void The_same_han_term_listed_for_another_language_matches_anywhere()
    {
        var matcher = new TermMatcher([[new ListedTerm("中韓", "zh-Hant"), new ListedTerm("中韓", "ko")]], [0]);
        Assert.Single(matcher.Find("日中韓首脳会談")[0]);
    }

    [Fact]
    public void The_longest_match_at_a_position_wins_and_matches_do_not_overlap()
    {
        Assert.Equal(["North Korea", "Korea"], Found(["Korea", "North Korea"], "North Korea and Korea"));
    }

    [Fact]
    public void Each_class_is_matched_as_if_scanned_alone()
    {
        var matcher = new TermMatcher([["China"], ["South China Sea"], ["Sea"]], [0, 1, 0]);
        var hits = matcher.Find("in the South China Sea");
        Assert.Equal([(13, 5, 0), (19, 3, 2)], hits[0].Select(h => (h.Start, h.Length, h.Label)));
        Assert.Equal([(7, 15, 1)], hits[1].Select(h => (h.Start, h.Length, h.Label)));
    }
}
