using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary><see cref="ISharedDictionary{TKey, TValue}"/> over a CPython <c>dict</c> (DictProxy's exposed methods).</summary>
/// <remarks>
/// Each member is one call, atomic in Python, except where CPython's dict has no atomic form:
/// <see cref="TryUpdate"/>, <see cref="AddOrUpdate"/> and removing a key-value pair throw
/// <see cref="NotSupportedException"/>. <see cref="TryAdd"/> and <see cref="Add(TKey, TValue)"/> are <c>setdefault</c>:
/// they cannot tell "added" from "already held an equal value", and report the latter as added (the dict ends the
/// same either way). <see cref="GetMany"/> reads a <c>copy()</c> and picks the keys. Keys compare by Python's equality.
/// </remarks>
internal sealed class PythonDictionaryAdapter<TKey, TValue> : ISharedDictionary<TKey, TValue>
    where TKey : notnull
{
    private readonly PythonObject _dict;

    public PythonDictionaryAdapter(PythonObject dict) => _dict = dict;

    public int Count => PythonValueConverter.To<int>(_dict.Call("__len__"));

    public bool IsReadOnly => false;

    public ICollection<TKey> Keys => PythonValueConverter.To<List<TKey>>(_dict.Call("keys"));

    public ICollection<TValue> Values => PythonValueConverter.To<List<TValue>>(_dict.Call("values"));

    public TValue this[TKey key]
    {
        get => PythonValueConverter.To<TValue>(_dict.Call("__getitem__", key));
        set => _dict.Call("__setitem__", key, value);
    }

    public void Add(TKey key, TValue value)
    {
        if (!TryAdd(key, value))
        {
            throw new ArgumentException($"An item with the same key has already been added. Key: {key}", nameof(key));
        }
    }

    public void Add(KeyValuePair<TKey, TValue> item) => Add(item.Key, item.Value);

    public bool TryAdd(TKey key, TValue value)
    {
        object? stored = _dict.Call("setdefault", key, value);
        return DeepEquals(stored, PythonValueDecoder.Decode(PythonValueEncoder.Encode(value), null));
    }

    public TValue GetOrAdd(TKey key, TValue value) => PythonValueConverter.To<TValue>(_dict.Call("setdefault", key, value));

    public TValue AddOrUpdate(TKey key, TValue addValue, TValue updateValue)
        => throw new NotSupportedException("A CPython dict has no atomic add-or-update: use the indexer (set) or GetOrAdd.");

    public bool TryUpdate(TKey key, TValue newValue, TValue comparisonValue)
        => throw new NotSupportedException("A CPython dict has no compare-and-swap: TryUpdate cannot be atomic over a Python manager.");

    public bool ContainsKey(TKey key) => PythonValueConverter.To<bool>(_dict.Call("__contains__", key));

    public bool Contains(KeyValuePair<TKey, TValue> item)
        => TryGetValue(item.Key, out TValue? value) && EqualityComparer<TValue>.Default.Equals(value, item.Value);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        try
        {
            value = PythonValueConverter.To<TValue>(_dict.Call("__getitem__", key));
            return true;
        }
        catch (KeyNotFoundException ex) when (PythonErrorMapping.Is(ex, PythonErrorMapping.KeyError))
        {
            value = default;
            return false;
        }
    }

    public Task<(bool Success, TValue Value)> TryGetValueAsync(TKey key, CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => TryGetValue(key, out TValue? value) ? (true, value) : (false, default(TValue)!), waits: false, cancellationToken);

    public bool Remove(TKey key) => TryRemove(key, out _);

    public bool Remove(KeyValuePair<TKey, TValue> item)
        => throw new NotSupportedException("A CPython dict cannot remove a key only while it holds a given value (atomically): use Remove(key) or TryRemove.");

    public bool TryRemove(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        try
        {
            value = PythonValueConverter.To<TValue>(_dict.Call("pop", key));
            return true;
        }
        catch (KeyNotFoundException ex) when (PythonErrorMapping.Is(ex, PythonErrorMapping.KeyError))
        {
            value = default;
            return false;
        }
    }

    public void Clear() => _dict.Call("clear");

    public IReadOnlyDictionary<TKey, TValue> GetMany(IEnumerable<TKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Dictionary<TKey, TValue> all = Snapshot();
        var found = new Dictionary<TKey, TValue>();
        foreach (TKey key in keys)
        {
            if (all.TryGetValue(key, out TValue? value))
            {
                found[key] = value;
            }
        }

        return found;
    }

    public void SetMany(IEnumerable<KeyValuePair<TKey, TValue>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var batch = new Dictionary<object, object?>(PythonKeyComparer.Instance);
        foreach (KeyValuePair<TKey, TValue> pair in pairs)
        {
            batch[pair.Key] = pair.Value;
        }

        _dict.Call("update", batch);
    }

    public Task SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => _dict.Call("__setitem__", PythonValueEncoder.EncodeArgs([key, value]), new PyDict(), cancellationToken), waits: false, cancellationToken);

    public Dictionary<TKey, TValue> Snapshot() => PythonValueConverter.To<Dictionary<TKey, TValue>>(_dict.Call("copy"));

    public Task<Dictionary<TKey, TValue>> SnapshotAsync(CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => PythonValueConverter.To<Dictionary<TKey, TValue>>(_dict.Call("copy", PyTuple.Empty, new PyDict(), cancellationToken)), waits: false, cancellationToken);

    public void CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex)
        => ((ICollection<KeyValuePair<TKey, TValue>>)Snapshot()).CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _dict.Dispose();

    public override string ToString() => $"PythonDict({_dict.Id} at {_dict.ManagerAddress})";

    private static bool DeepEquals(object? x, object? y) => (x, y) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (IList a, IList b) when x is not byte[] => a.Count == b.Count && Enumerable.Range(0, a.Count).All(i => DeepEquals(a[i], b[i])),
        _ => PythonKeyComparer.Instance.Equals(x, y),
    };
}
