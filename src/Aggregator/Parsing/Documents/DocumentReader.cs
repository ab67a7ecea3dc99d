using System.Text;

namespace Aggregator.Parsing.Documents;

/// <summary>Turns a document file's bytes into a parsed document, by its extension.</summary>
public static class DocumentReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ParsedDocument Read(string fileName, byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) is var nul and >= 0 && !HasUtf16Bom(bytes))
            throw new DocumentFormatException($"binary content (NUL byte at offset {nul}), not a text document");
        var text = Decode(bytes);
        if (string.IsNullOrWhiteSpace(text))
            throw new DocumentFormatException("the document is empty");
        return Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".html" or ".htm" => HtmlDocumentParser.Parse(text),
            ".md" or ".markdown" => MarkdownDocumentParser.Parse(text),
            _ => TextDocumentParser.Parse(text),
        };
    }

    /// <summary>A BOM decides; otherwise valid UTF-8 is UTF-8 (whatever a page declares, as for
    /// feeds), then the encoding a page declares (`&lt;meta charset="euc-kr"&gt;`: "Save page as"
    /// on a Korean, Chinese or Japanese site keeps the site's own), else an error says where the
    /// text is not UTF-8.</summary>
    private static string Decode(byte[] bytes)
    {
        if (HasUtf16Bom(bytes))
            return (bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode).GetString(bytes, 2, bytes.Length - 2);
        var start = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            if (Feeds.FeedDecoder.Declared(bytes) is { } name && Feeds.FeedDecoder.Resolve(name) is { CodePage: not 65001 } declared)
            {
                try
                {
                    return Strict(declared).GetString(bytes);
                }
                catch (DecoderFallbackException)
                {
                    throw new DocumentFormatException($"declared as {name} but not valid {name}, nor UTF-8 (first bad byte at offset {start + e.Index}); save the document as UTF-8");
                }
            }
            throw new DocumentFormatException($"not valid UTF-8 (first bad byte at offset {start + e.Index}) and no encoding declared; save the document as UTF-8");
        }
    }

    private static Encoding Strict(Encoding encoding) =>
        Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private static bool HasUtf16Bom(byte[] bytes) => bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..];
}
