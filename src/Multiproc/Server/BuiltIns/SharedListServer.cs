using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of <see cref="ISharedList{T}"/>: a list of encoded values.
/// </summary>
/// <remarks>
/// Calls run one at a time (the object's gate), so every member is atomic. A popped item is leased
/// to its caller: if the caller's process never receives it, it goes back where it came from.
/// </remarks>
internal sealed class SharedListServer : IDisposable
{
    private readonly List<EncodedValue> _items = [];
    private readonly ElementCheck _check;
    private bool _disposed;

    public SharedListServer(int kind, bool nullable, EncodedValue[] items)
    {
        _check = new ElementCheck((ValueKind)kind, nullable, "list");
        AddRange(items);
    }

    public int Count() => _items.Count;

    public EncodedValue Get(int index) => _items[CheckIndex(index)];

    public void Set(int index, EncodedValue value)
    {
        CheckIndex(index);
        Admit(value);
        _items[index].Release();
        _items[index] = value;
    }

    public void Add(EncodedValue value)
    {
        Admit(value);
        _items.Add(value);
    }

    public void AddRange(EncodedValue[] values)
    {
        foreach (EncodedValue value in values)
        {
            _check.Verify(value);
        }

        foreach (EncodedValue value in values)
        {
            value.Hold();
        }

        _items.AddRange(values);
    }

    public void Insert(int index, EncodedValue value)
    {
        if ((uint)index > (uint)_items.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be within 0..{_items.Count}.");
        }

        Admit(value);
        _items.Insert(index, value);
    }

    public void RemoveAt(int index)
    {
        CheckIndex(index);
        _items[index].Release();
        _items.RemoveAt(index);
    }

    public bool Remove(EncodedValue value)
    {
        int index = _items.IndexOf(value);
        if (index < 0)
        {
            return false;
        }

        RemoveAt(index);
        return true;
    }

    public int IndexOf(EncodedValue value) => _items.IndexOf(value);

    public void Clear()
    {
        foreach (EncodedValue item in _items)
        {
            item.Release();
        }

        _items.Clear();
    }

    public EncodedValue[] ToArray() => [.. _items];

    /// <summary>Gets the items as they are stored (behind the gate only: a Python-semantics front end reads them in place).</summary>
    internal IReadOnlyList<EncodedValue> Items => _items;

    /// <summary>Replaces every item at once (Python's slice assignment, sort, reverse): the new ones are held before the old ones are released.</summary>
    internal void Replace(EncodedValue[] items)
    {
        foreach (EncodedValue value in items)
        {
            _check.Verify(value);
        }

        foreach (EncodedValue value in items)
        {
            value.Hold();
        }

        foreach (EncodedValue old in _items)
        {
            old.Release();
        }

        _items.Clear();
        _items.AddRange(items);
    }

    /// <summary>Removes and returns the item at <paramref name="index"/>; the caller releases it once it has read it.</summary>
    internal EncodedValue Take(int index)
    {
        EncodedValue item = _items[CheckIndex(index)];
        _items.RemoveAt(index);
        return item;
    }

    /// <summary>Removes and returns the last item, leased to the caller: an empty array when the list is empty.</summary>
    /// <remarks>An item its caller never receives goes back to its index (or the end, if the list has shrunk below it).</remarks>
    public Leased<EncodedValue[]> TryPop()
    {
        if (_items.Count == 0)
        {
            return new([], null);
        }

        int index = _items.Count - 1;
        EncodedValue last = _items[index];
        _items.RemoveAt(index);
        return new([last], new ValueLease(last, value => PutBack(index, value)));
    }

    public void Dispose()
    {
        _disposed = true;
        Clear();
    }

    /// <summary>Reinserts a popped item its caller never received (behind the gate).</summary>
    private void PutBack(int index, EncodedValue value)
    {
        if (_disposed)
        {
            value.Release();
            return;
        }

        _items.Insert(Math.Min(index, _items.Count), value);
    }

    private void Admit(in EncodedValue value)
    {
        _check.Verify(value);
        value.Hold();
    }

    private int CheckIndex(int index)
        => (uint)index < (uint)_items.Count
            ? index
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be within 0..{_items.Count - 1}.");
}
