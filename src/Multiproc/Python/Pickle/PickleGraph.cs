namespace Multiproc.Python.Pickle;

/// <summary>Checks a loaded value before anyone recurses into it: no cycles, nesting within
/// <see cref="PickleLimits.MaxDepth"/>, and at most <see cref="PickleLimits.MaxElements"/> values counted as a tree.</summary>
/// <remarks>
/// <para>The reader builds values without recursion, but its consumers (equality, the writer, a dispatch) recurse.
/// Mutation through the memo can nest lists a million deep with a constant stack, and shared references can make a
/// small pickle a huge tree, so the shape is checked here, once, iteratively.</para>
/// <para>Recursive structures (a list that contains itself), which Python can pickle, are refused: no manager
/// client sends one, and refusing them keeps every consumer free of cycle handling.</para>
/// </remarks>
internal static class PickleGraph
{
    /// <summary>Throws when <paramref name="root"/> is cyclic, too deep or too large.</summary>
    /// <exception cref="ProtocolViolationException">The value breaks a limit or contains itself.</exception>
    public static void Check(object? root, PickleLimits limits)
    {
        if (root is null || !IsContainer(root))
        {
            return;
        }

        var done = new Dictionary<object, (int Depth, long Size)>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var path = new Stack<Visit>();
        path.Push(new Visit(root));
        onPath.Add(root);
        while (path.Count > 0)
        {
            Visit top = path.Peek();
            if (top.Children.MoveNext())
            {
                object? child = top.Children.Current;
                if (child is null || !IsContainer(child))
                {
                    top.Add(0, 1, limits);
                }
                else if (done.TryGetValue(child, out (int Depth, long Size) known))
                {
                    top.Add(known.Depth, known.Size, limits);
                }
                else if (!onPath.Add(child))
                {
                    throw new ProtocolViolationException("The pickle holds a recursive structure (a container inside itself).");
                }
                else if (path.Count >= limits.MaxDepth)
                {
                    throw new ProtocolViolationException($"The pickle nests containers deeper than {limits.MaxDepth}.");
                }
                else
                {
                    path.Push(new Visit(child));
                }

                continue;
            }

            path.Pop();
            onPath.Remove(top.Node);
            (int Depth, long Size) result = (top.Depth + 1, top.Size + 1);
            done[top.Node] = result;
            if (path.Count > 0)
            {
                path.Peek().Add(result.Depth, result.Size, limits);
            }
        }
    }

    private static bool IsContainer(object value) => value is PyTuple or PyList or PyDict or PySet or PyFrozenSet or PyObject;

    private static IEnumerable<object?> ChildrenOf(object node)
    {
        switch (node)
        {
            case PyTuple tuple:
                return tuple;
            case PyList list:
                return list.Items;
            case PyDict dict:
                return dict.SelectMany(entry => new[] { entry.Key, entry.Value });
            case PySet set:
                return set.Items;
            case PyFrozenSet frozen:
                return frozen;
            default:
                var obj = (PyObject)node;
                return new[] { obj.Callable, obj.Args, obj.Kwargs, obj.State }
                    .Concat(obj.ListItems)
                    .Concat(obj.DictItems.SelectMany(entry => new[] { entry.Key, entry.Value }));
        }
    }

    /// <summary>One container on the walk's path, with what its children have added up to so far.</summary>
    private sealed class Visit(object node)
    {
        public object Node { get; } = node;

        public IEnumerator<object?> Children { get; } = ChildrenOf(node).GetEnumerator();

        public int Depth { get; private set; }

        public long Size { get; private set; }

        public void Add(int depth, long size, PickleLimits limits)
        {
            Depth = Math.Max(Depth, depth);
            Size += size;
            if (Size > limits.MaxElements)
            {
                throw new ProtocolViolationException($"The pickle holds more than {limits.MaxElements} values counted as a tree.");
            }
        }
    }
}
