namespace Multiproc.Python.Pickle;

/// <summary>The reader's input cursor and its value stack, every access bounds-checked.</summary>
internal sealed partial class PickleReader
{
    private byte ReadByte() => Remaining >= 1 ? _input.Span[_position++] : throw Truncated(1);

    /// <summary>Takes the next <paramref name="count"/> bytes; a length beyond the input fails before anything is allocated.</summary>
    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw Truncated(count);
        }

        ReadOnlySpan<byte> bytes = _input.Span.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private int Length(long declared) => declared >= 0 && declared <= Remaining ? (int)declared : throw Truncated(declared);

    private int Length(ulong declared) => declared <= (ulong)Remaining ? (int)declared : throw Truncated((long)Math.Min(declared, long.MaxValue));

    /// <summary>A protocol-0 argument: the bytes up to the next newline.</summary>
    private string TextLine()
    {
        int end = _input.Span[_position..].IndexOf((byte)'\n');
        if (end < 0)
        {
            throw Violation("a text argument without its newline");
        }

        string line = PickleStrings.Decode(Take(end));
        _position++;
        return line;
    }

    private void Push(object? value)
    {
        if (_stack.Count >= _limits.MaxElements)
        {
            throw Violation($"more than {_limits.MaxElements} values on the stack");
        }

        _stack.Add(value);
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] >= _stack.Count))
        {
            throw Violation("a pop from an empty stack (or across a MARK)");
        }

        object? value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
        => _stack.Count > 0 && (_marks.Count == 0 || _marks[^1] < _stack.Count)
            ? _stack[^1]
            : throw Violation("an operation on an empty stack (or across a MARK)");

    /// <summary>Removes the values above the innermost MARK, and the MARK.</summary>
    private List<object?> PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Violation("an operation that needs a MARK without one");
        }

        int start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        List<object?> items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    /// <summary>Counts <paramref name="count"/> items placed into containers against <see cref="PickleLimits.MaxElements"/>.</summary>
    private void Place(int count)
    {
        _elements += count;
        if (_elements > _limits.MaxElements)
        {
            throw Violation($"more than {_limits.MaxElements} container items");
        }
    }

    /// <summary>Counts bytes copied out of the input (bytes rebuilt from a memoized str) against the input limit.</summary>
    private void Materialize(int count)
    {
        _materializedBytes += count;
        if (_materializedBytes > _limits.MaxInputBytes)
        {
            throw Violation($"more than {_limits.MaxInputBytes} bytes rebuilt by reductions");
        }
    }

    private ProtocolViolationException Truncated(long wanted)
        => Violation($"{wanted} bytes wanted, {Remaining} left (truncated, or a length beyond the input)");
}
