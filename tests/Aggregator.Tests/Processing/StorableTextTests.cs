using Aggregator.Processing;

namespace Aggregator.Tests.Processing;

public sealed class StorableTextTests
{
    private const char High = (char)0xD800, Low = (char)0xDC00, Replacement = '\uFFFD';

    /// <summary>Built at run time: a lone surrogate in an attribute's string does not survive compilation.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "plain text\twith\nbreaks\r\n", "plain text\twith\nbreaks\r\n" },
        { "emoji 🇰🇷 and 𠀀 (pairs) stay", "emoji 🇰🇷 and 𠀀 (pairs) stay" },
        { "nul\0 and bell\u0007 go", "nul and bell go" },
        { $"lone {High} high", $"lone {Replacement} high" },
        { $"lone {Low} low", $"lone {Replacement} low" },
        { $"pair 😀 then lone {(char)0xD83D}", $"pair 😀 then lone {Replacement}" },
        { $"{Low}{High}", $"{Replacement}{Replacement}" }, // reversed: neither is half of a pair
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Removes_controls_and_replaces_lone_surrogates(string text, string expected) =>
        Assert.Equal(expected, StorableText.Clean(text));

    [Fact]
    public void Clean_text_is_returned_as_it_is()
    {
        var text = string.Concat("한중 외교 ", "😀");
        Assert.Same(text, StorableText.Clean(text));
    }
}
