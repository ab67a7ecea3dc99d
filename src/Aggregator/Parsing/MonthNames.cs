namespace Aggregator.Parsing;

/// <summary>Month names as news sites print them, in the languages the sources use,
/// including abbreviations and the genitive forms Russian dates take.</summary>
public static class MonthNames
{
    private static readonly string[][] ByLanguage =
    [
        // en
        ["january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug", "september sep sept", "october oct", "november nov", "december dec"],
        // sv, da, no
        ["januari", "februari", "mars", "april", "maj mai", "juni", "juli", "augusti", "september", "oktober", "november", "december desember"],
        // de
        ["januar jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember dez"],
        // fr
        ["janvier janv", "février fevrier févr", "mars", "avril avr", "mai", "juin", "juillet juil", "août aout", "septembre", "octobre", "novembre", "décembre decembre déc"],
        // es, pt, it
        ["enero janeiro gennaio", "febrero fevereiro febbraio", "marzo março", "abril aprile", "mayo maio maggio", "junio junho giugno", "julio julho luglio", "agosto", "septiembre setiembre setembro settembre", "octubre outubro ottobre", "noviembre novembro", "diciembre dezembro dicembre"],
        // nl
        ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        // ru (nominative and genitive)
        ["январь января янв", "февраль февраля фев", "март марта мар", "апрель апреля апр", "май мая", "июнь июня июн", "июль июля июл", "август августа авг", "сентябрь сентября сен сент", "октябрь октября окт", "ноябрь ноября ноя", "декабрь декабря дек"],
    ];

    public static readonly IReadOnlyDictionary<string, int> Numbers = Build();


    private static Dictionary<string, int> Build()
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var language in ByLanguage)
            for (var month = 0; month < 12; month++)
                foreach (var name in language[month].Split(' '))
                    map[name] = month + 1;
        return map;
    }
}
