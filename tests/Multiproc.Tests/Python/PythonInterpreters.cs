namespace Multiproc.Tests.Python;

/// <summary>The CPython interpreters the Python tests run: <c>python3</c> (3.11 here) and a pyenv 3.13 when present.</summary>
internal static class PythonInterpreters
{
    /// <summary>Gets the interpreters found, <c>python3</c> first.</summary>
    public static IReadOnlyList<string> Found { get; } = Find();

    private static string[] Find()
    {
        string root = Environment.GetEnvironmentVariable("PYENV_ROOT")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        string versions = Path.Combine(root, "versions");
        string[] pyenv313 = Directory.Exists(versions)
            ? [.. Directory.GetDirectories(versions, "3.13*").Select(v => Path.Combine(v, "bin", "python3")).Where(File.Exists).Order(StringComparer.Ordinal).Take(1)]
            : [];
        return ["python3", .. pyenv313];
    }
}
