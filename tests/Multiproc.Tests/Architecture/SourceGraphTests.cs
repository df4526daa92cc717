namespace Multiproc.Tests.Architecture;

/// <summary>
/// The source of <c>src/Multiproc</c> (comments and literals stripped) names only types of the nodes its node may
/// use per <c>docs/architecture.md</c>, and its graph has no cycle; this sees what compiles away.
/// </summary>
/// <remarks>
/// On e8d1922 (one node per old folder) this finds 44 arrows forming one cycle through all nine nodes, with arrows
/// the metadata cannot see: Shared→Shared.Server by <c>nameof</c> (AcquirableProxy.cs:SharedLockServer) and
/// Root→Protocol by constants (ManagerOptions.cs:ProtocolConstants).
/// </remarks>
public sealed class SourceGraphTests
{
    private static readonly Lazy<SourceGraph> s_scan = new(() => SourceGraph.Build(RepositoryPaths.Source, NodeMap.OfFile));

    [Fact]
    public void EveryTypeName_IsDeclaredInOneNode()
    {
        IReadOnlyList<string> ambiguous = s_scan.Value.AmbiguousNames;
        Assert.True(ambiguous.Count == 0, $"Type names the scan cannot attribute:\n{string.Join('\n', ambiguous)}");
    }

    [Fact]
    public void EveryArrow_IsListedInTheTable()
    {
        DependencyGraph graph = s_scan.Value.Graph;
        LayerTable table = LayerTable.Load();
        string[] unlisted = [.. graph.Arrows.Where(a => !table.Arrows.Contains(a)).Select(graph.Describe)];
        Assert.True(unlisted.Length == 0, $"Arrows not in docs/architecture.md:\n{string.Join('\n', unlisted)}");
    }

    [Fact]
    public void Graph_HasNoCycle()
    {
        IReadOnlyList<IReadOnlyList<string>> cycles = s_scan.Value.Graph.FindCycles();
        Assert.True(cycles.Count == 0, $"Cycles through: {string.Join("; ", cycles.Select(c => string.Join(", ", c)))}");
    }
}
