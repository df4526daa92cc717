using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Multiproc.Python.Pickle;

/// <summary>Reads a pickle (protocols 2 to 5, and the protocol-0 forms of ints, floats and memo ops) into the
/// Python value model, without importing or instantiating anything named by the pickle.</summary>
/// <remarks>
/// <para>Globals become <see cref="PyGlobal"/>; <c>REDUCE</c>, <c>NEWOBJ</c> and <c>NEWOBJ_EX</c> become
/// <see cref="PyObject"/> nodes, except the few reductions that spell a value-model type (<c>_codecs.encode</c> for
/// protocol-2 bytes, <c>builtins.bytearray</c>, <c>builtins.set</c>, <c>builtins.frozenset</c>).
/// None is C# <see langword="null"/>; ints are <c>long</c>, or <see cref="BigInteger"/> beyond 64 bits.</para>
/// <para>Every failure (truncation, an unknown opcode, a limit of <see cref="PickleLimits"/>, an unhashable key, a
/// recursive structure, out-of-band buffers, persistent ids, extension codes) throws
/// <see cref="ProtocolViolationException"/> and nothing else. Not thread-safe; one reader per load.</para>
/// </remarks>
internal sealed partial class PickleReader
{
    private const int HighestProtocol = 5;

    private static readonly object s_true = true;
    private static readonly object s_false = false;

    private readonly ReadOnlyMemory<byte> _input;
    private readonly PickleLimits _limits;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;
    private long _elements;
    private long _materializedBytes;

    private PickleReader(ReadOnlyMemory<byte> input, PickleLimits limits)
    {
        _input = input;
        _limits = limits;
    }

    /// <summary>Reads one pickled value.</summary>
    /// <param name="pickle">The whole pickle, ending with <c>STOP</c>.</param>
    /// <param name="limits">The bounds to enforce; <see cref="PickleLimits.Default"/> when null.</param>
    /// <returns>The value, in the value model.</returns>
    /// <exception cref="ProtocolViolationException">The pickle is malformed, unsupported or over a limit.</exception>
    public static object? Read(ReadOnlyMemory<byte> pickle, PickleLimits? limits = null)
    {
        limits ??= PickleLimits.Default;
        if (pickle.Length > limits.MaxInputBytes)
        {
            throw new ProtocolViolationException($"The pickle is {pickle.Length} bytes; the limit is {limits.MaxInputBytes}.");
        }

        object? value = new PickleReader(pickle, limits).Run();
        PickleGraph.Check(value, limits);
        return value;
    }

    private int Remaining => _input.Length - _position;

    private object? Run()
    {
        while (true)
        {
            int at = _position;
            byte op = ReadByte();
            try
            {
                if (op == PickleOpcodes.Stop)
                {
                    return Finish();
                }

                Execute(op);
            }
            catch (PythonTypeErrorException ex)
            {
                throw new ProtocolViolationException($"The pickle is invalid at offset {at}: {ex.Message}.", ex);
            }
        }
    }

    private object? Finish()
    {
        if (_stack.Count != 1 || Remaining != 0)
        {
            throw new ProtocolViolationException(
                $"The pickle ends with {_stack.Count} values on the stack and {Remaining} bytes after STOP; expected one value and none.");
        }

        return _stack[0];
    }

    private void Execute(byte op)
    {
        switch (op)
        {
            case PickleOpcodes.Proto:
                int protocol = ReadByte();
                if (protocol > HighestProtocol)
                {
                    throw Violation($"unsupported pickle protocol {protocol}");
                }

                break;
            case PickleOpcodes.Frame:
                // Frames only group opcodes for buffering; the whole input is here, so only the length is checked.
                _ = Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)));
                break;
            case PickleOpcodes.Mark:
                if (_marks.Count >= _limits.MaxDepth)
                {
                    throw Violation($"more than {_limits.MaxDepth} open MARKs");
                }

                _marks.Add(_stack.Count);
                break;
            case PickleOpcodes.Pop:
                if (_stack.Count > 0 && (_marks.Count == 0 || _marks[^1] < _stack.Count))
                {
                    Pop();
                }
                else
                {
                    PopMark();
                }

                break;
            case PickleOpcodes.PopMark:
                PopMark();
                break;
            case PickleOpcodes.Dup:
                Push(Peek());
                break;
            default:
                if (!TryScalar(op) && !TryContainer(op) && !TryObject(op) && !TryMemo(op))
                {
                    throw Violation(op switch
                    {
                        PickleOpcodes.NextBuffer or PickleOpcodes.ReadOnlyBuffer => "out-of-band buffers are not accepted",
                        _ => string.Create(CultureInfo.InvariantCulture, $"unsupported opcode 0x{op:x2}"),
                    });
                }

                break;
        }
    }

    private bool TryScalar(byte op)
    {
        switch (op)
        {
            case PickleOpcodes.None:
                Push(null);
                return true;
            case PickleOpcodes.NewTrue:
                Push(s_true);
                return true;
            case PickleOpcodes.NewFalse:
                Push(s_false);
                return true;
            case PickleOpcodes.BinInt:
                Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                return true;
            case PickleOpcodes.BinInt1:
                Push((long)ReadByte());
                return true;
            case PickleOpcodes.BinInt2:
                Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                return true;
            case PickleOpcodes.Long1:
                Push(PythonNumbers.Normalize(new BigInteger(Take(ReadByte()), isUnsigned: false, isBigEndian: false)));
                return true;
            case PickleOpcodes.Long4:
                Push(PythonNumbers.Normalize(new BigInteger(Take(Length(BinaryPrimitives.ReadInt32LittleEndian(Take(4)))), isUnsigned: false, isBigEndian: false)));
                return true;
            case PickleOpcodes.Int:
                Push(TextInt(TextLine()));
                return true;
            case PickleOpcodes.Long:
                Push(TextLong(TextLine()));
                return true;
            case PickleOpcodes.Float:
                Push(double.TryParse(TextLine(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed)
                    ? parsed
                    : throw Violation("a FLOAT that is not a number"));
                return true;
            case PickleOpcodes.BinFloat:
                Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                return true;
            case PickleOpcodes.ShortBinUnicode:
                Push(PickleStrings.Decode(Take(ReadByte())));
                return true;
            case PickleOpcodes.BinUnicode:
                Push(PickleStrings.Decode(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))));
                return true;
            case PickleOpcodes.BinUnicode8:
                Push(PickleStrings.Decode(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))));
                return true;
            case PickleOpcodes.ShortBinBytes:
                Push(new PyBytes(Take(ReadByte())));
                return true;
            case PickleOpcodes.BinBytes:
                Push(new PyBytes(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))));
                return true;
            case PickleOpcodes.BinBytes8:
                Push(new PyBytes(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))));
                return true;
            case PickleOpcodes.ByteArray8:
                Push(new PyByteArray(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))));
                return true;
            default:
                return false;
        }
    }

    private object TextInt(string line) => line switch
    {
        "01" => s_true,
        "00" => s_false,
        _ => TextLong(line),
    };

    private object TextLong(string line)
    {
        string digits = line.EndsWith('L') ? line[..^1] : line;
        return digits.Length is > 0 and <= 4300 && BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger value)
            ? PythonNumbers.Normalize(value)
            : throw Violation("an INT or LONG that is not a decimal integer");
    }

    private ProtocolViolationException Violation(string what)
        => new(string.Create(CultureInfo.InvariantCulture, $"The pickle is invalid at offset {_position}: {what}."));
}
