using Aggregator.Parsing.Documents;
using Aggregator.Processing.Tagging;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Processing;

/// <summary>The shipped rules (config/topics.json) on the seeds and on small cases of each rule.</summary>
public sealed class TaggerTests
{
    private static readonly IReadOnlyList<CompiledTopic> Topics =
        CompiledTopic.From(TopicRules.Load(Path.Combine(RepoPaths.Config, "topics.json")));

    private static string[] Tags(string title, string body) =>
        Tagger.Tag(Topics, title, body).Select(t => t.Tag).Order().ToArray();

    [Fact]
    public void Every_seed_is_korea_china_and_dprk_china()
    {
        foreach (var seed in Directory.GetFiles(RepoPaths.Seeds))
        {
            var doc = DocumentReader.Read(seed, File.ReadAllBytes(seed));
            Assert.Equal(["dprk-china", "korea-china"], Tags(doc.Title, doc.Body));
        }
    }

    /// <summary>Each body sentence is judged on its own matches: both sides, and more side
    /// mentions than third parties. (The sentences are now found by one sweep over the matches:
    /// a scan of every match per sentence made a 2 MB document take 39 s.)</summary>
    [Fact]
    public void Each_sentence_is_judged_on_its_own_matches()
    {
        const string Body = "South Korea and China held talks in Seoul. "
            + "The United States, Japan, Russia and the European Union watched South Korea and China. "
            + "Officials in Beijing said little. "
            + "Seoul and Beijing agreed to meet again. "
            + "Markets in Tokyo rose.";
        var verdict = Tagger.Judge(Topics.Single(t => t.Rule.Tag == "korea-china"), "Talks", Body);
        Assert.Contains("named together in 2 of 5 body sentence(s)", verdict.Reason, StringComparison.Ordinal);
        Assert.True(verdict.Tagged);
    }

    /// <summary>The reason says what a reader needs to check the tag: the words each side was
    /// named by (distinct, the title's first) and the first sentence that joins them, quoted.</summary>
    [Fact]
    public void The_reason_names_the_words_and_quotes_the_sentence_that_joins_the_sides()
    {
        const string Body = "Officials in Beijing said little on Monday.\n"
            + "North Korean leader Kim Jong Un arrived in Beijing for talks with Xi Jinping.\n"
            + "Pyongyang and Beijing signed a trade deal.";
        var tags = Tagger.Tag(Topics, "Kim visits China", Body);
        var topic = tags.Single(t => t.Tag == "korea-china");
        Assert.StartsWith("china 7 (China, Beijing, Xi Jinping), korea 3 (North Korean, Kim Jong Un, Pyongyang); named together in 2 of 3 body sentence(s), "
            + "first: “North Korean leader Kim Jong Un arrived in Beijing for talks with Xi Jinping.”", topic.Reason, StringComparison.Ordinal);
        Assert.Equal("100 % of the specific korea evidence (North Korean, Kim Jong Un, Pyongyang)", tags.Single(t => t.Tag == "dprk-china").Reason);

        // A long sentence is quoted on one line and cut, never inside a character.
        var longSentence = "Seoul and Beijing agreed  on\ttrade " + string.Concat(Enumerable.Repeat("and 𠀋 more ", 40)) + "today.";
        var reason = Tagger.Tag(Topics, "South Korea and China sign a deal", longSentence + "\nSeoul and Beijing will meet again.\nChina said so.").Single(t => t.Tag == "korea-china").Reason;
        var quote = reason[(reason.IndexOf('“', StringComparison.Ordinal) + 1)..reason.IndexOf('”', StringComparison.Ordinal)];
        Assert.StartsWith("Seoul and Beijing agreed on trade and 𠀋 more and", quote, StringComparison.Ordinal);
        Assert.Matches("(more|and|𠀋)…$", quote); // cut after a whole word
        Assert.InRange(quote.Length, 160, 202);

        // The quote leaves out a wire dateline, and right-to-left overrides a cut could leave open.
        reason = Tagger.Tag(Topics, "Talks", "SEOUL, Nov. 22 (Yonhap) -- South Korea and China agreed on \u202Etrade\u202C talks.\nSeoul and Beijing will meet again.\nChina said so.")
            .Single(t => t.Tag == "korea-china").Reason;
        Assert.Contains("first: “South Korea and China agreed on trade talks.”", reason, StringComparison.Ordinal);

        // A headline alone (a title-only entry) says so, not "0 of 0 sentences".
        Assert.EndsWith("; named together in the title (no body)",
            Tagger.Tag(Topics, "South Korea and China agree on trade talks in Beijing", "").Single(t => t.Tag == "korea-china").Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Chinatown's best Korean BBQ", "A new Korean BBQ place opened in Chinatown. Korean BBQ fans queued in Chinatown all day.")]
    [InlineData("Typhoon heads north", "The storm crossed the South China Sea and the East China Sea before reaching North Korea. North Korea issued warnings.")]
    [InlineData("Chinese Taipei beat South Korea", "Chinese Taipei beat South Korea 3-1. South Korea will face Chinese Taipei again on Sunday.")]
    [InlineData("Seoul and Tokyo agree on visas", "South Korea and Japan agreed to ease visas. Seoul and Tokyo will review the deal in a year.")]
    [InlineData("Markets close higher", "Shares rose in Tokyo.\nThe Seoul index gained 1%.\nIn Beijing, officials met bankers.")]
    [InlineData("Seoul and Washington seal a deal as China and North Korea loom", // a side named once in a long body, in the headline's list
        "South Korea and the United States signed a trade deal on Monday.\nSeoul will invest in American shipyards.\n"
        + "Asked whether the alliance was aimed at China, a Korean official said the talks were about the economy.\nBoth leaders praised the deal.")]
    [InlineData("Цены на пекинскую капусту", "В Сеуле подорожала пекинская капуста. Корейские хозяйки покупают пекинскую капусту для кимчи. Китайский квартал Сеула тоже торгует пекинской капустой.")]
    [InlineData("Le quartier chinois aime la cuisine coréenne", "Un restaurant coréen a ouvert dans le quartier chinois. Le quartier chinois adore le barbecue coréen. On fait la queue.")]
    [InlineData("South Korea beat China 3-0", "South Korea's football team beat China 3-0 on Sunday.\nJapan drew with Hong Kong.\nSouth Korea's national team plays again on Wednesday, China on Thursday.")] // a game is not a relation
    [InlineData("한국, 중국에 3-0 완승", "한국 축구대표팀이 중국을 3-0으로 꺾었다. 일본은 홍콩과 비겼다. 한국 대표팀은 11일 중국과 다시 맞붙는다.")]
    [InlineData("South Korea beat China 1-0 in East Asian Cup opener", // a match report: the headline is on a game, one fixtures sentence joins them
        "South Korea's national football team defeated China 1-0 in its opening match on Monday.\nJoo Min-kyu scored the only goal.\n"
        + "China pressed late but could not find an equaliser. South Korea will face Hong Kong next, while China plays Japan.\nAround 4,000 fans attended.")]
    [InlineData("Rice prices hit a record in Japan", // other stories' headlines in the page's furniture
        "World | Asia | Business\nMost read: 1. China and South Korea agree to resume fisheries talks  2. Kim Jong Un meets Chinese envoy  3. Seoul's housing squeeze\n"
        + "TOKYO — Rice prices in Japan rose to a record last week.\nOfficials blame last summer's heat.\nThe minister will release more stockpiled rice.")]
    [InlineData("K-pop group fills Rio stadium", // other stories' headlines, a line each, in the list under a heading
        "Fans queued for three days outside the stadium in Rio de Janeiro.\nThe group sang 24 songs, four of them in Portuguese.\nTheir agency said a European leg would follow.\n\n"
        + "Share: Facebook | X\n\nTRENDING NOW\n• China lifts curbs on Korean group tours after eight years\n\n• Seoul protests new Chinese structure in Yellow Sea\n• Box office slumps")]
    [InlineData("Diễn viên Hàn Quốc gặp gỡ người hâm mộ tại Hà Nội",
        "Nam diễn viên Hàn Quốc đã có buổi gặp gỡ người hâm mộ tại Hà Nội.\nAnh hát hai ca khúc nhạc phim.\nSau Hà Nội, anh sẽ đến Bangkok.\n\n"
        + "Tin liên quan:\n- Trung Quốc phản đối Hàn Quốc về công trình trên Hoàng Hải\n- Hàn Quốc miễn thị thực cho khách đoàn Trung Quốc")]
    [InlineData("延边朝鲜族民俗园迎来旅游旺季", // China's Korean minority is China's, not Korea's
        "暑期以来，吉林省延边朝鲜族自治州延吉市的中国朝鲜族民俗园迎来旅游旺季。\n游客品尝朝鲜族冷面和打糕，观看朝鲜族歌舞表演。\n当地文旅部门表示，中国各地游客占七成以上。")]
    [InlineData("亚运会射击赛况", // a results sentence: a medal is a game's
        "射击项目中，中国队获得男子10米气手枪团体金牌，韩国队夺得女子25米手枪团体金牌。\n印度队在男子50米步枪三姿团体赛中称雄。\n中国队目前以12枚金牌领跑奖牌榜，韩国队以8枚金牌位列第二。\n比赛将持续到周日。")]
    [InlineData("Leaders gather for the climate summit in Belém", // a list of leaders: each side in one sentence of a long body
        "Heads of government arrived in Belém on Monday for the climate summit.\n"
        + "Among them were the Chinese premier Li Qiang, the South Korean president Lee Jae-myung, the Indian prime minister and the French president.\n"
        + "Negotiators worked through the night on the text.\nThe host called for money for forests.")]
    [InlineData("Экспорт пшеницы вырос на 12%", // "Read also" starts a list of other stories' headlines
        "Экспорт российской пшеницы в октябре вырос на 12%.\nОсновными покупателями остаются Египет и Турция.\nЭксперты ожидают, что темпы отгрузок сохранятся.\n\n"
        + "Читайте также:\n— Товарооборот КНР и КНДР вырос на четверть\n— Южная Корея протестует против китайских сооружений")]
    [InlineData("East Asian Championship: South Korea cruise past China 3-0", // a championship is a game's, as a cup is
        "South Korea opened their defence of the EAFF E-1 Football Championship with a 3-0 win over China at Yongin.\nLee Dong-gyeong scored in the eighth minute.\nChina managed two shots on target.\n"
        + "Results, Matchday 1: South Korea 3 China 0; Japan 6 Hong Kong 1.\nAttendance was 4,426.")]
    [InlineData("Le 13e fête le Nouvel An lunaire", // peoples in a list: others named as often as the sides
        "Le défilé du Nouvel An lunaire traversera le 13e arrondissement dimanche.\nLes communautés chinoise, vietnamienne, cambodgienne et coréenne y participeront.\n"
        + "Les associations chinoises et vietnamiennes, les commerçants coréens et cambodgiens préparent des stands.\nLa mairie attend 50 000 visiteurs.")]
    [InlineData("Corea del Sur gana 2-1 a China", // a score is a game's, with no word of the sport
        "Corea del Sur derrotó el martes 2-1 a China en Seúl.\nSon Heung-min marcó el gol decisivo.\nChina, dirigida por un técnico serbio, apenas inquietó la portería surcoreana.\nLos dos equipos vuelven a jugar en junio.")]
    [InlineData("Le typhon Bavi menace la péninsule coréenne", // weather on its path: both sides are geography
        "Le typhon remontait mercredi la mer Jaune vers la péninsule coréenne.\nIl devait toucher terre près de la frontière entre la Corée du Nord et la Chine.\n"
        + "À Jeju, des rafales ont arraché des toitures.\nDans le Liaoning, les autorités chinoises ont évacué des milliers de personnes.")]
    [InlineData("Asian shares mixed as chip earnings offset property worries", // a two-city dateline is where the reporters file from
        "SEOUL/SHANGHAI — Asian shares were mixed on Thursday as investors weighed strong chip earnings against concerns about China's property sector.\n"
        + "South Korea's KOSPI rose 0.8%, led by Samsung.\nIn China, the Shanghai Composite fell 0.4% as developers slid.\nJapan's Nikkei was flat.")]
    [InlineData("World Cup short track: Dutch win the relay", // under a game's headline, a third country in a sentence makes it a ranking
        "The Netherlands won the mixed relay in Dresden on Sunday, ahead of China and South Korea.\n"
        + "In the men's 1000 metres the Chinese skater Sun Long won, ahead of the South Korean Park Ji-won and the Canadian William Dandjinou.\n"
        + "The South Korean team will train in Milan this week.\nThe Chinese team flies home on Monday.")]
    [InlineData("Un restaurant coréano-chinois ouvre à Lyon", // food abroad: a restaurant's, not a relation
        "Le premier restaurant coréano-chinois de Lyon a ouvert ses portes rue Tronchet.\n"
        + "Son chef, un Coréen formé dans un restaurant chinois d'Incheon, sert des nouilles à la sauce de soja noir.\n"
        + "Les clients coréens et chinois du quartier viennent le midi.\nLe restaurant est ouvert du mardi au dimanche.")]
    public void Passing_mentions_and_false_friends_are_not_tagged(string title, string body) =>
        Assert.Empty(Tags(title, body));

    /// <summary>Relations beside what joins nothing: a game, a range, the Games. A sentence about
    /// a game joins no sides, but the sentences around it still can; another subject's headline
    /// only raises what the body must show (two sentences that join the sides).</summary>
    [Theory]
    [InlineData("South Korea's exports to China fall 3-4 percent", // a range is not a score: the sentence still joins the sides
        "South Korea's exports to China fell 3-4 percent in the first half, the trade ministry in Seoul said.\n"
        + "Chinese demand for Korean chips weakened, and Seoul and Beijing will hold trade talks in 2-3 weeks.\n"
        + "South Korea's ministry expects China's demand to recover.")]
    [InlineData("Seoul protests to Beijing over fans' abuse", // a protest between the governments over a match is a dispute between them
        "Chinese fans booed South Korea's anthem at the football match in Shenzhen.\n"
        + "South Korea's foreign ministry lodged a protest with China's ambassador in Seoul.\n"
        + "Beijing said it regretted the incident and would talk with Seoul.")]
    [InlineData("Hanbok row overshadows Beijing Olympics opening", // a dispute at the Games, under a headline naming them
        "South Korean politicians accused China of cultural appropriation after a performer wore a hanbok in the opening ceremony.\n"
        + "South Korea's culture minister said Seoul would raise the matter with Beijing.\n"
        + "China's embassy in Seoul said the ethnic Korean minority was one of China's 56 ethnic groups.\n"
        + "The dispute has strained ties between Seoul and Beijing.")]
    public void Relations_beside_a_game_a_range_or_the_games_are_tagged(string title, string body) =>
        Assert.Contains("korea-china", Tags(title, body));

    /// <summary>Two numbers joined by a dash are a range as often as a score: what follows tells.</summary>
    [Theory]
    [InlineData("South Korea beat China 3-1 on Sunday", "3-1")]
    [InlineData("Corea del Sur gana 1-0 a China; siegte 2:1; 以2比1击败韩国; 2–1로 이겼다", "1-0|2:1|2比1|2–1")]
    [InlineData("exports fell 3-4 percent over 2-3 days, 1-2% and 5-6명, 1-2年, a 13-2 vote", "")]
    [InlineData("on 2024-06-11 at 15:30 and 9:05, a tally of 2-0-1, 1-2.5 km, G-20, COVID-19", "")]
    public void Scores_are_told_from_ranges_dates_and_times(string text, string expected) =>
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), Scores.Find(text, 0).Select(s => text.Substring(s.Start, s.Length)));

    /// <summary>A sub-tag is judged on the side's specific evidence: "Korea" alone says neither
    /// North nor South, and ten of them no longer hide the two "South Korea"s.</summary>
    [Fact]
    public void Korea_alone_does_not_dilute_the_souths_subtag()
    {
        var tags = Tags("Korea and China open battery plant",
            "A Korean chemicals group and a Chinese supplier opened a plant in Korea on Monday.\n"
            + "Korea's industry ministry said the Korean plant would supply Korean carmakers; Chinese partners hold 40%.\n"
            + "South Korea and China agreed last year to ease investment rules, and Korean exports to China rose.\n"
            + "South Korea's trade minister will visit China next month.");
        Assert.Equal(["korea-china", "rok-china"], tags);
    }

    [Theory]
    [InlineData("북중 정상회담 개최", "북한과 중국은 평양에서 정상회담을 열었다. 김정은 위원장과 시진핑 주석은 북중 친선을 강조했다.", "dprk-china")]
    [InlineData("한·중 외교장관 회담", "외교부 장관이 베이징을 방문했다. 한ㆍ중 양측은 경제 협력을 논의했다.", "rok-china")]
    [InlineData("中韩外长在首尔会谈", "中国外交部长王毅在首尔同韩国外长会谈，双方同意加强中韩合作。", "rok-china")]
    [InlineData("中朝友好条约签订64周年", "朝鲜与中国互致贺电。金正恩表示，朝中友谊牢不可破。", "dprk-china")]
    [InlineData("Sydkorea och Kina enas om handel", "Sydkoreas och Kinas ministrar möttes i Seoul. Kina är Sydkoreas största handelspartner.", "rok-china")]
    [InlineData("КНДР и Китай расширяют сотрудничество", "Пекин и Пхеньян договорились расширять торговлю. Китай остается главным партнером КНДР.", "dprk-china")]
    [InlineData("北朝鮮と中国が首脳会談", "北朝鮮の金正恩総書記は中国の習近平国家主席と北京で会談した。", "dprk-china")]
    [InlineData("中, 北 노동자 송환 요구 거부", "정부 소식통이 14일 전했다.", "dprk-china")]                   // Hanja abbreviations of Korean headlines
    [InlineData("방中 앞둔 韓 외교장관 \"협력 논의\"", "외교부 장관이 다음 주 베이징을 방문한다.", "rok-china")]
    [InlineData("중한 관계 발전", "중한 관계는 새로운 단계에 들어섰다고 인민망이 보도했다.", "rok-china")]          // Chinese media's Korean services
    [InlineData("북중국교 수립 75주년", "북중국교 수립 75주년을 맞아 평양에서 행사가 열렸다.", "dprk-china")]         // not 북중국 (North China)
    [InlineData("한중 정상회담 14日·15日 베이징서…16日 귀국", "대통령은 시진핑 주석과 회담한다.", "rok-china")]        // Hanja days are no third party
    [InlineData("Summit in Beijing", "KOREA-CHINA SUMMIT - Leaders of South Korea and China met in Beijing on Tuesday.", "rok-china")] // a kicker, not a dateline
    [InlineData("중국 특파원단 방한", "(서울=연합뉴스) 중국 특파원단이 방한해 한국 통일부를 방문했다. 특파원단은 중국 외교부가 파견했다.", "rok-china")] // no reporter's "="
    [InlineData("산업부, 흑연 공급망 긴급 점검", // a Korean outlet's own ministry, by its short name
        "산업통상자원부는 13일 배터리 기업들과 긴급 점검회의를 열었다. 중국 상무부는 흑연 수출 허가제를 발표했다. 산업부 관계자는 \"對中 의존도를 낮추겠다\"고 말했다.", "rok-china")]
    [InlineData("电池装车量：国产企业份额再创新高", // China's companies, as Samsung is Korea's
        "今年上半年，宁德时代和比亚迪的全球份额继续上升。\n韩国三大电池企业的份额降至约23%。\n韩国业界人士坦言，韩国企业仍高度依赖中国供应链。\n比亚迪计划明年进入韩国市场。", "rok-china")]
    public void Korea_china_coverage_is_tagged_in_every_script(string title, string body, string subtag) =>
        Assert.Equal(new[] { subtag, "korea-china" }.Order(), Tags(title, body));

    [Theory]
    [InlineData("與 \"소중한 한 표 행사를\"…野 \"신중한 선택 해달라\"", "여야는 사전투표 첫날 투표 참여를 독려했다. 국민의힘은 \"소중한 한 표가 미래를 바꾼다\"고 말했다.")]
    [InlineData("경기 중북부 호우경보", "기상청은 경기 중북부와 강원 영서에 호우경보를 내렸다. 서울에도 강한 비가 예상된다.")]
    [InlineData("中 3분기 성장률 4.8%", "(서울=연합뉴스) 김기자 = 중국의 3분기 국내총생산 성장률이 4.8%로 집계됐다. 이날 한국 코스피는 0.3% 올랐다.")]
    [InlineData("North Korea, Russia sign pact", "BEIJING (Reuters) - North Korea and Russia signed a defence pact on Tuesday. China did not comment.")]
    [InlineData("韓國瑜：立法院將審慎處理中共滲透相關法案", "立法院長韓國瑜今日表示，面對中共持續對台滲透，立法院將依程序審慎處理。")]
    [InlineData("中国・四国地方の観光地、韓国人客が急回復", "観光庁によると、中国・四国地方を訪れた韓国人観光客は前年の1.5倍に増えた。")]
    [InlineData("Son back in South Korea's starting XI", "Son Heung-min returns to South Korea's starting XI against Jordan.")]
    public void Words_that_only_look_like_the_parties_are_not_evidence(string title, string body) =>
        Assert.Empty(Tags(title, body));

    [Fact]
    public void A_dateline_leans_the_sub_tag_but_names_no_side()
    {
        var decision = Tagger.Tag(Topics, "Seoul protests Chinese drills", "SEOUL (Yonhap) -- South Korea protested to China on Monday over drills in the Yellow Sea.")
            .First(t => t.Tag == "korea-china");
        Assert.Contains(decision.Evidence, m => m is { Term: "SEOUL", Field: Tagger.Dateline, Offset: 0 });
        Assert.DoesNotContain(decision.Evidence, m => m.Field == "body" && m.Offset == 0);
    }

    [Fact]
    public void Evidence_names_the_terms_and_where_they_stand()
    {
        var decision = Tagger.Tag(Topics, "Kim Jong-un meets Xi", "North Korea and China held talks in Beijing.").First(t => t.Tag == "korea-china");
        Assert.Contains(decision.Evidence, m => m is { Term: "Kim Jong-un", Field: "title", Offset: 0, Group: "dprk" });
        Assert.Contains(decision.Evidence, m => m is { Term: "Xi", Field: "title", Offset: 18 });
        Assert.Contains(decision.Evidence, m => m is { Term: "North Korea", Field: "body", Offset: 0 });
        // "North Korea" counts once, not again as "Korea".
        Assert.DoesNotContain(decision.Evidence, m => m is { Term: "Korea", Field: "body", Offset: 6 });
    }

    [Fact]
    public void A_broken_topics_file_is_an_error_naming_the_file_and_the_problem()
    {
        using var temp = new TempFolder();
        var path = temp.File("topics.json", """{"version":"1","topics":[{"tag":"t","sides":["a"],"groups":[{"name":"g","sides":["b"],"terms":{"en":["x"]}}]}]}""");
        var e = Assert.Throws<InvalidDataException>(() => TopicRules.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("side \"b\" is not one of the topic's sides", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A topic of one's own, written with only what it needs: what it leaves out takes
    /// the documented defaults (it failed to compile without "exclude", and a missing threshold was 0).</summary>
    [Fact]
    public void A_minimal_topic_takes_the_defaults_and_tags()
    {
        using var temp = new TempFolder();
        var path = temp.File("topics.json", """
            {"version":"1","topics":[{"tag":"t","sides":["a","b"],"groups":[
              {"name":"ga","sides":["a"],"terms":{"en":["alpha"]}},{"name":"gb","sides":["b"],"terms":{"en":["beta"]}}]}]}
            """);
        var rule = Assert.Single(TopicRules.Load(path).Topics);
        Assert.Equal((3.0, 2.0, 1, 2, 2, 0.3), (rule.TitleWeight, rule.MinSideScore, rule.MinJointSentences, rule.ShortBodySentences, rule.MinBodySentences, rule.SubtagMinShare));
        Assert.Empty(rule.Exclude);
        Assert.Empty(rule.Subtags);
        var topics = CompiledTopic.From(TopicRules.Load(path));
        Assert.Equal(["t"], Tagger.Tag(topics, "Alpha meets beta", "Alpha and beta met on Monday.").Select(t => t.Tag));
        Assert.Empty(Tagger.Tag(topics, "Alpha alone", "Alpha met gamma on Monday."));
    }

    /// <summary>A * inside a term was a literal star, and the term never matched ("Vereinigte*
    /// Staaten" in the shipped file): refused, naming the list, the language and the term.</summary>
    [Fact]
    public void A_star_before_a_terms_end_is_an_error()
    {
        using var temp = new TempFolder();
        var path = temp.File("topics.json", """{"version":"1","topics":[{"tag":"t","sides":["a"],"groups":[{"name":"g","sides":["a"],"terms":{"en":["x*"]}}],"exclude":{"de":["Süd* Meer"]}}]}""");
        var e = Assert.Throws<InvalidDataException>(() => TopicRules.Load(path));
        Assert.Equal($"{path}: topics[0] (t).exclude.de: \"Süd* Meer\" has a * that does not end a word (a * may only end a term, right after a letter).", e.Message);
        foreach (var bad in new[] { "Korea**", "Korea *", "*", "中*国" })
        {
            var other = temp.File("other.json", """{"version":"1","topics":[{"tag":"t","sides":["a"],"groups":[{"name":"g","sides":["a"],"terms":{"en":["BAD"]}}]}]}""".Replace("BAD", bad, StringComparison.Ordinal));
            Assert.Contains("has a * that does not end a word", Assert.Throws<InvalidDataException>(() => TopicRules.Load(other)).Message, StringComparison.Ordinal);
        }
    }
}
