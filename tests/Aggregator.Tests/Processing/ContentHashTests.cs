using Aggregator.Processing;

namespace Aggregator.Tests.Processing;

public sealed class ContentHashTests
{
    [Fact]
    public void Copies_that_differ_only_in_case_width_spacing_and_typography_hash_alike()
    {
        var a = ContentHash.Of("Kim’s visit to Beijing", "China and the DPRK —  friends.\n\nMore  text.");
        var b = ContentHash.Of("KIM'S VISIT TO BEIJING", "China and the ＤＰＲＫ - friends. More text.");
        Assert.Equal(a, b);
        Assert.Equal(64, a.Length);
    }

    [Fact]
    public void Different_words_hash_differently()
    {
        Assert.NotEqual(ContentHash.Of("Kim visits Beijing", "Text."), ContentHash.Of("Kim visits Moscow", "Text."));
        // Title and body are separate fields: moving text between them is a different item.
        Assert.NotEqual(ContentHash.Of("A B", "C"), ContentHash.Of("A", "B C"));
    }
}
