namespace Multiproc.Tests.Architecture;

/// <summary>The graph's nodes as <c>docs/architecture.md</c> ("Nodes") defines them: a folder is a node, except
/// that the root folder is split by declared type, <c>Server/Dispatch</c> and <c>Proxies/BuiltIns</c> belong to
/// their parent, and <c>Server/BuiltIns</c>, <c>Protocol/BuiltIns</c>, <c>Python/Server</c>, <c>Python/Client</c> and the
/// <c>Processes/*</c> folders are nodes of their own.</summary>
internal static class NodeMap
{
    public const string Facades = "Root.Facades";
    public const string Vocabulary = "Root.Vocabulary";

    private const string RootNamespace = "Multiproc";

    private static readonly HashSet<string> s_facades = ["Manager", "WorkerProcess", "ProcessPool"];
    private static readonly HashSet<string> s_proxiesFace = ["SharedObject", "SharedDictionaryExtensions", "SharedValueExtensions"];
    private static readonly HashSet<string> s_memoryFace = ["SharedArray", "SharedMemory"];
    private static readonly HashSet<string> s_pythonClientFace = ["PythonManager", "PythonObject"];

    /// <summary>The node of a top-level type, or <see langword="null"/> for a type outside <c>Multiproc</c>.</summary>
    public static string? OfType(string typeNamespace, string typeName)
    {
        if (typeNamespace == RootNamespace)
        {
            return OfRootType(typeName);
        }

        return typeNamespace.StartsWith(RootNamespace + ".", StringComparison.Ordinal)
            ? OfFolder(typeNamespace[(RootNamespace.Length + 1)..].Split('.'))
            : null;
    }

    /// <summary>The node of a source file, given its path relative to <c>src/Multiproc</c> and the types it declares.</summary>
    public static string OfFile(string relativePath, IReadOnlyCollection<string> declaredTypes)
    {
        string[] folders = (Path.GetDirectoryName(relativePath) ?? "").Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        if (folders.Length > 0)
        {
            return OfFolder(folders);
        }

        string[] nodes = [.. declaredTypes.Select(OfRootType).Distinct()];
        return nodes.Length switch
        {
            0 => Vocabulary,
            1 => nodes[0],
            _ => throw new InvalidOperationException($"{relativePath} declares types of several nodes: {string.Join(", ", nodes)}."),
        };
    }

    private static string OfFolder(string[] folders) => folders switch
    {
        ["Server" or "Protocol", "BuiltIns", ..] => folders[0] + ".BuiltIns",
        ["Processes", string part, ..] => "Processes." + part,
        ["Python", "Server", ..] => "Python.Server",
        ["Python", "Client", ..] => "Python.Client",
        _ => folders[0],
    };

    private static string OfRootType(string typeName)
    {
        int arity = typeName.IndexOf('`', StringComparison.Ordinal);
        string name = arity < 0 ? typeName : typeName[..arity];
        if (s_facades.Contains(name))
        {
            return Facades;
        }

        if (s_proxiesFace.Contains(name))
        {
            return "Proxies";
        }

        if (s_pythonClientFace.Contains(name))
        {
            return "Python.Client";
        }

        return s_memoryFace.Contains(name) ? "Memory" : Vocabulary;
    }
}
