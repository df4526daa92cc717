namespace Multiproc.Python.Pickle;

/// <summary>The reader's tuple, list, dict and set opcodes, and the memo.</summary>
internal sealed partial class PickleReader
{
    private bool TryContainer(byte op)
    {
        switch (op)
        {
            case PickleOpcodes.EmptyTuple:
                Push(PyTuple.Empty);
                return true;
            case PickleOpcodes.Tuple:
                PushTuple(PopMark());
                return true;
            case PickleOpcodes.Tuple1 or PickleOpcodes.Tuple2 or PickleOpcodes.Tuple3:
                var items = new object?[op - PickleOpcodes.Tuple1 + 1];
                for (int i = items.Length - 1; i >= 0; i--)
                {
                    items[i] = Pop();
                }

                PushTuple(items);
                return true;
            case PickleOpcodes.EmptyList:
                Push(new PyList());
                return true;
            case PickleOpcodes.List:
                List<object?> listItems = PopMark();
                Place(listItems.Count);
                Push(new PyList(listItems));
                return true;
            case PickleOpcodes.Append:
                object? appended = Pop();
                Append(Peek(), [appended]);
                return true;
            case PickleOpcodes.Appends:
                List<object?> appends = PopMark();
                Append(Peek(), appends);
                return true;
            case PickleOpcodes.EmptyDict:
                Push(new PyDict());
                return true;
            case PickleOpcodes.Dict:
                var dict = new PyDict();
                SetItems(dict, PopMark());
                Push(dict);
                return true;
            case PickleOpcodes.SetItem:
                object? value = Pop();
                object? key = Pop();
                SetItems(Peek(), [key, value]);
                return true;
            case PickleOpcodes.SetItems:
                List<object?> pairs = PopMark();
                SetItems(Peek(), pairs);
                return true;
            case PickleOpcodes.EmptySet:
                Push(new PySet());
                return true;
            case PickleOpcodes.AddItems:
                List<object?> members = PopMark();
                if (Peek() is not PySet set)
                {
                    throw Violation("ADDITEMS on something that is not a set");
                }

                Place(members.Count);
                set.Items.UnionWith(members);
                return true;
            case PickleOpcodes.FrozenSet:
                List<object?> frozen = PopMark();
                Place(frozen.Count);
                Push(CheckDepth(new PyFrozenSet(frozen)));
                return true;
            default:
                return false;
        }
    }

    private bool TryMemo(byte op)
    {
        switch (op)
        {
            case PickleOpcodes.Memoize:
                Memoize(_memo.Count);
                return true;
            case PickleOpcodes.BinPut:
                Memoize(ReadByte());
                return true;
            case PickleOpcodes.LongBinPut:
                Memoize(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Take(4)));
                return true;
            case PickleOpcodes.Put:
                Memoize(MemoIndex(TextLine()));
                return true;
            case PickleOpcodes.BinGet:
                Push(Recall(ReadByte()));
                return true;
            case PickleOpcodes.LongBinGet:
                Push(Recall(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                return true;
            case PickleOpcodes.Get:
                Push(Recall(MemoIndex(TextLine())));
                return true;
            default:
                return false;
        }
    }

    private void PushTuple(IReadOnlyList<object?> items)
    {
        Place(items.Count);
        Push(CheckDepth(new PyTuple([.. items])));
    }

    private T CheckDepth<T>(T value)
    {
        // Checked as each tuple or frozenset is built: they are the values that get hashed, recursively, as keys.
        if (PythonDepth.Of(value) > _limits.MaxDepth)
        {
            throw Violation($"nesting deeper than {_limits.MaxDepth}");
        }

        return PythonDepth.SizeOf(value) <= _limits.MaxElements
            ? value
            : throw Violation($"a tuple or frozenset of more than {_limits.MaxElements} values counted as a tree");
    }

    private void Append(object? target, List<object?> items)
    {
        Place(items.Count);
        switch (target)
        {
            case PyList list:
                list.Items.AddRange(items);
                break;
            case PyObject obj:
                obj.ListItems.AddRange(items);
                break;
            default:
                throw Violation($"APPEND on a {PythonTypeNames.Of(target)}");
        }
    }

    private void SetItems(object? target, List<object?> pairs)
    {
        if (pairs.Count % 2 != 0)
        {
            throw Violation("SETITEMS or DICT with an odd number of values");
        }

        Place(pairs.Count / 2);
        for (int i = 0; i < pairs.Count; i += 2)
        {
            switch (target)
            {
                case PyDict dict:
                    dict[pairs[i]] = pairs[i + 1];
                    break;
                case PyObject obj:
                    obj.DictItems.Add(new KeyValuePair<object?, object?>(pairs[i], pairs[i + 1]));
                    break;
                default:
                    throw Violation($"SETITEM on a {PythonTypeNames.Of(target)}");
            }
        }
    }

    private void Memoize(long index)
    {
        if (!_memo.ContainsKey(index) && _memo.Count >= _limits.MaxMemoEntries)
        {
            throw Violation($"more than {_limits.MaxMemoEntries} memo entries");
        }

        _memo[index] = Peek();
    }

    private object? Recall(long index) => _memo.TryGetValue(index, out object? value) ? value : throw Violation($"memo entry {index} is missing");

    private long MemoIndex(string line) => long.TryParse(line, System.Globalization.CultureInfo.InvariantCulture, out long index) ? index : throw Violation("a PUT or GET whose index is not a number");
}
