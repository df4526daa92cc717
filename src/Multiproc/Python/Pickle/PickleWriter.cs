using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Multiproc.Python.Pickle;

/// <summary>Writes a value-model value as a pickle that every Python 3 loads: protocol 2, or protocol 4 with a
/// frame.</summary>
/// <remarks>
/// <para>Each node is written so that Python rebuilds an equal object of the same type: bytes stay bytes
/// (<c>_codecs.encode</c> at protocol 2, <c>BINBYTES</c> at 4), sets and frozensets stay themselves, ints of any size
/// stay ints (<c>LONG1</c>/<c>LONG4</c>, two's complement little-endian), and a <see cref="PyObject"/> is written
/// back as it was read: the same callable, arguments, items and <c>BUILD</c> state. Exceptions for <c>#ERROR</c> are
/// <see cref="PyObject.Reduce"/> of their class global.</para>
/// <para>Containers and objects are memoized, so a shared value is written once and a recursive one terminates.
/// Nesting deeper than 1000 throws <see cref="InvalidOperationException"/>. Not thread-safe; one writer per value.</para>
/// </remarks>
internal sealed class PickleWriter
{
    private const int MaxDepth = 1000;
    private const int Batch = 1000;

    private readonly ArrayBufferWriter<byte> _output = new(256);
    private readonly Dictionary<object, int> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly int _protocol;
    private int _depth;

    private PickleWriter(int protocol) => _protocol = protocol;

    /// <summary>Pickles <paramref name="value"/>.</summary>
    /// <param name="value">A value of the model: null, bool, int, long, <see cref="BigInteger"/>, double, string, or a
    /// <c>Py*</c> node.</param>
    /// <param name="protocol">2 or 4.</param>
    /// <returns>The pickle, from <c>PROTO</c> to <c>STOP</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The protocol is not 2 or 4.</exception>
    /// <exception cref="ArgumentException">The value holds something outside the model.</exception>
    /// <exception cref="InvalidOperationException">The value nests deeper than 1000.</exception>
    public static byte[] Write(object? value, int protocol = 4)
    {
        if (protocol is not (2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "The writer emits protocol 2 or 4.");
        }

        var writer = new PickleWriter(protocol);
        writer.Value(value);
        writer.Op(PickleOpcodes.Stop);
        ReadOnlySpan<byte> body = writer._output.WrittenSpan;
        if (protocol == 2)
        {
            return [PickleOpcodes.Proto, 2, .. body];
        }

        // One frame around the whole body: Python's unpickler accepts a frame of any size.
        var framed = new byte[2 + 9 + body.Length];
        framed[0] = PickleOpcodes.Proto;
        framed[1] = 4;
        framed[2] = PickleOpcodes.Frame;
        BinaryPrimitives.WriteUInt64LittleEndian(framed.AsSpan(3), (ulong)body.Length);
        body.CopyTo(framed.AsSpan(11));
        return framed;
    }

    private void Value(object? value)
    {
        if (value is not null && _memo.TryGetValue(value, out int index))
        {
            Get(index);
            return;
        }

        if (++_depth > MaxDepth)
        {
            throw new InvalidOperationException($"The value nests deeper than {MaxDepth}.");
        }

        switch (value)
        {
            case null:
                Op(PickleOpcodes.None);
                break;
            case bool b:
                Op(b ? PickleOpcodes.NewTrue : PickleOpcodes.NewFalse);
                break;
            case int i:
                Integer(i);
                break;
            case long l:
                Integer(l);
                break;
            case BigInteger big:
                BigInt(big);
                break;
            case double d:
                Op(PickleOpcodes.BinFloat);
                BinaryPrimitives.WriteDoubleBigEndian(_output.GetSpan(8), d);
                _output.Advance(8);
                break;
            case string s:
                Str(s);
                break;
            case PyBytes bytes:
                Bytes(bytes.Value.Span);
                break;
            case PyByteArray array:
                Call(new PyGlobal("builtins", "bytearray"), () => Bytes(CollectionsMarshal.AsSpan(array.Items)), 1);
                break;
            case PyGlobal global:
                Global(global);
                break;
            default:
                Container(value);
                break;
        }

        _depth--;
    }

    private void Container(object value)
    {
        switch (value)
        {
            case PyTuple tuple:
                Tuple(tuple);
                break;
            case PyList list:
                Op(PickleOpcodes.EmptyList);
                Memoize(list);
                Appends(list.Items);
                break;
            case PyDict dict:
                Op(PickleOpcodes.EmptyDict);
                Memoize(dict);
                SetItems(dict);
                break;
            case PySet set when _protocol >= 4:
                Op(PickleOpcodes.EmptySet);
                Memoize(set);
                Batches(set.Items, PickleOpcodes.AddItems);
                break;
            case PySet set:
                Call(new PyGlobal("builtins", "set"), () => Value(new PyList(set.Items)), 1);
                Memoize(set);
                break;
            case PyFrozenSet frozen when _protocol >= 4:
                Op(PickleOpcodes.Mark);
                foreach (object? item in frozen)
                {
                    Value(item);
                }

                Op(PickleOpcodes.FrozenSet);
                Memoize(frozen);
                break;
            case PyFrozenSet frozen:
                Call(new PyGlobal("builtins", "frozenset"), () => Value(new PyList(frozen)), 1);
                Memoize(frozen);
                break;
            case PyObject obj:
                Object(obj);
                break;
            default:
                throw new ArgumentException($"A {value.GetType()} is not a value of the Python value model.", nameof(value));
        }
    }

    private void Object(PyObject obj)
    {
        switch (obj.Kind)
        {
            case PyObjectKind.Reduce:
                Value(obj.Callable);
                Value(obj.Args);
                Op(PickleOpcodes.Reduce);
                break;
            case PyObjectKind.NewObj:
                Value(obj.Callable);
                Value(obj.Args);
                Op(PickleOpcodes.NewObj);
                break;
            case PyObjectKind.NewObjEx when _protocol >= 4:
                Value(obj.Callable);
                Value(obj.Args);
                Value(obj.Kwargs ?? new PyDict());
                Op(PickleOpcodes.NewObjEx);
                break;
            default:
                // Protocol 2 has no NEWOBJ_EX; Python itself writes copyreg.__newobj_ex__(cls, args, kwargs) there.
                Call(new PyGlobal("copyreg", "__newobj_ex__"), () =>
                {
                    Value(obj.Callable);
                    Value(obj.Args);
                    Value(obj.Kwargs ?? new PyDict());
                }, 3);
                break;
        }

        Memoize(obj);
        if (obj.ListItems.Count > 0)
        {
            Appends(obj.ListItems);
        }

        if (obj.DictItems.Count > 0)
        {
            Batches(obj.DictItems.SelectMany(entry => new[] { entry.Key, entry.Value }), PickleOpcodes.SetItems);
        }

        if (obj.HasState)
        {
            Value(obj.State);
            Op(PickleOpcodes.Build);
        }
    }

    /// <summary>Writes <c>callable(args)</c> with <paramref name="count"/> arguments written by <paramref name="args"/>.</summary>
    private void Call(PyGlobal callable, Action args, int count)
    {
        Global(callable);
        if (count > 3)
        {
            Op(PickleOpcodes.Mark);
        }

        args();
        Op(count switch
        {
            0 => PickleOpcodes.EmptyTuple,
            1 => PickleOpcodes.Tuple1,
            2 => PickleOpcodes.Tuple2,
            3 => PickleOpcodes.Tuple3,
            _ => PickleOpcodes.Tuple,
        });
        Op(PickleOpcodes.Reduce);
    }

    private void Tuple(PyTuple tuple)
    {
        if (tuple.Count == 0)
        {
            Op(PickleOpcodes.EmptyTuple);
            return;
        }

        if (tuple.Count > 3)
        {
            Op(PickleOpcodes.Mark);
        }

        foreach (object? item in tuple)
        {
            Value(item);
        }

        Op(tuple.Count switch
        {
            1 => PickleOpcodes.Tuple1,
            2 => PickleOpcodes.Tuple2,
            3 => PickleOpcodes.Tuple3,
            _ => PickleOpcodes.Tuple,
        });
        Memoize(tuple);
    }

    private void Appends(List<object?> items) => Batches(items, PickleOpcodes.Appends);

    private void SetItems(PyDict dict) => Batches(dict.SelectMany(entry => new[] { entry.Key, entry.Value }), PickleOpcodes.SetItems);

    /// <summary>Writes <c>MARK items… op</c> in batches, as Python does, so no reader needs one huge MARK frame.</summary>
    private void Batches(IEnumerable<object?> items, byte op)
    {
        int inBatch = 0;
        foreach (object? item in items)
        {
            if (inBatch == 0)
            {
                Op(PickleOpcodes.Mark);
            }

            Value(item);
            if (++inBatch == Batch * (op == PickleOpcodes.SetItems ? 2 : 1))
            {
                Op(op);
                inBatch = 0;
            }
        }

        if (inBatch > 0)
        {
            Op(op);
        }
    }

    private void Integer(long value)
    {
        switch (value)
        {
            case >= 0 and <= byte.MaxValue:
                Op(PickleOpcodes.BinInt1);
                Op((byte)value);
                break;
            case >= 0 and <= ushort.MaxValue:
                Op(PickleOpcodes.BinInt2);
                BinaryPrimitives.WriteUInt16LittleEndian(_output.GetSpan(2), (ushort)value);
                _output.Advance(2);
                break;
            case >= int.MinValue and <= int.MaxValue:
                Op(PickleOpcodes.BinInt);
                BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), (int)value);
                _output.Advance(4);
                break;
            default:
                BigInt(value);
                break;
        }
    }

    private void BigInt(BigInteger value)
    {
        if (value >= int.MinValue && value <= int.MaxValue)
        {
            Integer((long)value);
            return;
        }

        byte[] bytes = value.ToByteArray(isUnsigned: false, isBigEndian: false);
        if (bytes.Length < 256)
        {
            Op(PickleOpcodes.Long1);
            Op((byte)bytes.Length);
        }
        else
        {
            Op(PickleOpcodes.Long4);
            BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), bytes.Length);
            _output.Advance(4);
        }

        _output.Write(bytes);
    }

    private void Str(string text)
    {
        byte[] utf8 = PickleStrings.Encode(text);
        if (_protocol >= 4 && utf8.Length < 256)
        {
            Op(PickleOpcodes.ShortBinUnicode);
            Op((byte)utf8.Length);
        }
        else
        {
            Op(PickleOpcodes.BinUnicode);
            BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), (uint)utf8.Length);
            _output.Advance(4);
        }

        _output.Write(utf8);
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        if (_protocol < 3)
        {
            // What Python writes at protocol 2: bytes as the latin-1 str that encodes to them.
            string latin1 = string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
            {
                for (int i = 0; i < source.Length; i++)
                {
                    chars[i] = (char)source[i];
                }
            });
            Call(new PyGlobal("_codecs", "encode"), () =>
            {
                Str(latin1);
                Str("latin1");
            }, 2);
            return;
        }

        if (bytes.Length < 256)
        {
            Op(PickleOpcodes.ShortBinBytes);
            Op((byte)bytes.Length);
        }
        else
        {
            Op(PickleOpcodes.BinBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), (uint)bytes.Length);
            _output.Advance(4);
        }

        _output.Write(bytes);
    }

    private void Global(PyGlobal global)
    {
        if (_protocol >= 4)
        {
            Str(global.Module);
            Str(global.Name);
            Op(PickleOpcodes.StackGlobal);
            return;
        }

        Op(PickleOpcodes.Global);
        _output.Write(PickleStrings.Encode(global.Module + "\n" + global.Name + "\n"));
    }

    private void Memoize(object value)
    {
        int index = _memo.Count;
        _memo[value] = index;
        if (_protocol >= 4)
        {
            Op(PickleOpcodes.Memoize);
            return;
        }

        MemoOp(PickleOpcodes.BinPut, PickleOpcodes.LongBinPut, index);
    }

    private void Get(int index) => MemoOp(PickleOpcodes.BinGet, PickleOpcodes.LongBinGet, index);

    /// <summary>A memo put or get: the one-byte form for the first 256 entries, the four-byte form after.</summary>
    private void MemoOp(byte shortOp, byte longOp, int index)
    {
        if (index <= byte.MaxValue)
        {
            Op(shortOp);
            Op((byte)index);
            return;
        }

        Op(longOp);
        BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), index);
        _output.Advance(4);
    }

    private void Op(byte op)
    {
        _output.GetSpan(1)[0] = op;
        _output.Advance(1);
    }
}
