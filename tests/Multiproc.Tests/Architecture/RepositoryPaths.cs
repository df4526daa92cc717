namespace Multiproc.Tests.Architecture;

/// <summary>Locates the repository from the test binaries, so the tests read the source and docs they were built from.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Source => Path.Combine(Root, "src", "Multiproc");

    public static string ArchitectureDocument => Path.Combine(Root, "docs", "architecture.md");

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Multiproc.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Multiproc.slnx.");
    }
}
