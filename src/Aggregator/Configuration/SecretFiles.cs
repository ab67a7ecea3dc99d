using Microsoft.Extensions.Configuration.Json;

namespace Aggregator.Configuration;

/// <summary>Secrets come from the environment, never from config/aggregator.json (which is
/// committed, mounted and shown around): either the variable itself
/// (Aggregator__Mail__Smtp__Password) or, the Docker secrets convention, the same name with
/// _FILE appended naming a file that holds the value (Aggregator__Mail__Smtp__Password_FILE=/run/secrets/smtp).
/// The _FILE form works for every setting.</summary>
public static class SecretFiles
{
    public const string Suffix = "_FILE";

    /// <summary>Settings that are secrets: the config file may not hold them.</summary>
    public static readonly string[] Keys = ["Aggregator:Mail:Smtp:Password"];

    /// <summary>The "Aggregator" section as the options are bound from it: each X_FILE key
    /// replaced by X with the file's content (trailing line breaks dropped).</summary>
    public static IConfigurationSection Section(IConfiguration configuration)
    {
        var all = configuration.GetSection(AggregatorOptions.SectionName).AsEnumerable().ToList();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in all.Where(e => !IsFileKey(e.Key)))
            values[key] = value;
        foreach (var (key, path) in all.Where(e => IsFileKey(e.Key) && e.Value is not null))
            if (Read(path!) is { } secret)
                values[key[..^Suffix.Length]] = secret;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(AggregatorOptions.SectionName);
    }

    /// <summary>Configuration problems: a secret written into config/aggregator.json, or an X_FILE
    /// variable naming a file that cannot be read.</summary>
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        if (configuration is IConfigurationRoot root)
            foreach (var provider in root.Providers.OfType<JsonConfigurationProvider>())
                foreach (var key in Keys)
                    if (provider.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
                        yield return $"{key} must not be written in {provider.Source.Path}: set it in the environment ({Variable(key)}) or in a file named by {Variable(key)}{Suffix}.";
        foreach (var (key, path) in configuration.GetSection(AggregatorOptions.SectionName).AsEnumerable())
            if (IsFileKey(key) && path is not null && Read(path) is null)
                yield return $"{Variable(key)} names \"{path}\", which does not exist or cannot be read.";
    }

    private static bool IsFileKey(string key) => key.EndsWith(Suffix, StringComparison.Ordinal);

    private static string Variable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path).TrimEnd('\r', '\n'); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException) { return null; }
    }
}
