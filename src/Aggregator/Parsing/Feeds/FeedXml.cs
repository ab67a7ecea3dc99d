using System.Xml;
using System.Xml.Linq;

namespace Aggregator.Parsing.Feeds;

/// <summary>Namespaces and small helpers shared by the XML feed readers.</summary>
public static class FeedXml
{
    public static readonly XNamespace Atom10 = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace Atom03 = "http://purl.org/atom/ns#";
    public static readonly XNamespace Rss10 = "http://purl.org/rss/1.0/";
    public static readonly XNamespace Rss090 = "http://my.netscape.com/rdf/simple/0.9/";
    public static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    public static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    public static readonly XNamespace DcTerms = "http://purl.org/dc/terms/";
    public static readonly XNamespace Sy = "http://purl.org/rss/1.0/modules/syndication/";
    public static readonly XNamespace Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    public static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    public static readonly XNamespace Xml = XNamespace.Xml;

    /// <summary>Hostile input: no DTD, no external anything, no entity expansion; comments and
    /// processing instructions dropped. Memory is bounded by the body limit of the fetcher.</summary>
    public static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CheckCharacters = false,
    };

    /// <summary>Deeper nesting than any real feed has is refused before anything recursive
    /// (copying, serializing, Syndication's reader) can meet it.</summary>
    public const int MaxDepth = 256;

    /// <summary>Attributes kept per element; the rest are dropped. LINQ to XML checks each one
    /// added against those already there: 80,000 on one element took 7 s, a 10 MB body of them
    /// twenty minutes. Real feeds' elements carry a handful.</summary>
    public const int MaxAttributes = 256;

    /// <summary>Entries read from one document; those after are left out. A 10 MB body of
    /// 190,000 tiny entries took a cycle to 540 MB; the longest real feeds (podcasts' whole
    /// archives) have a few thousand.</summary>
    public const int MaxEntries = 10_000;

    public static string TooManyEntries(int count) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count:N0} entries; those after the first {MaxEntries:N0} were left out");

    /// <summary>Builds the tree node by node from the reader, so that a document cut short or
    /// broken halfway keeps everything before the break (reported as a problem) instead of
    /// losing the whole feed. The loop is iterative: deep nesting cannot exhaust the stack.</summary>
    /// <param name="undeclaredPrefixes">Prefixes the document uses without declaring them: the
    /// well-known ones get their namespace (media:, dc:, …), any other one a made-up one.</param>
    public static (XDocument Document, string? Problem) Load(string text, IReadOnlyList<string>? undeclaredPrefixes = null) =>
        Load(text, undeclaredPrefixes, out _);

    /// <param name="leftOut">Set when elements nested past <see cref="MaxDepth"/> were left out:
    /// only that subtree goes, read past without being built (100,000 nested tags in one
    /// description had cost that entry and every one after it).</param>
    public static (XDocument Document, string? Problem) Load(string text, IReadOnlyList<string>? undeclaredPrefixes, out string? leftOut) =>
        Load(text, undeclaredPrefixes, out leftOut, out _);

    /// <param name="brokenAt">Where the text stopped being XML (1-based line and position), when it did.</param>
    public static (XDocument Document, string? Problem) Load(string text, IReadOnlyList<string>? undeclaredPrefixes, out string? leftOut, out (int Line, int Position)? brokenAt)
    {
        leftOut = null;
        brokenAt = null;
        var entries = 0;
        string? attributesLeftOut = null;
        using var reader = undeclaredPrefixes is not { Count: > 0 }
            ? XmlReader.Create(new StringReader(text), ReaderSettings)
            : XmlReader.Create(new StringReader(text), ReaderSettings, Declaring(undeclaredPrefixes));
        XElement? root = null;
        var open = new Stack<XElement>();
        try
        {
            var read = reader.Read();
            while (read)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth <= 2 && reader.LocalName is "item" or "entry" && ++entries > MaxEntries)
                {
                    // Past the bound: read past, never built (an entry is at depth 1 or 2 in every format).
                    reader.Skip();
                    read = !reader.EOF;
                    continue;
                }
                if (reader.NodeType == XmlNodeType.Element && reader.Depth >= MaxDepth)
                {
                    leftOut ??= $"elements nested deeper than {MaxDepth} levels were left out (from line {((IXmlLineInfo)reader).LineNumber}, position {((IXmlLineInfo)reader).LinePosition})";
                    // Skip reads through the subtree (the reader keeps its depth in an array, not
                    // on the stack) and stops on the node after it, which is handled next, not read past.
                    reader.Skip();
                    read = !reader.EOF;
                    continue;
                }
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var element = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI));
                        if (reader.MoveToFirstAttribute())
                        {
                            var kept = 0;
                            do
                            {
                                // Namespace declarations are already in the element names; the
                                // reader has refused an attribute given twice.
                                if (reader.NamespaceURI == XNamespace.Xmlns.NamespaceName) continue;
                                if (kept++ < MaxAttributes)
                                    element.Add(new XAttribute(XName.Get(reader.LocalName, reader.NamespaceURI), reader.Value));
                                else
                                    attributesLeftOut ??= $"attributes after the first {MaxAttributes} of an element were left out (from line {((IXmlLineInfo)reader).LineNumber})";
                            }
                            while (reader.MoveToNextAttribute());
                            reader.MoveToElement();
                        }
                        if (open.Count == 0) root ??= element; else open.Peek().Add(element);
                        if (!reader.IsEmptyElement) open.Push(element);
                        break;
                    case XmlNodeType.EndElement:
                        open.Pop();
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                        // Added as a string, not an XText: an element whose content is one string
                        // gives it back from .Value as it is, where an XText node is copied each time.
                        if (open.Count > 0) open.Peek().Add(reader.Value);
                        break;
                    case XmlNodeType.Whitespace when open.Count > 0 && (open.Peek().Name.Namespace == Xhtml || open.Peek().LastNode is not null && InTextElement(open)):
                        // Inside embedded XHTML, or unescaped HTML in a description, a space between
                        // inline elements is text ("<b>a</b> <i>b</i>"); between a feed's own elements
                        // it is layout, which Syndication's reader refuses.
                        open.Peek().Add(reader.Value);
                        break;
                }
                read = reader.Read();
            }
            leftOut = WithEntriesLeftOut(Joined(leftOut, attributesLeftOut), entries);
            return (new XDocument(root), null);
        }
        catch (XmlException e)
        {
            if (root is null) throw;
            // An entry cut off by the break is incomplete: drop it, keep the ones before it.
            foreach (var unfinished in open.Where(x => x.Name.LocalName is "item" or "entry").ToList())
                unfinished.Remove();
            leftOut = WithEntriesLeftOut(Joined(leftOut, attributesLeftOut), entries);
            brokenAt = (e.LineNumber, e.LinePosition);
            return (new XDocument(root), $"not well-formed XML at line {e.LineNumber}, position {e.LinePosition} ({e.Message}); kept what came before");
        }
    }

    private static string? WithEntriesLeftOut(string? leftOut, int entries) => entries <= MaxEntries ? leftOut : Joined(leftOut, TooManyEntries(entries));

    private static string? Joined(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;

    private static XmlParserContext Declaring(IReadOnlyList<string> prefixes)
    {
        var names = new NameTable();
        var namespaces = new XmlNamespaceManager(names);
        foreach (var prefix in prefixes)
            namespaces.AddNamespace(prefix, WellKnownPrefixes.TryGetValue(prefix, out var known) ? known : "urn:x-undeclared-prefix:" + prefix);
        return new XmlParserContext(names, namespaces, null, XmlSpace.None);
    }

    /// <summary>The namespaces feeds mean by the usual prefixes, for those that forget to declare them.</summary>
    private static readonly Dictionary<string, string> WellKnownPrefixes = new(StringComparer.Ordinal)
    {
        ["media"] = "http://search.yahoo.com/mrss/",
        ["dc"] = Dc.NamespaceName,
        ["dcterms"] = DcTerms.NamespaceName,
        ["content"] = Content.NamespaceName,
        ["atom"] = Atom10.NamespaceName,
        ["itunes"] = Itunes.NamespaceName,
        ["sy"] = Sy.NamespaceName,
        ["rdf"] = Rdf.NamespaceName,
        ["slash"] = "http://purl.org/rss/1.0/modules/slash/",
        ["wfw"] = "http://wellformedweb.org/CommentAPI/",
        ["georss"] = "http://www.georss.org/georss",
        ["feedburner"] = "http://rssnamespace.org/feedburner/ext/1.0",
    };

    /// <summary>Whether an element on the stack holds text that may be HTML written unescaped.</summary>
    private static bool InTextElement(Stack<XElement> open)
    {
        foreach (var e in open)
            if (IsTextElement(e.Name.LocalName)) return true;
        return false;
    }

    /// <summary>The feed elements whose text may be HTML written unescaped (by local name: RSS's
    /// description, content:encoded, Atom's text constructs).</summary>
    public static bool IsTextElement(ReadOnlySpan<char> localName) =>
        localName is "description" or "title" or "summary" or "content" or "encoded" or "subtitle" or "tagline" or "info" or "rights" or "copyright";

    /// <summary>Elements in the namespaces the readers treat as the format's own: some feeds put
    /// RSS elements in a namespace of their own invention, which feedparser tolerates too.</summary>
    /// <remarks>These lookups run a dozen times per entry: written as loops over the child nodes,
    /// without LINQ's iterators and closures, which were two thirds of what reading an entry
    /// out of its tree allocated.</remarks>
    public static IEnumerable<XElement> Own(this XElement parent, string localName)
    {
        for (var node = parent.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement e && e.Name.LocalName == localName && IsCore(e.Name.Namespace))
                yield return e;
    }

    public static XElement? FirstOwn(this XElement parent, string localName)
    {
        for (var node = parent.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement e && e.Name.LocalName == localName && IsCore(e.Name.Namespace))
                return e;
        return null;
    }

    /// <summary>Module elements by namespace family: feeds spell module namespaces with other
    /// capitalization or without the trailing slash ("http://www.itunes.com/DTDs/Podcast-1.0.dtd").</summary>
    public static IEnumerable<XElement> Module(this XElement parent, string family, string localName)
    {
        for (var node = parent.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement e && InModule(e, family, localName))
                yield return e;
    }

    public static XElement? FirstModule(this XElement parent, string family, string localName)
    {
        for (var node = parent.FirstNode; node is not null; node = node.NextNode)
            if (node is XElement e && InModule(e, family, localName))
                return e;
        return null;
    }

    public static bool InModule(XElement e, string family, string localName) =>
        e.Name.LocalName == localName && e.Name.NamespaceName.Contains(family, StringComparison.OrdinalIgnoreCase);

    public const string ItunesFamily = "itunes.com/dtds/podcast";
    public const string MediaFamily = "search.yahoo.com/mrss";
    public const string DcFamily = "purl.org/dc/elements/1.1";
    public const string DcTermsFamily = "purl.org/dc/terms";
    public const string ContentFamily = "purl.org/rss/1.0/modules/content";

    public static bool IsCore(XNamespace ns) =>
        ns == XNamespace.None || ns == Rss10 || ns == Rss090 || ns == Atom10 || ns == Atom03
        || ns.NamespaceName.Contains("backend.userland.com", StringComparison.Ordinal)
        || ns.NamespaceName.Contains("purl.org/rss", StringComparison.Ordinal);

    public static string? Text(XElement? e)
    {
        if (e is null) return null;
        var value = e.Value.Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>An Atom link relation is "alternate" when absent, named so, or given as its full
    /// IANA IRI (RFC 4287 §4.2.7.2).</summary>
    public static bool IsAlternate(string? rel) =>
        rel is null || rel.Trim().ToLowerInvariant() is "alternate" or "http://www.iana.org/assignments/relation/alternate"; // relation names are case-insensitive (RFC 8288 §2.1.1)

    /// <summary>The markup inside an element, as text (xhtml content, unescaped HTML in RSS).</summary>
    public static string InnerXml(XElement e)
    {
        using var writer = new StringWriter();
        foreach (var node in e.Nodes())
        {
            if (node is XElement child)
            {
                // Drop the xhtml namespace declarations: readers expect plain HTML.
                var copy = new XElement(child);
                foreach (var d in copy.DescendantsAndSelf())
                {
                    d.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
                    d.Name = d.Name.LocalName;
                }
                writer.Write(copy.ToString(SaveOptions.DisableFormatting));
            }
            else if (node is XText text)
            {
                writer.Write(System.Security.SecurityElement.Escape(text.Value));
            }
        }
        return writer.ToString();
    }

    /// <summary>xml:base in scope (RFC 3986 resolution from the outermost), on top of the feed's own URL.</summary>
    public static Uri? BaseOf(XElement? e, Uri? documentUrl)
    {
        var bases = new Stack<string>();
        for (var x = e; x is not null; x = x.Parent)
            if (x.Attribute(Xml + "base")?.Value is { } b)
                bases.Push(b.Trim());
        var current = documentUrl;
        foreach (var b in bases)
            current = current is null
                ? Uri.TryCreate(b, UriKind.Absolute, out var abs) ? abs : null
                : Uri.TryCreate(current, b, out var rel) ? rel : current;
        return current;
    }

    public static string? Resolve(string? href, XElement context, Uri? documentUrl)
    {
        if (string.IsNullOrWhiteSpace(href)) return null;
        href = href.Trim();
        // Escaped twice ("?a=1&amp;amp;b=2" in the XML): the address means "&", as feedparser reads it.
        if (href.Contains("&amp;", StringComparison.Ordinal)) href = href.Replace("&amp;", "&", StringComparison.Ordinal);
        // A scheme written out makes it absolute; on Unix "/story/1" would otherwise parse as a file URI.
        if (HasScheme(href)) return href;
        var baseUri = BaseOf(context, documentUrl);
        return baseUri is not null && Uri.TryCreate(baseUri, href, out var resolved) ? resolved.ToString() : href;
    }

    private static readonly System.Buffers.SearchValues<char> SchemeCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

    private static bool HasScheme(string href)
    {
        var colon = href.IndexOf(':', StringComparison.Ordinal);
        return colon > 1 && char.IsAsciiLetter(href[0]) && href.AsSpan(0, colon).IndexOfAnyExcept(SchemeCharacters) < 0;
    }

    public static string? Language(XElement e)
    {
        for (var x = e; x is not null; x = x.Parent)
            if (x.Attribute(Xml + "lang")?.Value is { Length: > 0 } lang)
                return lang;
        return null;
    }
}
