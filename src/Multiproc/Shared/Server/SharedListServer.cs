using Multiproc.Server;

namespace Multiproc.Shared.Server;

/// <summary>
/// The manager's side of <see cref="ISharedList{T}"/>: a list of encoded values.
/// </summary>
/// <remarks>Calls run one at a time (the object's gate), so every member is atomic.</remarks>
internal sealed class SharedListServer : IDisposable
{
    private readonly List<EncodedValue> _items = [];
    private readonly ElementCheck _check;

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

    /// <summary>Removes and returns the last item: an empty array when the list is empty.</summary>
    public EncodedValue[] TryPop()
    {
        if (_items.Count == 0)
        {
            return [];
        }

        EncodedValue last = _items[^1];
        _items.RemoveAt(_items.Count - 1);
        return [last.Removed()];
    }

    public void Dispose() => Clear();

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
