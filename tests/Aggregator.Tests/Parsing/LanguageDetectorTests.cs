using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("The talks between the two countries were held in Beijing on Monday and the ministers said that trade would grow.", "en")]
    [InlineData("Kina är redo att stärka den strategiska kommunikationen med Nordkorea, meddelade Kinas president.", "sv")]
    [InlineData("Die Beziehungen würden sich durch keinen Wandel der internationalen Lage ändern, sagte Kim nach Angaben der Agentur.", "de")]
    [InlineData("La Chine et la Corée du Sud ont convenu mercredi de relancer leur dialogue commercial pour la première fois.", "fr")]
    [InlineData("Los gobiernos de China y Corea del Norte firmaron este martes un acuerdo para abrir el puente.", "es")]
    [InlineData("De regeringen van China en Noord-Korea hebben een akkoord gesloten over de nieuwe brug, meldt het persbureau.", "nl")]
    [InlineData("Chủ tịch Trung Quốc đã gửi điện mừng tới nhà lãnh đạo Triều Tiên và khẳng định quan hệ của hai nước.", "vi")]
    [InlineData("Председатель КНР направил поздравительное послание руководителю КНДР.", "ru")]
    [InlineData("시진핑 중국 국가주석이 김정은 국무위원장에게 축전을 보냈다.", "ko")]
    [InlineData("北朝鮮の金正恩総書記は北京で中国の習近平国家主席と会談した。", "ja")]
    [InlineData("国家主席习近平同朝鲜劳动党总书记金正恩互致贺电。", "zh-Hans")]
    [InlineData("中國國家主席習近平與韓國總統在北京會談，雙方同意加強經貿合作。", "zh-Hant")]
    [InlineData("韓國外交部長訪問台北", "zh-Hant")]
    [InlineData("中方表示", "zh")] // written alike in both scripts
    [InlineData("中国国防相訪韓 軍事協力強化で合意", "ja")] // a Japanese headline nearly all kanji: one particle in hiragana
    [InlineData("日中韓首脳会議 来月東京開催", "ja")] // none, but Japan's own form 脳
    [InlineData("据日本経済新闻报道，中国与韩国的经贸合作不断发展，两国领导人将于下个月举行会谈，讨论这个问题。", "zh-Hans")] // a Japanese name quoted in Chinese
    public void Detects_the_language(string text, string expected) =>
        Assert.Equal(expected, LanguageDetector.Detect(text));
}
