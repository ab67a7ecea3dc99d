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
            {
                foreach (var key in Keys)
                    if (provider.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
                        yield return $"{key} must not be written in {FileOf(provider)}: set it in the environment ({Variable(key)}) or in a file named by {Variable(key)}{Suffix}.";
                // A connection string carries its password inside: the same rule holds for it.
                if (provider.TryGet(ConnectionStringKey, out var connection) && HasPassword(connection))
                    yield return $"{ConnectionStringKey} holds a password and must not be written in {FileOf(provider)}: set the connection string in the environment ({Variable(ConnectionStringKey)}) or in a file named by {Variable(ConnectionStringKey)}{Suffix}.";
            }
        // A misspelled section ("Agregator") was ignored, and the program ran on its defaults: on
        // a local SQLite file instead of the cluster's database.
        if (configuration is IConfigurationRoot config)
            foreach (var provider in config.Providers.OfType<JsonConfigurationProvider>().Where(p => p.Source.Path == AppServices.ConfigFileName))
                foreach (var section in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
                    if (!KnownSections.Contains(section, StringComparer.OrdinalIgnoreCase))
                        yield return $"{FileOf(provider)} has a section \"{section}\" this program does not read (it reads {string.Join(", ", KnownSections)}); misspelled?";
        foreach (var (key, path) in configuration.GetSection(AggregatorOptions.SectionName).AsEnumerable())
            if (IsFileKey(key) && path is not null && Read(path) is null)
                yield return $"{Variable(key)} names \"{path}\", which does not exist or cannot be read.";
    }

    /// <summary>The top-level sections of config/aggregator.json: ours, and those of ASP.NET Core's host.</summary>
    private static readonly string[] KnownSections = [AggregatorOptions.SectionName, "Logging", "AllowedHosts", "Kestrel", "Urls"];

    private static string FileOf(JsonConfigurationProvider provider) =>
        provider.Source.Path is { } path ? provider.Source.FileProvider?.GetFileInfo(path).PhysicalPath ?? path : "the configuration file";

    private const string ConnectionStringKey = "Aggregator:Storage:ConnectionString";

    private static bool HasPassword(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return false;
        try
        {
            var parts = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            return parts.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("password", StringComparison.OrdinalIgnoreCase) || k.Equals("pwd", StringComparison.OrdinalIgnoreCase))
                || connectionString.Contains("://", StringComparison.Ordinal) && connectionString.Split("://", 2)[1].Split('@') is [var userInfo, _] && userInfo.Contains(':', StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false; // malformed: the storage options say so
        }
    }

    private static bool IsFileKey(string key) => key.EndsWith(Suffix, StringComparison.Ordinal);

    private static string Variable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path).TrimEnd('\r', '\n'); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException) { return null; }
    }
}
