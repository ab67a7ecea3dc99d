using Aggregator.Evaluation;
using Aggregator.Processing.Stories;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Processing;

/// <summary>Story clustering against ../shared/tagging/neardup-dev.jsonl (labelled pairs), and the
/// rules it rests on.</summary>
public sealed class StoryMatchTests
{
    [Fact]
    public void The_labelled_pairs_score_at_the_target_with_no_different_events_merged()
    {
        var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "tagging", "neardup-dev.jsonl"));
        RequiredTool.Require(File.Exists(path), "../shared/tagging/neardup-dev.jsonl beside the repository");
        var report = DedupEvaluation.Evaluate(LabelledPair.ReadAll(path));
        Assert.True(report.SameLanguage.F1 >= 0.95, DedupEvaluation.Format(report));
        Assert.Equal(0, report.FalseMergesOfDifferentEvents);
    }

    [Theory]
    [InlineData("Exports rose to 1,400 units", "1400")]
    [InlineData("a crowd of 75 000 people", "75000")]
    [InlineData("a crowd of 75 , 000 people", "75000")]
    [InlineData("Sept. 9, 2018", "9|2018")]
    [InlineData("the 70th anniversary in 2018", "70|2018")]
    [InlineData("their second summit, after the first in Bali", "2nd|1st")]
    [InlineData("firstly, the secondary school", "")]
    [InlineData("the 4th round on the 2nd, the 70th anniversary, 11th hour, the 4thly", "4th|2nd|70|11th|4")]
    [InlineData("fired on monday, said on sunday; mondays and sundayschool", "monday|sunday")]
    [InlineData("북한이 월요일 발사 · 中国外交部星期四表示 · 金曜日に", "monday|thursday|friday")]
    public void Numbers_are_read_with_thousands_separators(string text, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), StoryFingerprint.NumbersIn(text));
    }

    [Fact]
    public void Different_numbers_on_both_sides_are_different_events_however_alike_the_text()
    {
        var a = StoryFingerprint.Of("", "Xi sent a message to Kim on the 70th anniversary of the founding of the republic, state media said on Sunday.", null);
        var b = StoryFingerprint.Of("", "Xi sent a message to Kim on the 75th anniversary of the founding of the republic, state media said on Sunday.", null);
        var match = StoryMatch.Decide(a, b);
        Assert.False(match.Same, match.Reason);
        Assert.Contains("different numbers", match.Reason);
    }

    /// <summary>A wire story updated with a new toll is one story: the rest of the text is a copy
    /// and both were published the same day. The same text a day later, with its figures and
    /// its year changed, or undated, is not known to be a correction.</summary>
    [Fact]
    public void A_count_corrected_in_an_otherwise_copied_text_published_the_same_day_is_one_story()
    {
        const string Story = "A Chinese fishing boat capsized in rough seas about 70 kilometres southwest of Gageo Island early on Monday, and {0} of its crew of {1} were confirmed dead, the Mokpo coast guard said. "
            + "The coast guard said it had sent three patrol ships and a helicopter to the area after receiving a distress call from the boat, which had been fishing in waters both countries claim. "
            + "Chinese fishing boats often take shelter near the island when the weather turns, and Seoul and Beijing agreed last year to share rescue information faster. "
            + "The Chinese embassy in Seoul said it was in contact with the Korean authorities and had asked them to continue the search for the missing sailors. {2}";
        var morning = new DateTime(2024, 11, 4, 1, 0, 0, DateTimeKind.Utc);
        var first = StoryFingerprint.Of("Chinese fishing boat capsizes off Gageo Island", string.Format(Story, 3, 11, ""), morning);
        var corrected = StoryFingerprint.Of("Chinese fishing boat capsizes off Gageo Island, toll rises", string.Format(Story, 5, 12, ""), morning.AddHours(5));
        var match = StoryMatch.Decide(first, corrected);
        Assert.True(match.Same, match.Reason);
        Assert.Contains("a figure corrected (3 11 / 5 12)", match.Reason);

        Assert.False(StoryMatch.Decide(first, StoryFingerprint.Of("", string.Format(Story, 5, 12, ""), null)).Same);
        Assert.False(StoryMatch.Decide(first, StoryFingerprint.Of("", string.Format(Story, 5, 12, ""), morning.AddHours(30))).Same);
        var threeFigures = StoryMatch.Decide(first, StoryFingerprint.Of("", string.Format(Story, 5, 12, "Another 14 sailors were rescued."), morning.AddHours(5)));
        Assert.True(threeFigures.Same, threeFigures.Reason); // 14 is added, two figures replaced
        var anotherYear = StoryMatch.Decide(first, StoryFingerprint.Of("", string.Format(Story, 5, 11, "It was the worst accident since 2019."), morning.AddHours(5)));
        Assert.True(anotherYear.Same, anotherYear.Reason); // a year on one side only is added, not another occurrence
        var yearsApart = StoryMatch.Decide(StoryFingerprint.Of("", string.Format(Story, 3, 11, "It was the worst accident since 2019."), morning),
            StoryFingerprint.Of("", string.Format(Story, 5, 11, "It was the worst accident since 2021."), morning.AddHours(5)));
        Assert.False(yearsApart.Same, yearsApart.Reason);
        // The same entry, corrected two days later, is still a correction.
        Assert.True(StoryMatch.Decide(first, StoryFingerprint.Of("", string.Format(Story, 5, 12, ""), morning.AddDays(2)), sameEntry: true).Same);
    }

    /// <summary>A formula alert that differs only in its weekday is another occurrence: two
    /// launches, not one story. A weekday on one side only (a follow-up that adds the day) is not.</summary>
    [Fact]
    public void Different_weekdays_on_both_sides_are_different_events()
    {
        const string Alert = "North Korea fired a ballistic missile toward the East Sea on {0} morning, South Korea's Joint Chiefs of Staff said, adding that the military was analysing the launch with the United States.";
        var monday = StoryFingerprint.Of("(URGENT) N. Korea fires ballistic missile toward East Sea: JCS", string.Format(Alert, "Monday"), null);
        var thursday = StoryFingerprint.Of("(URGENT) N. Korea fires ballistic missile toward East Sea: JCS", string.Format(Alert, "Thursday"), null);
        var undated = StoryFingerprint.Of("(URGENT) N. Korea fires ballistic missile toward East Sea: JCS", string.Format(Alert, "this").Replace(" this morning", "", StringComparison.Ordinal), null);
        var apart = StoryMatch.Decide(monday, thursday);
        Assert.False(apart.Same, apart.Reason);
        Assert.Contains("different numbers (monday / thursday)", apart.Reason);
        Assert.True(StoryMatch.Decide(monday, undated).Same);
    }

    [Fact]
    public void Numbers_in_the_headline_count_even_when_its_words_do_not()
    {
        const string body = "Chinese President Xi Jinping sent a message to Kim Jong Un congratulating him on the anniversary of the founding of the republic, state media reported on Sunday, calling the two countries friendly neighbours.";
        var a = StoryFingerprint.Of("Xi congratulates Kim on 70th founding anniversary", body, null);
        var b = StoryFingerprint.Of("Xi congratulates Kim on 75th founding anniversary", body, null);
        Assert.False(StoryMatch.Decide(a, b).Same);
    }

    [Fact]
    public void Only_specific_figures_make_index_keys()
    {
        // Years, single digits and ordinal words are in nearly every story: keys made of them
        // would be shared by thousands of items.
        var common = StoryFingerprint.Of("", "In 2025 the second round of 3 talks began on the 1st day, officials said on Monday.", null);
        Assert.DoesNotContain(common.Keys, k => StoryKeys.KindOf(k) == KeyKind.Figures);
        var specific = StoryFingerprint.Of("", "The 120-tonne trawler was fishing about 80 kilometres southwest of the island in 2019.", null);
        Assert.Single(specific.Keys, k => StoryKeys.KindOf(k) == KeyKind.Figures);
    }

    [Fact]
    public void Copies_published_more_than_a_week_apart_are_different_events()
    {
        const string body = "The coast guard said about 300 Chinese fishing boats took shelter off the southwest coast as the typhoon approached on Monday.";
        var day = new DateTime(2022, 9, 5, 0, 0, 0, DateTimeKind.Utc);
        Assert.True(StoryMatch.Decide(StoryFingerprint.Of("", body, day), StoryFingerprint.Of("", body, day.AddDays(2))).Same);
        Assert.False(StoryMatch.Decide(StoryFingerprint.Of("", body, day), StoryFingerprint.Of("", body, day.AddDays(30))).Same);
    }

    /// <summary>A second outlet's shorter version of a wire story: sentences reworded and cut, so
    /// that few phrases and under half of all words are shared, but the shorter text's own words
    /// are mostly in the longer. The same short text against a long roundup of its subject, whose
    /// words it also mostly shares, is not a copy: the roundup's vocabulary is far larger.</summary>
    [Fact]
    public void A_trimmed_rewrite_is_a_copy_when_its_own_words_are_mostly_in_the_longer_text()
    {
        const string wire = "Chinese tourists have all but vanished from the shopping streets of Seoul since Beijing halted group tours to South Korea in March, travel agencies and shop owners said on Tuesday. "
            + "In Myeongdong, where Chinese visitors once made up most of the customers, cosmetics shops and duty-free stores report sales down by half or more, and several hotels have closed entire floors. "
            + "The background is Seoul's decision to deploy the American THAAD missile defence system, which Beijing regards as a threat to its security. "
            + "Chinese authorities have not officially confirmed any travel ban, but agencies say they received verbal instructions to stop selling package tours. "
            + "More than eight million Chinese travellers visited South Korea last year, nearly half of all foreign arrivals, according to the Korea Tourism Organization. "
            + "Airlines have cut flights between Chinese cities and Jeju, and cruise lines have dropped Korean ports from their itineraries for the rest of the season.";
        const string trimmed = "Shop owners in Seoul say Chinese tourists have all but disappeared since Beijing stopped group tours to South Korea in March. "
            + "Cosmetics shops in Myeongdong, once full of Chinese customers, report sales down by half, and hotels have closed floors. "
            + "Beijing regards the American THAAD missile defence system that Seoul decided to deploy as a threat to its security, though it has not confirmed any travel ban.";
        var day = new DateTime(2017, 3, 21, 2, 0, 0, DateTimeKind.Utc);
        var (a, b) = (StoryFingerprint.Of("Chinese tourists vanish from Seoul's shops", wire, day), StoryFingerprint.Of("Empty streets in Myeongdong as Chinese stay home", trimmed, day.AddHours(3)));
        var (termJaccard, termContainment) = StoryMatch.Overlap(a.Terms, b.Terms);
        Assert.InRange(termJaccard, StoryMatch.MinTrimmedTermJaccard, StoryMatch.MinTermJaccard); // below the rewrite rule: only trimming explains it
        Assert.True(termContainment >= StoryMatch.MinTrimmedTermContainment, $"contained {termContainment:0.00}");
        var match = StoryMatch.Decide(a, b);
        Assert.True(match.Same, match.Reason);
        Assert.StartsWith("trimmed rewrite", match.Reason);

        const string roundup = "Asia's tourism industry had a turbulent spring. Japan welcomed record numbers of visitors from Taiwan, Thailand and Australia as the weak yen drew shoppers to Osaka and Kyoto, "
            + "while Thailand's beaches recovered from a slow winter. In Vietnam, Da Nang opened a new airport terminal and Hanoi promised visa-free stays for more Europeans. "
            + "Shop owners in Seoul say Chinese tourists have all but disappeared since Beijing stopped group tours to South Korea in March, and cosmetics shops in Myeongdong, once full of Chinese customers, report sales down by half. "
            + "Singapore's casinos reported steady gamblers from Indonesia and Malaysia, and the Philippines courted divers with cheaper flights to Palawan and Cebu. "
            + "Hong Kong's retailers complained of mainland visitors spending less on watches and jewellery, and Macau's hotels filled up again during the spring holidays. "
            + "Analysts expect regional arrivals to grow by about a tenth this year, led by Japan, with airlines adding routes from India and the Gulf to Bangkok, Bali and Ho Chi Minh City.";
        var roundupPrint = StoryFingerprint.Of("", roundup, day);
        var (roundupJaccard, roundupContainment) = StoryMatch.Overlap(roundupPrint.Terms, b.Terms);
        Assert.True(roundupContainment >= StoryMatch.MinTrimmedTermContainment && roundupJaccard < StoryMatch.MinTrimmedTermJaccard, $"terms {roundupJaccard:0.00} (contained {roundupContainment:0.00})");
        var contained = StoryMatch.Decide(roundupPrint, b);
        Assert.False(contained.Same, contained.Reason);
    }

    /// <summary>What aggregators and wire flashes do to a headline: an outlet after it, a tag
    /// before it, another case or quotes. Series names and formulas too light to name a story
    /// give no headline at all.</summary>
    [Theory]
    [InlineData("Chinese cruise ships return to Jeju after seven years", "Chinese cruise ships return to Jeju after seven years - The Jeju Herald", true)]
    [InlineData("(LEAD) Chinese cruise ships return to Jeju after seven years", "(URGENT) Chinese Cruise Ships Return to Jeju After Seven Years | Yonhap News Agency", true)]
    [InlineData("[속보] 중국 크루즈선, 7년 만에 제주 입항", "중국 크루즈선 7년 만에 제주 입항(종합) - 연합뉴스", true)]
    [InlineData("【快讯】中国邮轮时隔七年重返济州", "中国邮轮时隔七年重返济州_新浪新闻", true)]
    [InlineData("中国邮轮时隔七年重返济州-中新网", "中国邮轮时隔七年重返济州", true)]
    [InlineData("中国のクルーズ船、7年ぶりに済州島へ（時事通信） - Yahoo!ニュース", "中国のクルーズ船、7年ぶりに済州島へ", true)]
    [InlineData("Seoul issues ultrafine dust emergency measures as haze from China blank…", "Seoul issues ultrafine dust emergency measures as haze from China blankets capital area", true)]
    [InlineData("Xi meets Yoon - first summit in two years", "Xi meets Yoon - first summit in two years - Korea JoongAng Daily", true)]
    [InlineData("Xi meets Yoon - first summit in two years", "Xi meets Yoon", false)]
    [InlineData("Seoul issues ultrafine dust emergency measures as haze from China blankets capital area", "Seoul issues ultrafine dust emergency measures as haze from China hits Busan", false)]
    [InlineData("Seoul issues ultrafine…", "Seoul issues ultrafine dust emergency measures as haze from China blankets capital area", false)]
    [InlineData("US grants Samsung, SK Hynix indefinite waiver for China chip plants", "US grants Samsung, SK Hynix indefinite waiver for China chip plants in Xian", true)]
    [InlineData("요소수 대란에 정부, 중국 외 수입선 다변화", "요소수 대란에 정부, 중국 외 수입선 다변화 추진", true)]
    [InlineData("US grants Samsung, SK Hynix indefinite waiver for China chip plants", "US grants Samsung, SK Hynix indefinite waiver for China chip plants for another full year", false)]
    [InlineData("US grants Samsung, SK Hynix indefinite waiver for China chip plants", "US grants Samsung, SK Hynix indefinite waiver for Chinese chip plants", false)]
    [InlineData("시진핑, 11년 만에 방한…경주 APEC 정상회의 참석 : 네이버 뉴스", "시진핑, 11년 만에 방한…경주 APEC 정상회의 참석", true)]
    [InlineData("习近平会见韩国总统李在明--时政--人民网", "习近平会见韩国总统李在明", true)]
    [InlineData("BREAKING: Kim Jong Un arrives in Beijing ahead of military parade", "Kim Jong Un arrives in Beijing ahead of military parade", true)]
    [InlineData("快讯：朝鲜向半岛东部海域发射一枚弹道导弹", "朝鲜向半岛东部海域发射一枚弹道导弹", true)]
    [InlineData("Photo of the day", "Photo of the day", false)]
    [InlineData("The week in North Korea", "The week in North Korea", false)]
    [InlineData("[카드뉴스] 한눈에 보는 이번 주 뉴스", "한눈에 보는 이번 주 뉴스", false)]
    [InlineData("Chinese cruise ships return to Jeju after seven years", "Chinese cruise ships to return to Jeju after seven years", false)]
    public void Headlines_are_known_with_and_without_what_carriers_add(string a, string b, bool shared)
    {
        static Headline Of(string title) => Headline.Read(Aggregator.Processing.TextNormalizer.ForComparison(title));
        Assert.Equal(shared, Of(a).SameAs(Of(b)));
        Assert.Equal(shared, Of(b).SameAs(Of(a)));
    }

    private const string CruiseArticle = "SEOUL, May 12 (Yonhap) -- Chinese cruise ships returned to Jeju Island on Monday for the first time in seven years, after Beijing lifted its ban on group tours to South Korea. The first ship carried about 3,000 passengers, most of them from Shanghai, the provincial tourism board said, and 60 more port calls are scheduled this year.";

    /// <summary>An aggregator's or a flash's item has only its headline: it is a copy of the
    /// article with that headline published the same day, not of the next day's item with the
    /// same headline, and never of an article that has text of its own to compare.</summary>
    [Fact]
    public void A_headline_only_item_is_a_copy_of_the_article_with_its_headline_published_within_hours()
    {
        var day = new DateTime(2025, 5, 12, 3, 0, 0, DateTimeKind.Utc);
        var article = StoryFingerprint.Of("Chinese cruise ships return to Jeju after seven years", CruiseArticle, day);
        var flash = StoryFingerprint.Of("(URGENT) Chinese cruise ships return to Jeju after seven years", "", day.AddMinutes(-40));
        var aggregated = StoryFingerprint.Of("Chinese cruise ships return to Jeju after seven years - Yonhap News Agency", "Chinese cruise ships return to Jeju after seven years", day);
        Assert.NotEmpty(article.Keys.Intersect(flash.Keys));
        Assert.True(StoryMatch.WorthComparing(KeyKind.Headline, flash.Sketch, day, article.Sketch, day));
        var match = StoryMatch.Decide(flash, article);
        Assert.True(match.Same, match.Reason);
        Assert.StartsWith("same headline", match.Reason);
        Assert.True(StoryMatch.Decide(aggregated, article).Same);
        Assert.True(StoryMatch.Decide(aggregated, flash).Same);

        // A wire tag's and an outlet's numbers are not the story's; a body that only repeats the
        // headline and names the outlet is no text.
        Assert.Empty(StoryFingerprint.Of("(2nd LD) Chinese cruise ships return to Jeju after seven years - News1", "", day).Numbers);
        var repeated = StoryFingerprint.Of("習氏、11年ぶり訪韓　李大統領と首脳会談", "習氏、11年ぶり訪韓　李大統領と首脳会談 - 日本経済新聞", day);
        Assert.True(repeated.BodyTooShort);

        var nextDay = StoryFingerprint.Of("Chinese cruise ships return to Jeju after seven years", "", day.AddHours(26));
        Assert.False(StoryMatch.Decide(nextDay, article).Same);
        var otherText = StoryFingerprint.Of("Chinese cruise ships return to Jeju after seven years",
            "Tour operators in Shanghai said bookings for Korean cruises had tripled since the spring, with travel agencies adding Busan and Incheon to routes that had ended at Fukuoka since 2017.", day);
        Assert.False(StoryMatch.Decide(otherText, article).Same);
    }

    /// <summary>`eval dedup` reads a side's date as its feed gave it: a headline-only item three
    /// days from the article is another occurrence of the formula; undated, it is taken as
    /// published with the article.</summary>
    [Fact]
    public void The_evaluation_reads_when_each_side_was_published()
    {
        const string Line = """{"id":"x","a":{"title":"Chinese cruise ships return to Jeju after seven years","body":""PUBLISHED},"b":{"title":"Chinese cruise ships return to Jeju after seven years","body":"ARTICLE","published":"2025-05-12T12:00:00+09:00"},"same_story":false,"kind":"same-topic-different-event"}""";
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, [Line.Replace("PUBLISHED", ",\"published\":\"2025-05-09T12:00:00+09:00\"", StringComparison.Ordinal).Replace("ARTICLE", CruiseArticle, StringComparison.Ordinal),
                Line.Replace("PUBLISHED", "", StringComparison.Ordinal).Replace("ARTICLE", CruiseArticle, StringComparison.Ordinal)]);
            var outcomes = DedupEvaluation.Evaluate(LabelledPair.ReadAll(path)).Outcomes;
            Assert.False(outcomes[0].Match.Same, outcomes[0].Match.Reason);
            Assert.True(outcomes[1].Match.Same, outcomes[1].Match.Reason);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
