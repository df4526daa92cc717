namespace Multiproc.Server.BuiltIns;

/// <summary>A growable ring buffer: FIFO, plus putting items back at the front.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>Not thread-safe; its owner locks.</remarks>
internal sealed class Deque<T>
{
    private T[] _buffer = new T[16];
    private int _head;

    public int Count { get; private set; }

    public void AddLast(T item)
    {
        Grow();
        _buffer[(_head + Count) % _buffer.Length] = item;
        Count++;
    }

    public void AddFirst(T item)
    {
        Grow();
        _head = (_head - 1 + _buffer.Length) % _buffer.Length;
        _buffer[_head] = item;
        Count++;
    }

    /// <exception cref="InvalidOperationException">The deque is empty.</exception>
    public T PeekFirst() => Count > 0 ? _buffer[_head] : throw new InvalidOperationException("The deque is empty.");

    /// <exception cref="InvalidOperationException">The deque is empty.</exception>
    public T RemoveFirst()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The deque is empty.");
        }

        T item = _buffer[_head];
        _buffer[_head] = default!;
        _head = (_head + 1) % _buffer.Length;
        Count--;
        return item;
    }

    /// <summary>Returns every item in order, leaving them in place.</summary>
    public T[] ToArray()
    {
        T[] items = new T[Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = _buffer[(_head + i) % _buffer.Length];
        }

        return items;
    }

    /// <summary>Removes every item and returns them in order.</summary>
    public T[] RemoveAll()
    {
        T[] items = new T[Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = RemoveFirst();
        }

        return items;
    }

    private void Grow()
    {
        if (Count < _buffer.Length)
        {
            return;
        }

        T[] larger = new T[_buffer.Length * 2];
        for (int i = 0; i < Count; i++)
        {
            larger[i] = _buffer[(_head + i) % _buffer.Length];
        }

        _buffer = larger;
        _head = 0;
    }
}
