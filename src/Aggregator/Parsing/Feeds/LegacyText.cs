using System.Text;

namespace Aggregator.Parsing.Feeds;

/// <summary>Bytes in a legacy encoding (EUC-KR, GBK, Big5, Shift_JIS, windows-125x…) read as
/// browsers read them (WHATWG Encoding): a sequence that is not valid becomes one U+FFFD, and an
/// ASCII byte inside it is read again as itself. .NET's code-page decoders hand a lead byte and
/// the byte after it to the fallback as one bad pair, so a summary cut in the middle of a
/// character ("…발표했\xC7&lt;/description&gt;") lost its "&lt;", and the markup after it
/// ran into the text.</summary>
public static class LegacyText
{
    /// <param name="Invalid">How many sequences were not valid in the encoding.</param>
    /// <param name="Valid">How many characters beyond ASCII were read.</param>
    /// <param name="Private">How many of them are private-use code points: characters the
    /// encoding's table maps nowhere in Unicode (Big5-HKSCS's Cantonese characters read as Big5).</param>
    public readonly record struct Read(string Text, int Invalid, int Valid, int Private = 0)
    {
        /// <summary>Damaged here and there (a CMS that cut characters in half), not written in
        /// another encoding: at least ten good characters for each bad sequence.</summary>
        public bool Mostly => Invalid == 0 || Valid >= 10 * Invalid;
    }

    public static Read Decode(Encoding encoding, byte[] bytes)
    {
        var fallback = new KeepAscii { ShiftJis = encoding.CodePage == 932 };
        var decoding = Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ReplacementFallback, fallback);
        // Counted, then decoded into the string itself (as GetString does, without a second copy);
        // the bad sequences are counted in the first pass only.
        var length = decoding.GetCharCount(bytes);
        var invalid = fallback.Invalid;
        var text = string.Create(length, (decoding, bytes), static (chars, state) => state.decoding.GetChars(state.bytes, chars));
        var (valid, privateUse) = (0, 0);
        foreach (var c in text)
        {
            if (c >= 0x80 && c != '\uFFFD' && !char.IsLowSurrogate(c)) valid++;
            if (c is >= '\uE000' and <= '\uF8FF') privateUse++;
        }
        return new(text, invalid, valid, privateUse);
    }

    /// <summary>Shift_JIS's "NEC-selected IBM extensions" (lead bytes ED and EE), which .NET's
    /// code page 932 does not map and browsers do (WHATWG's index): 360 kanji such as 髙 and 﨑
    /// (Japanese surnames and company names: 髙島屋, 山﨑), then ⅰ–ⅹ, ￢, ￤, ＇, ＂. Each is the same
    /// character as one of the IBM extensions (FA40–FC4B), which code page 932 reads: the kanji 28
    /// places on, the rest as below, counted over the 188 trail bytes of a lead byte.</summary>
    internal static char? NecSelected(byte lead, byte trail)
    {
        if (lead is not (0xED or 0xEE) || trail is < 0x40 or 0x7F or > 0xFC) return null;
        var index = (lead - 0xED) * 188 + trail - 0x40 - (trail > 0x7F ? 1 : 0);
        var ibm = index switch
        {
            <= 359 => index + 28,
            >= 362 and <= 371 => index - 362,
            >= 372 and <= 375 => index - 352,
            _ => -1,
        };
        if (ibm < 0) return null;
        var (ibmLead, ibmTrail) = (0xFA + ibm / 188, ibm % 188);
        byte[] pair = [(byte)ibmLead, (byte)(ibmTrail + 0x40 + (ibmTrail >= 0x3F ? 1 : 0))];
        var text = CodePage932.GetString(pair);
        return text.Length == 1 && text[0] != '\uFFFD' ? text[0] : null;
    }

    private static Encoding CodePage932 => Encoding.GetEncoding(932, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);

    /// <summary>Counts what it replaces; one per decoding, so the count is that text's.</summary>
    private sealed class KeepAscii : DecoderFallback
    {
        public int Invalid;
        public bool ShiftJis { get; init; }
        public override int MaxCharCount => 8;
        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

        private sealed class Buffer(KeepAscii owner) : DecoderFallbackBuffer
        {
            private readonly StringBuilder _chars = new();
            private int _at;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                _chars.Clear();
                _at = 0;
                if (owner.ShiftJis && bytesUnknown.Length == 2 && NecSelected(bytesUnknown[0], bytesUnknown[1]) is { } nec)
                {
                    _chars.Append(nec);
                    return true;
                }
                owner.Invalid++;
                foreach (var b in bytesUnknown)
                    if (b < 0x80) _chars.Append((char)b);
                    else if (_chars.Length == 0 || _chars[^1] != '\uFFFD') _chars.Append('\uFFFD');
                return _chars.Length > 0;
            }

            public override char GetNextChar() => _at < _chars.Length ? _chars[_at++] : '\0';

            public override bool MovePrevious()
            {
                if (_at == 0) return false;
                _at--;
                return true;
            }

            public override int Remaining => _chars.Length - _at;

            public override void Reset()
            {
                _chars.Clear();
                _at = 0;
            }
        }
    }
}
