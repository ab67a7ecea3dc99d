using System.Text.Json;
using Aggregator.Parsing.Documents;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Parsing;

/// <summary>The five seeds plus documents of other layouts and languages, each checked against
/// testdata/documents/expected.json: headline, date (null when unstated), outlet, byline,
/// language, and a body that starts and ends with the article and lacks the page furniture.</summary>
public sealed class DocumentParsingTests
{
    public static TheoryData<string> Files() =>
        new(Expected().Select(e => e.GetProperty("file").GetString()!));

    [Theory]
    [MemberData(nameof(Files))]
    public void Extracts_the_article(string file)
    {
        var expected = Expected().Single(e => e.GetProperty("file").GetString() == file);
        var path = file.StartsWith("seeds/", StringComparison.Ordinal)
            ? Path.Combine(RepoPaths.Root, file)
            : RepoPaths.TestData("documents", file);

        var doc = DocumentReader.Read(path, File.ReadAllBytes(path));

        var actual = $"title={doc.Title} | published={doc.PublishedAt:yyyy-MM-ddTHH:mm:ssZ} | outlet={doc.Outlet} | author={doc.Author} | lang={doc.Language}\n---\n{doc.Body}";
        Assert.True(expected.GetProperty("title").GetString() == doc.Title, "title\n" + actual);
        Assert.True(Str(expected, "published") == doc.PublishedAt?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), "published\n" + actual);
        Assert.True(Str(expected, "outlet") == doc.Outlet, "outlet\n" + actual);
        Assert.True(Str(expected, "author") == doc.Author, "author\n" + actual);
        Assert.True(expected.GetProperty("language").GetString() == doc.Language, "language\n" + actual);
        if (expected.TryGetProperty("url", out var url))
            Assert.Equal(url.GetString(), doc.Url);
        Assert.StartsWith(expected.GetProperty("bodyStarts").GetString()!, doc.Body, StringComparison.Ordinal);
        Assert.EndsWith(expected.GetProperty("bodyEnds").GetString()!, doc.Body, StringComparison.Ordinal);
        foreach (var had in expected.TryGetProperty("bodyHas", out var has) ? has.EnumerateArray() : default)
            Assert.True(doc.Body.Contains(had.GetString()!, StringComparison.Ordinal), $"body lacks \"{had.GetString()}\"\n{actual}");
        foreach (var lacked in expected.GetProperty("bodyLacks").EnumerateArray())
            Assert.True(!("\n" + doc.Body + "\n").Contains(lacked.GetString()!, StringComparison.Ordinal), $"body contains \"{lacked.GetString()}\"\n{actual}");
    }

    /// <summary>A Markdown note is republished as what it renders to (its table, its links), not
    /// as paragraphs of its text with the pipes and brackets left in; without its front matter
    /// and the headline that is already the entry's title.</summary>
    [Fact]
    public void A_markdown_document_is_published_as_its_html()
    {
        var path = RepoPaths.TestData("documents", "md_table_code_footnotes.md");
        var doc = DocumentReader.Read(path, File.ReadAllBytes(path));

        var published = Aggregator.Publishing.SanitizedContent.Of(doc.ContentHtml!, "https://example.org/notes/exports");
        Assert.Contains("<a href=\"https://example.org/motie\" rel=\"noopener noreferrer\">trade ministry</a>", published, StringComparison.Ordinal);
        Assert.Contains("<td>Q1 2025</td>", published, StringComparison.Ordinal);
        Assert.Contains("<blockquote>", published, StringComparison.Ordinal);
        Assert.Contains("<pre><code", published, StringComparison.Ordinal);
        Assert.DoesNotContain(doc.Title, published, StringComparison.Ordinal);
        Assert.DoesNotContain("Example Monitor", published, StringComparison.Ordinal);
        Assert.DoesNotContain("|", published, StringComparison.Ordinal);
    }

    /// <summary>"Save page as" on a Korean, Chinese or Japanese site keeps the site's encoding,
    /// which the page declares: such pages were refused as "not valid UTF-8".</summary>
    [Theory]
    [InlineData("euc-kr", "<meta charset=\"euc-kr\">", "한중 외교장관 회담", "조현 외교부 장관은 5일 서울에서 왕이 중국 외교부장과 회담하고 한반도 평화를 위한 협력에 뜻을 모았다고 밝혔다.")]
    [InlineData("gb18030", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">", "中韩外长在北京举行会谈", "中国外交部长王毅在北京同韩国外长赵显举行会谈，双方表示愿为半岛和平加强合作。")]
    [InlineData("shift_jis", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">", "日中韓外相会談", "韓国の趙顕外相は北京で中国の王毅外相と会談し、朝鮮半島の平和のため協力することで一致した。")]
    public void A_page_saved_in_the_encoding_it_declares_is_read_in_it(string encoding, string meta, string title, string body)
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var html = $"<html><head>{meta}<title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>";
        var doc = DocumentReader.Read("saved.html", System.Text.Encoding.GetEncoding(encoding).GetBytes(html));
        Assert.Equal(title, doc.Title);
        Assert.Contains(body, doc.Body, StringComparison.Ordinal);

        var undeclared = Assert.Throws<DocumentFormatException>(() => DocumentReader.Read("saved.txt", System.Text.Encoding.GetEncoding(encoding).GetBytes(title + "\n\n" + body)));
        Assert.Contains("no encoding declared; save the document as UTF-8", undeclared.Message, StringComparison.Ordinal);
    }

    /// <summary>A local time without a zone is in the zone of the document's language, as in
    /// feeds: these documents were stored 8–9 hours late, as if written in UTC.</summary>
    [Theory]
    [InlineData("ko.txt", "한중 외교장관, 경주 정상회의 준비 논의\n입력 2025.09.05 14:30\n\n조현 외교부 장관은 5일 서울에서 왕이 중국 외교부장과 회담하고 경주 정상회의 준비를 논의했다. 양측은 한반도 평화를 위한 협력에 뜻을 모았다.", "2025-09-05T05:30:00Z")]
    [InlineData("ja.txt", "日中韓外相会談、ソウルで開催へ\n2025年9月5日 14時30分\n\n韓国の趙顕外相は5日、北京で中国の王毅外相と会談し、両国首脳会談の準備について協議した。両外相は朝鮮半島の平和のため協力することで一致した。", "2025-09-05T05:30:00Z")]
    [InlineData("zh.txt", "中韩外长在北京举行会谈\n2025年9月5日 14:30\n\n中国外交部长王毅5日在北京同韩国外长赵显举行会谈，双方就筹备两国元首会晤交换意见，表示愿为半岛和平加强合作。", "2025-09-05T06:30:00Z")]
    [InlineData("ko.html", "<html lang=\"ko\"><head><meta property=\"article:published_time\" content=\"2025-11-01T18:05:00\"><title>한중 정상회담</title></head><body><article><h1>한중 정상회담</h1><p>이재명 대통령과 시진핑 주석이 경주에서 정상회담을 열고 교류 재개에 합의했다고 대통령실이 밝혔다.</p></article></body></html>", "2025-11-01T09:05:00Z")]
    [InlineData("ko-bare.txt", "한중 외교장관, 경주 정상회의 준비 논의\n\n2025.09.05 14:30\n\n조현 외교부 장관은 5일 서울에서 왕이 중국 외교부장과 회담하고 경주 정상회의 준비를 논의했다. 양측은 한반도 평화를 위한 협력에 뜻을 모았다.", "2025-09-05T05:30:00Z")] // a date on a line of its own was dropped as a number
    [InlineData("en-bare.txt", "Seoul and Beijing resume talks\n\n2025-09-05\n\nSouth Korea and China resumed their maritime dialogue on Friday, officials in Seoul said after the meeting.", "2025-09-05T00:00:00Z")]
    [InlineData("ko-bare.html", "<html lang=\"ko\"><head><title>한중 정상회담</title></head><body><article><h1>한중 정상회담</h1><p class=\"date\">2025.11.01 18:05</p><p>이재명 대통령과 시진핑 주석이 경주에서 정상회담을 열고 교류 재개에 합의했다고 대통령실이 밝혔다.</p></article></body></html>", "2025-11-01T09:05:00Z")]
    [InlineData("en.txt", "Seoul and Beijing resume talks\nSeptember 5, 2025 14:30\n\nSouth Korea and China resumed their maritime dialogue on Friday, officials in Seoul said after the meeting.", "2025-09-05T14:30:00Z")]
    public void A_local_time_in_a_document_is_in_the_zone_of_its_language(string name, string content, string expected)
    {
        var doc = DocumentReader.Read(name, System.Text.Encoding.UTF8.GetBytes(content));
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal), doc.PublishedAt);
    }

    /// <summary>Sites add their name to og:title and &lt;title&gt;: the stored headline carried
    /// "| Yonhap News Agency" and the like into every list, feed and mail.</summary>
    [Theory]
    [InlineData("<meta property=\"og:title\" content=\"Seoul, Beijing agree to resume tourism talks | Yonhap News Agency\"><meta property=\"og:site_name\" content=\"Yonhap News Agency\">", "", "Seoul, Beijing agree to resume tourism talks")]
    [InlineData("<meta property=\"og:title\" content=\"연합뉴스 - 한중 외교장관 회담\"><meta property=\"og:site_name\" content=\"연합뉴스\">", "", "한중 외교장관 회담")]
    [InlineData("<title>中韩外长在北京举行会谈_新闻_新浪网</title><meta property=\"og:site_name\" content=\"新浪网\">", "<h1>中韩外长在北京举行会谈</h1>", "中韩外长在北京举行会谈")]
    [InlineData("<title>日中韓外相会談、ソウルで開催へ - 日本経済新聞</title>", "<h1>日中韓外相会談、ソウルで開催へ</h1>", "日中韓外相会談、ソウルで開催へ")]
    [InlineData("<meta property=\"og:title\" content=\"Korea - China: the new normal\">", "<h1>Korea</h1>", "Korea - China: the new normal")] // a heading that is not the headline
    [InlineData("<meta property=\"og:title\" content=\"Example News\"><meta property=\"og:site_name\" content=\"Example News\">", "", "Example News")] // all name: kept
    [InlineData("<meta property=\"og:title\" content=\"South Korea's Lee in Beijing - day two\">", "<h1>South Korea's Lee in Beijing</h1>", "South Korea's Lee in Beijing - day two")] // a subtitle, not a site
    [InlineData("<meta property=\"og:title\" content=\"China says it opposes THAAD : Seoul responds\">", "<h1>China says it opposes THAAD</h1>", "China says it opposes THAAD : Seoul responds")]
    [InlineData("<meta property=\"og:title\" content=\"China - South Korea\"><meta property=\"og:site_name\" content=\"South Korea\">", "", "China - South Korea")] // too little left to be a headline
    public void A_site_name_added_to_the_title_is_cut(string head, string heading, string expected)
    {
        var html = $"<html><head>{head}</head><body><article>{heading}<p>South Korea and China agreed on Friday to resume talks that had stalled since 2022, officials said after the meeting in Seoul.</p></article></body></html>";
        Assert.Equal(expected, DocumentReader.Read("page.html", System.Text.Encoding.UTF8.GetBytes(html)).Title);
    }

    /// <summary>What must stay in the body around lists of other stories, and which dates date it.</summary>
    [Theory]
    [InlineData("a.txt", "Seoul and Beijing agree to reopen talks\n\nSouth Korea and China agreed on Friday to reopen talks on a fisheries accord, officials in Seoul said after the meeting.\n\nRelated articles\nChina fines Korean boats\n\nLee told reporters: \"We agreed to open a new chapter.\"\n\nMore in the coming days.", "We agreed to open a new chapter.", "China fines Korean boats")]
    [InlineData("zh.txt", "中韩外长在北京举行会谈\n\n中国外交部长王毅在北京同韩国外长举行会谈，双方表示愿为半岛和平加强合作，并就两国元首会晤交换意见。\n\n相关新闻\n韩国总统将访华\n\n王毅说：“中韩是搬不走的近邻。”", "中韩是搬不走的近邻", "韩国总统将访华")]
    [InlineData("portal.txt", "新鸭绿江大桥朝方一侧现新建海关设施\n\n据韩国媒体援引卫星图像报道，连接中国丹东市与朝鲜新义州市的新鸭绿江大桥朝方一侧近期出现大规模施工迹象。\n\n热门排行\n1 多地发布高温预警\n2 这部电影票房破20亿\n\n中国外交部表示，中朝双方就大桥开通事宜保持沟通。", "中朝双方就大桥开通事宜保持沟通", "票房破20亿")]
    [InlineData("de.txt", "K-Pop-Tanzkurse in Berlin ausgebucht\n\nIn einem Kulturzentrum in Berlin-Mitte lernen jede Woche mehr als 200 Jugendliche die Choreografien koreanischer Bands.\n\nMEHR ZUM THEMA\n» China droht Südkorea wegen Raketenabwehr mit Konsequenzen\n\nDie Nachfrage nach Sprachkursen habe sich seit 2020 verdreifacht, sagt der Leiter.", "Die Nachfrage nach Sprachkursen", "China droht Südkorea")]
    [InlineData("ru.txt", "Экспорт пшеницы вырос на 12%\n\nЭкспорт российской пшеницы в октябре составил около 5,3 млн тонн, что на 12% больше, чем в сентябре, сообщил аналитический центр.\n\nЧитайте также:\n— Товарооборот КНР и КНДР вырос на четверть\n\nЭксперты ожидают, что в ноябре темпы отгрузок сохранятся, но в декабре могут снизиться из-за штормов.", "темпы отгрузок сохранятся", "КНДР")]
    [InlineData("p.html", "<html><body><article><h1>Seoul and Beijing agree to reopen talks</h1><p>South Korea and China agreed on Friday to reopen talks on a fisheries accord, officials in Seoul said after the meeting.</p><h3>Related</h3><ul><li><a href=\"/1\">China fines Korean boats</a></li></ul><p>Next round in March</p></article></body></html>", "Next round in March", "China fines Korean boats")]
    public void The_article_resumes_after_a_list_of_other_stories(string name, string content, string kept, string dropped)
    {
        var doc = DocumentReader.Read(name, System.Text.Encoding.UTF8.GetBytes(content));
        Assert.Contains(kept, doc.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(dropped, doc.Body, StringComparison.Ordinal);
        if (name == "a.txt") Assert.EndsWith("More in the coming days.", doc.Body, StringComparison.Ordinal);
    }

    /// <summary>A fetched page of divs, marking nothing as the article (many Korean and Chinese
    /// portals): the element whose own paragraphs hold the most text is the article, not the
    /// menu's or the footer's lines; it is the content, with its links absolute.</summary>
    [Fact]
    public void A_page_of_divs_is_read_from_the_element_with_the_most_paragraph_text()
    {
        var page = HtmlDocumentParser.ParsePage("""
            <html lang="ko"><head><title>한중 국방 핫라인 개통 - 루프백일보</title></head><body>
            <div class="menu"><p><a href="/politics">정치</a></p><p><a href="/economy">경제</a></p><p>로그인 회원가입 고객센터 이용약관</p></div>
            <div class="wrap"><div class="view_cont">
              <p>한국과 중국이 국방부 간 직통전화를 다음 달 개통하기로 합의했다고 국방부가 23일 밝혔다.</p>
              <p>양국은 지난해 경주 정상회담 이후 <a href="../news/talks.html">실무협의</a>를 이어왔으며, 이번 합의로 서해상 우발적 충돌을 막는 장치가 마련됐다.</p>
              <p>중국 외교부 대변인은 정례 브리핑에서 "양국 관계 발전에 도움이 될 것"이라고 말했다.</p>
            </div></div>
            <div class="footer"><p>루프백일보 | 서울특별시 중구 세종대로 | 대표전화 02-000-0000 | 무단 전재 및 재배포 금지</p></div>
            </body></html>
            """, new Uri("https://news.example.kr/article/view/123"));

        Assert.StartsWith("한국과 중국이 국방부 간 직통전화를", page.Body, StringComparison.Ordinal);
        Assert.EndsWith("도움이 될 것\"이라고 말했다.", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("회원가입", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("무단 전재", page.Body, StringComparison.Ordinal);
        Assert.Contains("href=\"https://news.example.kr/article/news/talks.html\"", page.ContentHtml, StringComparison.Ordinal);
        Assert.Equal("ko", page.Language);
        // A saved page's relative links lead to files beside it: its content stays its text.
        Assert.Null(HtmlDocumentParser.Parse("<html><body><article><p>Seoul and Beijing agreed on a hotline.</p></article></body></html>").ContentHtml);
    }

    /// <summary>A main part holding a rail of teaser cards, each marked as an article, beside the
    /// story's own article: the story is read, not the main part (whose English teasers made the
    /// Korean story look like furniture in another script) nor the first card.</summary>
    [Fact]
    public void The_story_is_read_from_its_own_article_among_teaser_cards_marked_as_articles()
    {
        var cards = string.Concat(Enumerable.Range(1, 8).Select(i =>
            $"<article class=\"card\"><h3><a href=\"/en/{i}\">Markets in Asia close higher for day {i}</a></h3><p>A teaser of another story, in English, a line long, with a few more words.</p></article>"));
        var page = HtmlDocumentParser.ParsePage($"""
            <html><head><title>한중 국방 핫라인 개통</title></head><body><main>{cards}
            <article class="story"><h1>한중 국방 핫라인 개통</h1>
              <p>한국과 중국이 국방부 간 직통전화를 다음 달 개통하기로 합의했다고 국방부가 23일 밝혔다.</p>
              <p>양국은 지난해 정상회담 이후 실무협의를 이어왔다.</p></article>
            </main></body></html>
            """, new Uri("https://news.example.kr/view/1"));

        Assert.Equal("한국과 중국이 국방부 간 직통전화를 다음 달 개통하기로 합의했다고 국방부가 23일 밝혔다.\n\n양국은 지난해 정상회담 이후 실무협의를 이어왔다.", page.Body);
        Assert.DoesNotContain("teaser", page.ContentHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_date_alone_on_a_line_in_the_body_is_a_timeline_not_the_articles_date()
    {
        var doc = DocumentReader.Read("t.txt", System.Text.Encoding.UTF8.GetBytes(
            "Thirty years of Seoul–Beijing ties\n\nSouth Korea and China established diplomatic relations after decades apart, and trade between them has grown fortyfold since then.\n\n1992.08.24\n\nThe two governments signed the joint communique in Beijing.\n\n2016.07.08\n\nSeoul announced the deployment of THAAD."));
        Assert.Null(doc.PublishedAt);
    }

    /// <summary>A page saved from a feed's summary: its last paragraph, cut off with "...", is
    /// headline-shaped but below the article's first paragraph; the short headline above wins.</summary>
    [Fact]
    public void A_paragraph_cut_off_below_the_first_is_not_the_headline()
    {
        var doc = DocumentReader.Read("k.txt", System.Text.Encoding.UTF8.GetBytes(
            "K배터리 3사 점유율 뒷걸음\n\n국내 배터리 3사의 세계 전기차 배터리 시장 점유율이 하락세를 이어가고 있다. 중국 업체들이 가격 경쟁력을 앞세운 리튬인산철 배터리로 시장을 빠르게 장악하면서 격차는 더 벌어졌다.\n\n4일 에너지 전문 시장조사업체 케이에너지인사이트에 따르면 올해 1∼8..."));
        Assert.Equal("K배터리 3사 점유율 뒷걸음", doc.Title);
        Assert.EndsWith("올해 1∼8...", doc.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_seed_document_is_covered()
    {
        var covered = Expected().Select(e => e.GetProperty("file").GetString()).ToHashSet();
        foreach (var seed in Directory.GetFiles(RepoPaths.Seeds))
            Assert.Contains("seeds/" + Path.GetFileName(seed), covered);
    }

    [Theory]
    [InlineData(new byte[] { 0x48, 0x69, 0x00, 0x01 }, "binary content (NUL byte at offset 2)")]
    [InlineData(new byte[] { 0x48, 0x69, 0x20, 0xC3, 0x28 }, "not valid UTF-8")]
    [InlineData(new byte[] { 0x20, 0x0A, 0x0A }, "the document is empty")]
    public void Unreadable_documents_say_what_is_wrong(byte[] bytes, string message)
    {
        var e = Assert.Throws<DocumentFormatException>(() => DocumentReader.Read("x.txt", bytes));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static string? Str(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    private static List<JsonElement> Expected() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("documents", "expected.json"))).RootElement.EnumerateArray().ToList();
}
