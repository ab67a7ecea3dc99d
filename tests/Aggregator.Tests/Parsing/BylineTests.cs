using Aggregator.Parsing.Feeds;

namespace Aggregator.Tests.Parsing;

public sealed class BylineTests
{
    [Theory]
    [InlineData("kb@kyongbuk.example.kr (김민수)", "김민수")]         // RSS 2.0's own form
    [InlineData("김민수 <kb@kyongbuk.example.kr>", "김민수")]          // mail's
    [InlineData("Kim Min-su (kb@kyongbuk.example.kr)", "Kim Min-su")] // an Atom person with both, as the readers give it
    [InlineData("newsroom@heraldcorp.example", "newsroom@heraldcorp.example")] // an address alone is all there is
    [InlineData("\"Kim, Min-su\" <kb@kyongbuk.example.kr>", "Kim, Min-su")] // a display name quoted as mail quotes one
    [InlineData("\"The Rock\" Johnson <r@x.example>", "\"The Rock\" Johnson")] // quotes inside a name stay
    [InlineData("홍길동 기자", "홍길동 기자")]
    [InlineData("Reuters (Seoul)", "Reuters (Seoul)")]                 // brackets without an address are part of the name
    public void The_byline_is_the_name_in_an_author_field(string author, string expected) =>
        Assert.Equal(expected, Byline.Name(author));
}
