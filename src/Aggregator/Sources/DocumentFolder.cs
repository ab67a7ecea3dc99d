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
            files = Walk(full)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Where(f => !Path.GetFileName(f).StartsWith('.'));
        else
            throw new FileNotFoundException($"{path}: no such file or folder");
        return files.Order(StringComparer.Ordinal).Select(f => new DocumentFile(Locator(f), f)).ToList();
    }

    /// <summary>The files under a folder. A link to a folder is not followed: a link back to a
    /// parent walked the tree forty levels deep and imported each file under every path to it.
    /// A link to a file is read (the limit on size applies to what it points to).</summary>
    private static System.IO.Enumeration.FileSystemEnumerable<string> Walk(string folder) =>
        new System.IO.Enumeration.FileSystemEnumerable<string>(folder, (ref System.IO.Enumeration.FileSystemEntry e) => e.ToFullPath(),
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
        {
            ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => !e.IsDirectory,
            ShouldRecursePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };

    private static string Locator(string fullPath)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, fullPath);
        var path = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
        return path.Replace(Path.DirectorySeparatorChar, '/');
    }
}
