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
        foreach (var lacked in expected.GetProperty("bodyLacks").EnumerateArray())
            Assert.True(!("\n" + doc.Body + "\n").Contains(lacked.GetString()!, StringComparison.Ordinal), $"body contains \"{lacked.GetString()}\"\n{actual}");
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
