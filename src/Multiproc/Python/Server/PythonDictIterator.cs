using Multiproc.Server;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Python.Server;

/// <summary>
/// A live iterator over a shared dictionary's keys (<c>iter(d)</c>, <c>for k in d</c>): it walks the dictionary
/// as it is now, and fails as Python's does when the dictionary changes size under it.
/// </summary>
/// <remarks>Its calls run behind the dictionary's gate (<see cref="PythonDictIteratorType"/>), and it holds a
/// reference to the dictionary, so the dictionary lives as long as the iterator.</remarks>
[AllowConcurrentCalls]
internal sealed class PythonDictIterator : IPythonOnly, IDisposable
{
    private readonly EncodedValue[]? _snapshot;
    private int _next;
    private int _released;

    /// <exception cref="ObjectDisposedException">The dictionary was released meanwhile.</exception>
    public PythonDictIterator(ObjectEntry dictionary)
    {
        if (!dictionary.Table.TryAddReference(dictionary))
        {
            throw new ObjectDisposedException(null, "The dictionary was released.");
        }

        Dictionary = dictionary;
        Server = (SharedDictionaryServer)dictionary.Instance;
        ExpectedCount = Server.Count();
        // A .NET dictionary has no order to walk live: it is walked over the keys it has now.
        _snapshot = Server.Ordered is null ? [.. Server.Snapshot().Where((_, i) => i % 2 == 0)] : null;
    }

    public ObjectEntry Dictionary { get; }

    public SharedDictionaryServer Server { get; }

    public int ExpectedCount { get; }

    /// <summary>The next key, or false at the end (behind the dictionary's gate).</summary>
    /// <exception cref="InvalidOperationException">The dictionary changed size during iteration (Python's <c>RuntimeError</c>).</exception>
    public bool TryNext(out EncodedValue key)
    {
        if (Server.Count() != ExpectedCount)
        {
            _next = int.MaxValue;
            throw new InvalidOperationException("dictionary changed size during iteration");
        }

        int count = _snapshot?.Length ?? Server.Ordered!.Count;
        if (_next >= count)
        {
            key = default;
            return false;
        }

        key = _snapshot is not null ? _snapshot[_next] : Server.Ordered!.GetAt(_next).Key;
        _next++;
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Dictionary.Table.Release(Dictionary);
        }
    }
}
