namespace Multiproc.Tests.Architecture;

/// <summary>Nodes and arrows between them, each arrow with a few examples of what makes it (type pairs or
/// file:type), and a cycle finder.</summary>
internal sealed class DependencyGraph
{
    private const int ExamplesPerArrow = 5;

    private readonly SortedSet<string> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<Arrow, SortedSet<string>> _examples = [];

    public IReadOnlyCollection<string> Nodes => _nodes;

    public IEnumerable<Arrow> Arrows => _examples.Keys.OrderBy(a => a.From, StringComparer.Ordinal).ThenBy(a => a.To, StringComparer.Ordinal);

    public void AddNode(string node) => _nodes.Add(node);

    public void AddArrow(string from, string to, string example)
    {
        _nodes.Add(from);
        _nodes.Add(to);
        Arrow arrow = new(from, to);
        if (!_examples.TryGetValue(arrow, out SortedSet<string>? examples))
        {
            examples = new SortedSet<string>(StringComparer.Ordinal);
            _examples.Add(arrow, examples);
        }

        examples.Add(example);
    }

    public bool Contains(Arrow arrow) => _examples.ContainsKey(arrow);

    /// <summary>The arrow and up to five of its examples, for a failure message.</summary>
    public string Describe(Arrow arrow)
    {
        SortedSet<string> examples = _examples[arrow];
        string more = examples.Count > ExamplesPerArrow ? $", ... ({examples.Count} in all)" : "";
        return $"{arrow}: {string.Join(", ", examples.Take(ExamplesPerArrow))}{more}";
    }

    /// <summary>Every strongly connected component of more than one node (Tarjan), each in a stable order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> FindCycles()
    {
        var search = new Tarjan(this);
        foreach (string node in _nodes)
        {
            search.Visit(node);
        }

        return search.Cycles;
    }

    private IEnumerable<string> Successors(string node) =>
        _examples.Keys.Where(a => a.From == node).Select(a => a.To).Order(StringComparer.Ordinal);

    private sealed class Tarjan(DependencyGraph graph)
    {
        private readonly Dictionary<string, int> _index = [];
        private readonly Dictionary<string, int> _lowLink = [];
        private readonly Stack<string> _stack = new();
        private readonly HashSet<string> _onStack = [];

        public List<IReadOnlyList<string>> Cycles { get; } = [];

        public void Visit(string node)
        {
            if (_index.ContainsKey(node))
            {
                return;
            }

            _index[node] = _lowLink[node] = _index.Count;
            _stack.Push(node);
            _onStack.Add(node);
            foreach (string next in graph.Successors(node))
            {
                if (!_index.TryGetValue(next, out int nextIndex))
                {
                    Visit(next);
                    _lowLink[node] = Math.Min(_lowLink[node], _lowLink[next]);
                }
                else if (_onStack.Contains(next))
                {
                    _lowLink[node] = Math.Min(_lowLink[node], nextIndex);
                }
            }

            if (_lowLink[node] != _index[node])
            {
                return;
            }

            var component = new List<string>();
            string member;
            do
            {
                member = _stack.Pop();
                _onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);

            if (component.Count > 1)
            {
                component.Sort(StringComparer.Ordinal);
                Cycles.Add(component);
            }
        }
    }
}
