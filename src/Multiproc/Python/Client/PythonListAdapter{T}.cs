using System.Collections;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary><see cref="ISharedList{T}"/> over a CPython <c>list</c> (ListProxy's exposed methods).</summary>
/// <remarks>
/// Every member is one call except <see cref="Insert"/> (a length check, then <c>insert</c>: Python clamps an index
/// past the end, .NET refuses it) and <see cref="CopyTo"/>/enumeration (a <c>#GETVALUE</c> snapshot). Python's
/// <c>IndexError</c> becomes <see cref="ArgumentOutOfRangeException"/>.
/// </remarks>
internal sealed class PythonListAdapter<T> : ISharedList<T>
{
    private readonly PythonObject _list;

    public PythonListAdapter(PythonObject list) => _list = list;

    public int Count => PythonValueConverter.To<int>(_list.Call("__len__"));

    public bool IsReadOnly => false;

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            return PythonValueConverter.To<T>(_list.Call("__getitem__", index));
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            _list.Call("__setitem__", index, value);
        }
    }

    public void Add(T item) => _list.Call("append", item);

    public Task AddAsync(T item, CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => _list.Call("append", PythonValueEncoder.EncodeArgs([item]), new PyDict(), cancellationToken), waits: false, cancellationToken);

    public void AddRange(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _list.Call("extend", items.Cast<object?>().ToList());
    }

    public void Clear() => _list.Call("__delitem__", AllSlice());

    public bool Contains(T item) => PythonValueConverter.To<bool>(_list.Call("__contains__", item));

    public int IndexOf(T item)
    {
        try
        {
            return PythonValueConverter.To<int>(_list.Call("index", item));
        }
        catch (ArgumentException ex) when (PythonErrorMapping.Is(ex, PythonErrorMapping.ValueError))
        {
            return -1;
        }
    }

    public void Insert(int index, T item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, Count);
        _list.Call("insert", index, item);
    }

    public bool Remove(T item)
    {
        try
        {
            _list.Call("remove", item);
            return true;
        }
        catch (ArgumentException ex) when (PythonErrorMapping.Is(ex, PythonErrorMapping.ValueError))
        {
            return false;
        }
    }

    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        _list.Call("__delitem__", index);
    }

    public T Pop()
        => TryPop(out T item) ? item : throw new InvalidOperationException("The list is empty.");

    public bool TryPop(out T item)
    {
        try
        {
            item = PythonValueConverter.To<T>(_list.Call("pop"));
            return true;
        }
        catch (ArgumentOutOfRangeException ex) when (PythonErrorMapping.Is(ex, PythonErrorMapping.IndexError))
        {
            item = default!;
            return false;
        }
    }

    public Task<(bool Success, T Value)> TryPopAsync(CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => TryPop(out T item) ? (true, item) : (false, default(T)!), waits: false, cancellationToken);

    public T[] ToArray() => PythonValueConverter.To<T[]>(_list.Call("#GETVALUE"));

    public Task<T[]> ToArrayAsync(CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => PythonValueConverter.To<T[]>(_list.Call("#GETVALUE", PyTuple.Empty, new PyDict(), cancellationToken)), waits: false, cancellationToken);

    public void CopyTo(T[] array, int arrayIndex) => ToArray().CopyTo(array, arrayIndex);

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _list.Dispose();

    public override string ToString() => $"PythonList({_list.Id} at {_list.ManagerAddress})";

    private static OpaquePythonValue AllSlice() => PythonValueDecoder.Opaque(PyObject.Reduce("builtins", "slice", null, null, null));
}
