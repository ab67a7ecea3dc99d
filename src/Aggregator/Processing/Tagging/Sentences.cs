namespace Aggregator.Processing.Tagging;

/// <summary>Sentence spans of a text in any of the sources' languages: a paragraph break ends a
/// sentence; so do 。！？ always, and . ! ? when followed by white space and then not a lower-case
/// letter or digit ("Jan. 15", "e.g. the"). A period after a lone capital or a two-letter
/// capitalized word ("D.P.R.K.", "Mr. Kim", "St. Petersburg") ends nothing: splitting there would
/// cut names in half.</summary>
public static class Sentences
{
    public static IReadOnlyList<(int Start, int End)> Split(string text)
    {
        var spans = new List<(int, int)>();
        var start = 0;
        void Close(int end)
        {
            if (text.AsSpan(start, end - start).Trim().Length > 0) spans.Add((start, end));
            start = end;
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') Close(i + 1);
            else if (c is '。' or '！' or '？' or '．') Close(i + 1);
            else if (c is '.' or '!' or '?' && EndsSentence(text, i)) Close(i + 1);
        }
        Close(text.Length);
        return spans;
    }

    private static bool EndsSentence(string text, int at)
    {
        var next = at + 1;
        if (next < text.Length && !char.IsWhiteSpace(text[next])) return false;
        while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
        if (next < text.Length && (char.IsLower(text[next]) || char.IsDigit(text[next]))) return false;
        if (text[at] != '.') return true;
        var wordStart = at;
        while (wordStart > 0 && char.IsLetter(text[wordStart - 1])) wordStart--;
        var word = text.AsSpan(wordStart, at - wordStart);
        return !(word.Length == 1 && char.IsUpper(word[0]) || word.Length == 2 && char.IsUpper(word[0]));
    }
}
