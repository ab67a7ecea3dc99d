using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Aggregator.Configuration;

/// <summary>Keys under "Aggregator" that no option reads: a misspelling ("Sheduling",
/// "PollTickSecond") named by its whole path and where it was written, with the keys there are.
/// The binder's own message named a class ("properties were not found on the instance of
/// Aggregator.Configuration.SchedulingOptions") and neither the file nor the variable.</summary>
public static class UnknownSettings
{
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        foreach (var (path, known) in Walk(configuration.GetSection(AggregatorOptions.SectionName), typeof(AggregatorOptions)))
        {
            var parent = path[..path.LastIndexOf(':')];
            yield return known.Count > 0
                ? $"{path} is not a setting ({Where(configuration, path)}); the settings under {parent} are {string.Join(", ", known)}."
                : $"{path} is not a setting ({Where(configuration, path)}): {parent} is a value, not a section (a file holding it is named by {parent}{SecretFiles.Suffix}).";
        }
    }

    private static IEnumerable<(string Path, IReadOnlyList<string> Known)> Walk(IConfigurationSection section, Type type)
    {
        if (Element(type, typeof(IDictionary<,>), 1) is { } valueType)
        {
            foreach (var entry in section.GetChildren())
                foreach (var found in Walk(entry, valueType))
                    yield return found;
            yield break;
        }
        if (type != typeof(string) && Element(type, typeof(IEnumerable<>), 0) is { } itemType)
        {
            foreach (var item in section.GetChildren())
                foreach (var found in Walk(item, itemType))
                    yield return found;
            yield break;
        }
        if (!IsOptionsClass(type)) yield break;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
        foreach (var child in section.GetChildren())
        {
            var name = child.Key.EndsWith(SecretFiles.Suffix, StringComparison.Ordinal) ? child.Key[..^SecretFiles.Suffix.Length] : child.Key;
            var property = properties.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                yield return (child.Path, properties.Select(p => p.Name).ToList());
                continue;
            }
            if (IsValue(property.PropertyType))
            {
                // A value written as a section: "Password__FILE" for "Password_FILE" left the password unset.
                foreach (var inner in child.GetChildren())
                    yield return (inner.Path, []);
                continue;
            }
            foreach (var found in Walk(child, property.PropertyType))
                yield return found;
        }
    }

    private static bool IsValue(Type type) => type == typeof(string) || !IsOptionsClass(type) && Element(type, typeof(IEnumerable<>), 0) is null;

    private static bool IsOptionsClass(Type type) => type.IsClass && type != typeof(string) && type.Namespace == typeof(AggregatorOptions).Namespace;

    /// <summary>The type argument at <paramref name="index"/> of the generic interface the type implements, if it does.</summary>
    private static Type? Element(Type type, Type generic, int index) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic))
            ?.GetGenericArguments()[index] is { } argument && typeof(IEnumerable).IsAssignableFrom(type) ? argument : null;

    /// <summary>Where a key was written: the file, or the environment variable.</summary>
    private static string Where(IConfiguration configuration, string path)
    {
        if (configuration is not IConfigurationRoot root) return "in the configuration";
        foreach (var provider in root.Providers.Reverse())
        {
            var present = provider.TryGet(path, out _) || provider.GetChildKeys([], path).Any();
            if (!present) continue;
            return provider switch
            {
                JsonConfigurationProvider json => "in " + (json.Source.Path is { } file ? json.Source.FileProvider?.GetFileInfo(file).PhysicalPath ?? file : "the configuration file"),
                EnvironmentVariablesConfigurationProvider => "from the environment variable " + path.Replace(":", "__", StringComparison.Ordinal),
                _ => "in the configuration",
            };
        }
        return "in the configuration";
    }
}
