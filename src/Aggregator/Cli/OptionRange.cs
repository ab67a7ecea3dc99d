using System.CommandLine;
using System.Globalization;

namespace Aggregator.Cli;

/// <summary>Bounds for a whole-number option. A validator runs before the parser reports a value
/// it could not convert, and reading that value there threw (`--days abc` ended in a stack
/// trace); only a value that is a number is checked here, the parser names the rest.</summary>
public static class OptionRange
{
    public static void Between(this Option option, int min, int max)
    {
        var bounds = max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
        option.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && (value < min || value > max))
                r.AddError($"{option.Name} must be {bounds} (not {value})");
        });
    }
}
