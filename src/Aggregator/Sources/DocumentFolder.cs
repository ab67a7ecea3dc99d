namespace Aggregator.Sources;

/// <summary>A local document to import. The locator is the source's identity: the path as the
/// user gave it, relative to the working directory when inside it, with '/' separators.</summary>
public sealed record DocumentFile(string Locator, string FullPath);

public static class DocumentFolder
{
    public static readonly string[] Extensions = [".txt", ".text", ".md", ".markdown", ".html", ".htm"];

    /// <summary>The documents under a file or folder path, in a stable order. Hidden files and
    /// other extensions are passed over; a path that does not exist is an error naming it.</summary>
    public static IReadOnlyList<DocumentFile> Enumerate(string path)
    {
        var full = Path.GetFullPath(path);
        IEnumerable<string> files;
        if (File.Exists(full))
            files = [full];
        else if (Directory.Exists(full))
            files = Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Where(f => !Path.GetFileName(f).StartsWith('.'));
        else
            throw new FileNotFoundException($"{path}: no such file or folder");
        return files.Order(StringComparer.Ordinal).Select(f => new DocumentFile(Locator(f), f)).ToList();
    }

    private static string Locator(string fullPath)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, fullPath);
        var path = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
        return path.Replace(Path.DirectorySeparatorChar, '/');
    }
}
