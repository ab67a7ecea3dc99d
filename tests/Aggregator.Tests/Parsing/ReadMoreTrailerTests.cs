using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

/// <summary>What feeds append to send readers to the site goes; the story's own words stay.</summary>
public sealed class ReadMoreTrailerTests
{
    [Theory]
    [InlineData("Seoul and Beijing agreed to resume talks. Continue reading…", "Seoul and Beijing agreed to resume talks.")]
    [InlineData("Seoul and Beijing agreed to resume talks.\n\nRead more »", "Seoul and Beijing agreed to resume talks.")]
    [InlineData("Seoul and Beijing agreed to resume … [Read the full story]", "Seoul and Beijing agreed to resume …")]
    [InlineData("Seoul and Beijing agreed to resume talks on the (more…)", "Seoul and Beijing agreed to resume talks on the")]
    [InlineData("Samsung will upgrade its Xi'an plant, sources said. The post Samsung to upgrade Xi'an plant appeared first on Chip Insider Asia.", "Samsung will upgrade its Xi'an plant, sources said.")]
    [InlineData("Le ministre est arrivé à Pékin.\n\nL’article Le ministre à Pékin est apparu en premier sur Asie Hebdo.", "Le ministre est arrivé à Pékin.")]
    [InlineData("Der Minister reiste nach Peking. Der Beitrag Minister in Peking erschien zuerst auf Ostasien Aktuell.", "Der Minister reiste nach Peking.")]
    [InlineData("Bộ trưởng đã đến Bắc Kinh. Bài viết Bộ trưởng đến Bắc Kinh xuất hiện đầu tiên tại Tin Á Châu.", "Bộ trưởng đã đến Bắc Kinh.")]
    [InlineData("Ministern anlände till Peking. Inlägget Ministern i Peking dök först upp på Östasien Nu.", "Ministern anlände till Peking.")]
    [InlineData("Министр прибыл в Пекин.\nЗапись Министр в Пекине впервые появилась на Азия Сегодня.", "Министр прибыл в Пекин.")]
    [InlineData("気象庁は28日、西日本で黄砂を観測した。29日にかけて西日\n\n投稿 今年初の黄砂、西日本で観測 は アジア気象ニュース に最初に表示されました。", "気象庁は28日、西日本で黄砂を観測した。29日にかけて西日")]
    [InlineData("韩国文化体育观光部宣布延长免签政策。 阅读全文", "韩国文化体育观光部宣布延长免签政策。")]
    [InlineData("外務省は3日、協議を再開すると発表した。続きを読む", "外務省は3日、協議を再開すると発表した。")]
    [InlineData("외교부는 3일 한중 협의를 재개한다고 밝혔다. (계속)", "외교부는 3일 한중 협의를 재개한다고 밝혔다.")]
    [InlineData("외교부는 3일 한중 협의를 재개한다고 밝혔다.\n기사 더보기 >", "외교부는 3일 한중 협의를 재개한다고 밝혔다.")]
    [InlineData("Ministern anlände till Peking. Läs mer", "Ministern anlände till Peking.")]
    [InlineData("El ministro llegó a Pekín. Leer más »", "El ministro llegó a Pekín.")]
    [InlineData("Министр прибыл в Пекин. Читать далее →", "Министр прибыл в Пекин.")]
    // The story's own words: not after a sentence's end, not at the end, or nothing else left.
    [InlineData("Visitors to the museum's website can read more about the exhibition.", null)]
    [InlineData("Read more about the talks in our explainer, published on Monday.", null)]
    [InlineData("The ministry said more details would follow. Officials declined to say more...", null)]
    [InlineData("Continue reading", null)]
    public void A_trailer_at_the_end_goes_and_nothing_else(string text, string? expected) =>
        Assert.Equal(expected ?? text, ReadMoreTrailer.Strip(text));

    /// <summary>A summary with its outlet's link and the same summary without it (another feed, the
    /// page) are one content.</summary>
    [Fact]
    public void A_feed_entry_loses_the_link_its_site_appends()
    {
        var feed = Aggregator.Parsing.Feeds.FeedParser.Parse("""
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Chip Insider Asia</title><link>http://127.0.0.1/</link><description>d</description>
            <item><title>Samsung to upgrade Xi'an plant</title><link>http://127.0.0.1/a</link>
              <description>&lt;p&gt;Samsung will upgrade its Xi'an NAND plant, sources said.&lt;/p&gt;&lt;p&gt;The post &lt;a href="http://127.0.0.1/a"&gt;Samsung to upgrade Xi'an plant&lt;/a&gt; appeared first on &lt;a href="http://127.0.0.1/"&gt;Chip Insider Asia&lt;/a&gt;.&lt;/p&gt;</description></item>
            <item><title>Seoul, Beijing resume talks</title><link>http://127.0.0.1/b</link>
              <description>&lt;p&gt;Seoul and Beijing agreed to resume talks. &lt;a href="http://127.0.0.1/b"&gt;Continue reading →&lt;/a&gt;&lt;/p&gt;</description></item>
            </channel></rss>
            """u8.ToArray(), new Uri("http://127.0.0.1/feed")).Feed!;
        var bodies = feed.Entries.Select(e => Aggregator.Ingestion.FeedIngestor.Article(e, feed)!.Value.Article.Body).ToList();
        Assert.Equal(["Samsung will upgrade its Xi'an NAND plant, sources said.", "Seoul and Beijing agreed to resume talks."], bodies);
    }
}
