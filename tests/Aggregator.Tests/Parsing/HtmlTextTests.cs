using Aggregator.Parsing.Feeds;

namespace Aggregator.Tests.Parsing;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("<p>One  two</p><p>three</p>", "One two\n\nthree")]
    [InlineData("<div>\n  Lead <b>bold</b>\n</div>\n<div></div><br><p>Next&nbsp;line &amp; more</p>", "Lead bold\n\nNext line & more")]
    [InlineData("Text<script>var x = '<p>';</script> after<!-- <p>hidden</p> -->", "Text after")]
    [InlineData("<ul><li>a</li><li>b</li></ul>", "a\n\nb")]
    [InlineData("<table><tr><th>City</th><th>Visitors</th></tr><tr><td>Seoul</td><td>1,200</td></tr></table>", "City Visitors\n\nSeoul 1,200")]
    [InlineData("<dl><dt>Date</dt><dd>2026-11-20</dd></dl><figure><img src=a.jpg><figcaption>Talks in Seoul</figcaption></figure>", "Date\n\n2026-11-20\n\nTalks in Seoul")]
    [InlineData("no markup at all", "no markup at all")]
    [InlineData("<p>  </p><p>\t</p>", "")]
    // A '>' inside a quoted attribute value does not end the tag; an unclosed script runs to the end.
    [InlineData("<p>Seoul <img alt=\"x>LEAK\" src='a>b.png'>talks</p>", "Seoul talks")]
    [InlineData("<p>Lead</p><script>var LEAK = 1; document.write('<p>x</p>')", "Lead")]
    [InlineData("<p>Kept <b title=a>b</b> unquoted</p>", "Kept b unquoted")]
    // Where an element's end tag is, is remembered per name: each object finds its own, an
    // unclosed one loses just its tag, and names match in any case.
    [InlineData("<object>a</object>b<object>c</object>d", "bd")]
    [InlineData("<object>a<object>b", "ab")]
    [InlineData("<OBJECT>a</object>b<Object>c</OBJECT>d<embed>e", "bde")]
    [InlineData("x<object>a<object>b</object>c", "xc")]
    public void Block_elements_become_paragraphs_and_the_rest_collapses(string html, string expected) =>
        Assert.Equal(expected, HtmlText.ToParagraphs(html));

    /// <summary>The one-pass version against the plain definition (split at blank lines, collapse
    /// each paragraph, drop the empty ones, join) on texts made of the characters that matter.</summary>
    [Fact]
    public void Collapsing_paragraphs_in_one_pass_agrees_with_split_collapse_join()
    {
        var random = new Random(7);
        const string alphabet = "ab \n\n\t\u00a0\u3000文";
        for (var n = 0; n < 20_000; n++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var expected = string.Join("\n\n", text.Split("\n\n").Select(HtmlText.Collapse).Where(p => p.Length > 0));
            Assert.Equal(expected, HtmlText.CollapseParagraphs(text));
        }
    }
}
