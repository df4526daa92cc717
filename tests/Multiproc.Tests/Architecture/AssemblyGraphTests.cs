namespace Multiproc.Tests.Architecture;

/// <summary>
/// The compiled <c>Multiproc.dll</c>, read with System.Reflection.Metadata, shows only the arrows listed in
/// <c>docs/architecture.md</c>, every listed arrow still exists (here or in the source), and there is no cycle.
/// </summary>
/// <remarks>
/// On e8d1922 (one node per folder: root, Transport, Protocol, Serialization, Server, Proxies, Shared,
/// Shared/Server, Processes) this finds 40 arrows forming one cycle through all nine nodes; e.g. Transport→Proxies
/// via ClientConnection→ClientReferenceCodec against Proxies→Transport via InterfaceProxy→ClientConnection.
/// </remarks>
public sealed class AssemblyGraphTests
{
    private static readonly Lazy<DependencyGraph> s_graph =
        new(() => AssemblyGraph.Build(typeof(Manager).Assembly.Location, NodeMap.OfType));

    [Fact]
    public void EveryArrow_IsListedInTheTable()
    {
        DependencyGraph graph = s_graph.Value;
        LayerTable table = LayerTable.Load();
        Assert.Superset(graph.Nodes.ToHashSet(), table.Arrows.SelectMany(a => new[] { a.From, a.To }).ToHashSet());

        string[] unlisted = [.. graph.Arrows.Where(a => !table.Arrows.Contains(a)).Select(graph.Describe)];
        Assert.True(unlisted.Length == 0, $"Arrows not in docs/architecture.md:\n{string.Join('\n', unlisted)}");
    }

    [Fact]
    public void EveryListedArrow_ExistsInTheAssemblyOrTheSource()
    {
        DependencyGraph source = SourceGraph.Build(RepositoryPaths.Source, NodeMap.OfFile).Graph;
        string[] stale = [.. LayerTable.Load().Arrows
            .Where(a => !s_graph.Value.Contains(a) && !source.Contains(a))
            .Select(a => a.ToString())
            .Order(StringComparer.Ordinal)];
        Assert.True(stale.Length == 0, $"Arrows in docs/architecture.md that nothing uses any more:\n{string.Join('\n', stale)}");
    }

    [Fact]
    public void Graph_HasNoCycle()
    {
        IReadOnlyList<IReadOnlyList<string>> cycles = s_graph.Value.FindCycles();
        Assert.True(cycles.Count == 0, $"Cycles through: {string.Join("; ", cycles.Select(c => string.Join(", ", c)))}");
    }
}
