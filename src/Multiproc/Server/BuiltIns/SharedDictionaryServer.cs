using MessagePack;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of <see cref="ISharedDictionary{TKey, TValue}"/>: encoded keys to encoded values.
/// </summary>
/// <remarks>
/// Calls run one at a time (the object's gate), so each member, including the compare-and-swap
/// and numeric members, is atomic. Keys compare by the bytes of their encoding. A value removed by
/// <see cref="TryRemove"/> is leased to its caller: if the caller's process never receives it, it
/// goes back under its key, unless the key has been set again meanwhile (the newer value stays).
/// </remarks>
internal sealed class SharedDictionaryServer : IDisposable
{
    // A Dictionary for .NET semantics (keys by encoding); insertion-ordered with Python's key equality for a Python dict.
    private readonly IDictionary<EncodedValue, EncodedValue> _items;
    private readonly OrderedDictionary<EncodedValue, EncodedValue>? _ordered;
    private readonly ElementCheck _keyCheck;
    private readonly ElementCheck _valueCheck;
    private bool _disposed;

    public SharedDictionaryServer(int keyKind, int valueKind, bool valueNullable)
    {
        _items = new Dictionary<EncodedValue, EncodedValue>();
        _keyCheck = new ElementCheck((ValueKind)keyKind, false, "dictionary key");
        _valueCheck = new ElementCheck((ValueKind)valueKind, valueNullable, "dictionary");
    }

    /// <summary>A dictionary with Python's semantics (docs/python.md): keys compared by <paramref name="keyComparer"/>, insertion order kept, an overwritten key keeping its place.</summary>
    internal SharedDictionaryServer(IEqualityComparer<EncodedValue> keyComparer)
    {
        _ordered = new OrderedDictionary<EncodedValue, EncodedValue>(keyComparer);
        _items = _ordered;
        _keyCheck = new ElementCheck(ValueKind.Any, false, "dictionary key");
        _valueCheck = new ElementCheck(ValueKind.Any, true, "dictionary");
    }

    /// <summary>Gets the insertion-ordered items of a Python-semantics dictionary (behind the gate only); null for a .NET one.</summary>
    internal OrderedDictionary<EncodedValue, EncodedValue>? Ordered => _ordered;

    public int Count() => _items.Count;

    /// <summary>Returns the value in a one-element array, or an empty array when the key is absent.</summary>
    public EncodedValue[] TryGet(EncodedValue key) => _items.TryGetValue(key, out EncodedValue value) ? [value] : [];

    public EncodedValue Get(EncodedValue key)
        => _items.TryGetValue(key, out EncodedValue value) ? value : throw new KeyNotFoundException("The key is not in the shared dictionary.");

    public void Set(EncodedValue key, EncodedValue value)
    {
        CheckKey(key);
        Admit(value);
        if (_ordered is not null && _ordered.TryGetValue(key, out EncodedValue current))
        {
            // Python keeps the first key and its place: d[1.0] = x overwrites d[1].
            _ordered[key] = value;
            current.Release();
            return;
        }

        if (_items.Remove(key, out EncodedValue old))
        {
            old.Release();
        }

        _items[key] = value;
    }

    public bool TryAdd(EncodedValue key, EncodedValue value)
    {
        CheckKey(key);
        _valueCheck.Verify(value);
        if (_items.ContainsKey(key))
        {
            return false;
        }

        value.Hold();
        _items.Add(key, value);
        return true;
    }

    /// <summary>Removes the value under <paramref name="key"/>, leased to the caller: a one-element array, or empty when absent.</summary>
    public Leased<EncodedValue[]> TryRemove(EncodedValue key)
        => _items.Remove(key, out EncodedValue value)
            ? new([value], new ValueLease(value, removed => PutBack(key, removed)))
            : new([], null);

    public bool Remove(EncodedValue key)
    {
        if (!_items.Remove(key, out EncodedValue value))
        {
            return false;
        }

        value.Release();
        return true;
    }

    public bool ContainsKey(EncodedValue key) => _items.ContainsKey(key);

    /// <summary>Sets the value only if the current one encodes the same as <paramref name="comparison"/>.</summary>
    public bool TryUpdate(EncodedValue key, EncodedValue value, EncodedValue comparison)
    {
        _valueCheck.Verify(value);
        if (!_items.TryGetValue(key, out EncodedValue current) || !current.Equals(comparison))
        {
            return false;
        }

        value.Hold();
        current.Release();
        _items[key] = value;
        return true;
    }

    public EncodedValue GetOrAdd(EncodedValue key, EncodedValue value)
    {
        if (_items.TryGetValue(key, out EncodedValue current))
        {
            return current;
        }

        TryAdd(key, value);
        return value;
    }

    public EncodedValue AddOrUpdate(EncodedValue key, EncodedValue addValue, EncodedValue updateValue)
    {
        EncodedValue chosen = _items.ContainsKey(key) ? updateValue : addValue;
        Set(key, chosen);
        return chosen;
    }

    /// <summary>Adds <paramref name="delta"/> to the number under <paramref name="key"/> (absent counts as zero) and returns the sum.</summary>
    public EncodedValue Increment(EncodedValue key, EncodedValue delta)
    {
        CheckKey(key);
        EncodedValue sum = NumberArithmetic.Add(_items.TryGetValue(key, out EncodedValue current) ? current : null, delta);
        _valueCheck.VerifySum(sum);
        _items[key] = sum;
        return sum;
    }

    /// <summary>Returns the pairs found for <paramref name="keys"/>, flattened as key, value, key, value...</summary>
    public EncodedValue[] GetMany(EncodedValue[] keys)
    {
        var found = new List<EncodedValue>(keys.Length * 2);
        foreach (EncodedValue key in keys)
        {
            if (_items.TryGetValue(key, out EncodedValue value))
            {
                found.Add(key);
                found.Add(value);
            }
        }

        return [.. found];
    }

    /// <summary>Sets many pairs, given flattened as key, value, key, value...; all are checked before any is stored.</summary>
    public void SetMany(EncodedValue[] pairs)
    {
        if (pairs.Length % 2 != 0)
        {
            throw new ArgumentException("SetMany takes key/value pairs.");
        }

        for (int i = 0; i < pairs.Length; i += 2)
        {
            CheckKey(pairs[i]);
            _valueCheck.Verify(pairs[i + 1]);
        }

        for (int i = 0; i < pairs.Length; i += 2)
        {
            Set(pairs[i], pairs[i + 1]);
        }
    }

    /// <summary>Returns every pair, flattened as key, value, key, value...</summary>
    public EncodedValue[] Snapshot()
    {
        EncodedValue[] pairs = new EncodedValue[_items.Count * 2];
        int i = 0;
        foreach ((EncodedValue key, EncodedValue value) in _items)
        {
            pairs[i++] = key;
            pairs[i++] = value;
        }

        return pairs;
    }

    public void Clear()
    {
        foreach (EncodedValue value in _items.Values)
        {
            value.Release();
        }

        _items.Clear();
    }

    public void Dispose()
    {
        _disposed = true;
        Clear();
    }

    /// <summary>Puts back a removed value its caller never received, unless the key was set meanwhile (behind the gate).</summary>
    private void PutBack(EncodedValue key, EncodedValue value)
    {
        if (_disposed || !_items.TryAdd(key, value))
        {
            value.Release();
        }
    }

    private void CheckKey(in EncodedValue key)
    {
        _keyCheck.Verify(key);
        if (key.References is not null)
        {
            throw new ArgumentException("A shared object cannot be a dictionary key; use its name or id.");
        }

        if (key.Kind is MessagePackType.Nil)
        {
            throw new ArgumentNullException(nameof(key), "A dictionary key cannot be null.");
        }
    }

    private void Admit(in EncodedValue value)
    {
        _valueCheck.Verify(value);
        value.Hold();
    }
}
