using System.Text.RegularExpressions;

namespace Multiproc.Tests.Architecture;

/// <summary>Builds the node graph of the source: an arrow from a file's node to another node whenever the file's
/// code (comments and literals stripped) names, as a whole word, a top-level type declared in that node. Unlike
/// metadata it sees what compiles away, such as <c>nameof</c> and constants.</summary>
internal sealed partial class SourceGraph
{
    private const string AttributeSuffix = "Attribute";

    private SourceGraph(DependencyGraph graph, IReadOnlyList<string> ambiguousNames)
    {
        Graph = graph;
        AmbiguousNames = ambiguousNames;
    }

    public DependencyGraph Graph { get; }

    /// <summary>Type names declared in more than one node, which the scan cannot attribute; each entry names
    /// the nodes and the files that use the name.</summary>
    public IReadOnlyList<string> AmbiguousNames { get; }

    /// <param name="sourceRoot">The project folder; <c>bin</c> and <c>obj</c> are skipped.</param>
    /// <param name="nodeOfFile">The node of a file, given its path relative to <paramref name="sourceRoot"/>
    /// and the type names it declares.</param>
    public static SourceGraph Build(string sourceRoot, Func<string, IReadOnlyCollection<string>, string> nodeOfFile)
    {
        var files = new List<(string Path, string Node, HashSet<string> Words)>();
        var declaredIn = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(sourceRoot, path).Replace('\\', '/');
            if (relative.Split('/') is var segments && segments.Any(s => s is "bin" or "obj"))
            {
                continue;
            }

            string code = CodeText.Strip(File.ReadAllText(path));
            HashSet<string> declared = DeclaredTypes(code);
            string node = nodeOfFile(relative, declared);
            foreach (string name in declared.SelectMany(NamesInCode))
            {
                declaredIn.TryAdd(name, new SortedSet<string>(StringComparer.Ordinal));
                declaredIn[name].Add(node);
            }

            files.Add((relative, node, [.. Word().Matches(code).Select(m => m.Value)]));
        }

        var graph = new DependencyGraph();
        var ambiguousUsers = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach ((string path, string node, HashSet<string> words) in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            graph.AddNode(node);
            foreach (string word in words)
            {
                if (!declaredIn.TryGetValue(word, out SortedSet<string>? nodes))
                {
                    continue;
                }

                if (nodes.Count > 1)
                {
                    ambiguousUsers.TryAdd(word, new SortedSet<string>(StringComparer.Ordinal));
                    ambiguousUsers[word].Add(path);
                }
                else if (nodes.Min is { } target && target != node)
                {
                    graph.AddArrow(node, target, $"{path}:{word}");
                }
            }
        }

        return new SourceGraph(graph, [.. ambiguousUsers.Select(pair =>
            $"{pair.Key} is declared in {string.Join(" and ", declaredIn[pair.Key])}; used by {string.Join(", ", pair.Value)}")]);
    }

    /// <summary>The words that name a type in code: an attribute also by its name without the suffix.</summary>
    private static IEnumerable<string> NamesInCode(string typeName)
    {
        yield return typeName;
        if (typeName.EndsWith(AttributeSuffix, StringComparison.Ordinal) && typeName.Length > AttributeSuffix.Length)
        {
            yield return typeName[..^AttributeSuffix.Length];
        }
    }

    /// <summary>The top-level types (brace depth 0: namespaces are file-scoped) a file declares.</summary>
    private static HashSet<string> DeclaredTypes(string code)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        int depth = 0;
        int scanned = 0;
        foreach (Match match in Declaration().Matches(code))
        {
            for (; scanned < match.Index; scanned++)
            {
                depth += code[scanned] switch { '{' => 1, '}' => -1, _ => 0 };
            }

            if (depth == 0)
            {
                names.Add(match.Groups["name"].Value);
            }
        }

        return names;
    }

    [GeneratedRegex(@"\b(?:(?:record\s+(?:struct|class)|record|class|struct|interface|enum)\s+(?!where\b)(?<name>[A-Za-z_]\w*)|delegate\b[^;{}()]*?\b(?<name>[A-Za-z_]\w*)\s*(?:<[^<>]*>)?\s*\()")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Za-z_]\w*")]
    private static partial Regex Word();
}
