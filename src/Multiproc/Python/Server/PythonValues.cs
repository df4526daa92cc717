using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using MessagePack;
using Multiproc.Python.Pickle;
using Multiproc.Serialization;
using Multiproc.Server;

namespace Multiproc.Python.Server;

/// <summary>
/// Maps values between the Python value model and the MessagePack encoding the manager stores
/// (<see cref="EncodedValue"/>), so one object serves both worlds (docs/python.md, "One object, two worlds").
/// </summary>
/// <remarks>
/// <para>A value a Python client writes is stored as its MessagePack mapping, which .NET clients read,
/// together with the Python value itself, which Python clients get back exactly. A value a .NET client
/// wrote has only its encoding, and Python clients get its mapping back.</para>
/// <para>Python to MessagePack: None → nil, bool, int → int (beyond 64 bits: kept as a Python object),
/// float, str, bytes and bytearray → bin, list, tuple, set and frozenset → array, dict → map,
/// <c>decimal.Decimal</c> → a decimal (extension 45), a naive <c>datetime</c> → a timestamp
/// (as UTC). Anything else (a user's class, a <c>Fraction</c>, an aware datetime) is a Python object:
/// extension <see cref="ExtensionCodes.OpaquePython"/> carrying its pickle.</para>
/// <para>MessagePack to Python: nil, bool, int, float, str, bin → bytes, array → list (a tuple where a
/// dict key needs one), map → dict, timestamp → naive datetime in UTC, a Python object → itself.</para>
/// <para>Shared objects inside values: a proxy a Python client sends (<c>RebuildProxy(ListProxy, Token, …)</c>) of an
/// object of this manager becomes a shared-object reference, which keeps the object alive while it is stored and
/// which .NET clients read as a proxy; Python clients get their own <c>RebuildProxy</c> back. A reference a .NET
/// client stored reaches Python as a <c>RebuildProxy</c> of its typed proxy class (<c>AutoProxy</c> for a queue
/// or a registered class), with this listener's address in its token.</para>
/// </remarks>
internal sealed class PythonValues
{
    private const sbyte TimestampExtension = -1;

    private readonly PythonContext _context;

    public PythonValues(PythonContext context) => _context = context;

    /// <summary>Encodes a Python value for storage, keeping the value itself beside its encoding.</summary>
    /// <exception cref="PythonProtocolError">A proxy inside names an object of this manager that was released.</exception>
    public EncodedValue Encode(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        List<ObjectEntry>? references = null;
        Write(ref writer, value, ref references);
        writer.Flush();
        return new EncodedValue(buffer.WrittenSpan.ToArray(), references?.ToArray(), python: value);
    }

    /// <summary>The Python value of a stored value: the one a Python client wrote, or the mapping of a .NET one.</summary>
    /// <exception cref="NotSupportedException">The value holds something with no Python form (an object of a .NET-only type).</exception>
    public object? Decode(in EncodedValue value)
    {
        if (value.Python is not null || value.IsNil)
        {
            return value.Python;
        }

        MessagePackReader reader = value.CreateReader();
        return Read(ref reader, asKey: false);
    }

    /// <summary>The Python value of a stored dictionary key: arrays read as tuples, so a .NET key is hashable.</summary>
    public object? DecodeKey(in EncodedValue value)
    {
        if (value.Python is not null || value.IsNil)
        {
            return value.Python;
        }

        MessagePackReader reader = value.CreateReader();
        return Read(ref reader, asKey: true);
    }

    private void Write(ref MessagePackWriter writer, object? value, ref List<ObjectEntry>? references)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case bool flag:
                writer.Write(flag);
                break;
            case long number:
                writer.Write(number);
                break;
            case double number:
                writer.Write(number);
                break;
            case string text:
                writer.Write(text);
                break;
            case PyBytes bytes:
                writer.Write(bytes.Value.Span);
                break;
            case PyByteArray bytes:
                writer.Write(bytes.Items.ToArray());
                break;
            case PyTuple tuple:
                WriteArray(ref writer, tuple.Count, tuple, ref references);
                break;
            case PyList list:
                WriteArray(ref writer, list.Items.Count, list.Items, ref references);
                break;
            case PySet set:
                WriteArray(ref writer, set.Items.Count, set.Items, ref references);
                break;
            case PyFrozenSet set:
                WriteArray(ref writer, set.Count, set, ref references);
                break;
            case PyDict dict:
                writer.WriteMapHeader(dict.Count);
                foreach ((object? key, object? item) in dict)
                {
                    Write(ref writer, key, ref references);
                    Write(ref writer, item, ref references);
                }

                break;
            case PyObject obj when TryGetOwnProxy(obj, out ObjectEntry? entry):
                (references ??= []).Add(entry);
                ReferenceAwareFormatter<object>.WriteReference(ref writer, entry.Id, entry.Binding.TypeId);
                break;
            case PyObject obj when TryGetDecimal(obj, out string? digits):
                DecimalExtensionFormatter.Write(ref writer, digits);
                break;
            case PyObject obj when TryGetNaiveDateTime(obj, out DateTime time):
                writer.Write(time);
                break;
            default:
                // BigInteger beyond 64 bits, user objects, globals: Python's own form, intact.
                OpaquePythonValueFormatter.Write(ref writer, PythonTypeNames.QualifiedOf(value), PickleWriter.Write(value, protocol: 4));
                break;
        }
    }

    private void WriteArray(ref MessagePackWriter writer, int count, IEnumerable<object?> items, ref List<ObjectEntry>? references)
    {
        writer.WriteArrayHeader(count);
        foreach (object? item in items)
        {
            Write(ref writer, item, ref references);
        }
    }

    private object? Read(ref MessagePackReader reader, bool asKey)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                return reader.NextCode == MessagePackCode.UInt64 ? Normalize(reader.ReadUInt64()) : reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Binary:
                return new PyBytes(reader.ReadBytes()!.Value.ToArray());
            case MessagePackType.Array:
                int count = reader.ReadArrayHeader();
                object?[] items = new object?[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = Read(ref reader, asKey);
                }

                return asKey ? new PyTuple(items) : new PyList(items);
            case MessagePackType.Map:
                int pairs = reader.ReadMapHeader();
                var dict = new PyDict();
                for (int i = 0; i < pairs; i++)
                {
                    object? key = Read(ref reader, asKey: true);
                    dict[key] = Read(ref reader, asKey);
                }

                return dict;
            case MessagePackType.Extension:
                return ReadExtension(ref reader);
            default:
                throw new NotSupportedException($"A stored value of MessagePack type {reader.NextMessagePackType} has no Python form.");
        }
    }

    private object ReadExtension(ref MessagePackReader reader)
    {
        MessagePackReader peek = reader.CreatePeekReader();
        ExtensionHeader header = peek.ReadExtensionFormatHeader();
        if (header.TypeCode == TimestampExtension)
        {
            return DateTimeObject(reader.ReadDateTime());
        }

        if (header.TypeCode == ExtensionCodes.OpaquePython)
        {
            return PickleReader.Read(OpaquePythonValueFormatter.Read(ref reader).Pickle)!;
        }

        if (header.TypeCode == ExtensionCodes.Decimal)
        {
            decimal number = DecimalExtensionFormatter.ReadExtension(ref reader);
            return PyObject.Reduce("decimal", "Decimal", number.ToString(CultureInfo.InvariantCulture));
        }

        ExtensionResult extension = reader.ReadExtensionFormat();
        return extension.TypeCode switch
        {
            ExtensionCodes.Reference => ProxyOf(extension.Data),
            _ => throw new NotSupportedException($"A stored value with MessagePack extension {extension.TypeCode} has no Python form."),
        };
    }

    /// <summary>A <c>RebuildProxy(...)</c> a Python client sent, of an object in this manager's table.</summary>
    /// <remarks>Its token's address must be this listener's (the port, or the Unix path): ids of another manager are not ours.</remarks>
    private bool TryGetOwnProxy(PyObject obj, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ObjectEntry? entry)
    {
        entry = null;
        if (obj.Class is not { Module: "multiprocessing.managers", Name: "RebuildProxy" } || obj.Args.Count < 2
            || obj.Args[1] is not PyObject { State: PyTuple { Count: 3 } token } || !IsOwnAddress(token[1]))
        {
            return false;
        }

        if (!PythonTypes.TryParseIdent(token[2] as string, out long id) || !_context.Host.Table.TryGet(id, out ObjectEntry found))
        {
            throw new PythonProtocolError($"KeyError: '{token[2]}': the proxy names a shared object this manager no longer has");
        }

        entry = found;
        return true;
    }

    private bool IsOwnAddress(object? address) => (_context.TokenAddress, address) switch
    {
        (PyTuple { Count: 2 } own, PyTuple { Count: 2 } other) => PythonEquality.Instance.Equals(own[1], other[1]),
        (string own, string other) => own == other,
        _ => false,
    };

    /// <summary>A shared-object reference (<c>[objectId, typeId]</c>) as the <c>RebuildProxy</c> a stock client unpickles into a proxy.</summary>
    private PyObject ProxyOf(ReadOnlySequence<byte> data)
    {
        var reader = new MessagePackReader(data);
        reader.ReadArrayHeader();
        long id = reader.ReadInt64();
        if (!_context.Host.Table.TryGet(id, out ObjectEntry entry))
        {
            throw new ObjectDisposedException(null, $"The shared object {id} inside the value was released.");
        }

        PythonSharedType type = _context.Types.Of(entry);
        (PyGlobal proxyClass, PyDict kwds) = PythonProxyClasses.For(type.TypeId, type.Exposed);
        PyObject token = PythonReplies.Token(type.TypeId, _context.TokenAddress, PythonTypes.Ident(entry));
        return PyObject.Reduce(PythonProxyClasses.Module, "RebuildProxy", proxyClass, token, "pickle", kwds);
    }

    private static object Normalize(ulong number) => number <= long.MaxValue ? (long)number : new BigInteger(number);

    /// <summary>A <c>decimal.Decimal</c> whose digits .NET's decimal can read (stored as a decimal extension).</summary>
    private static bool TryGetDecimal(PyObject obj, out string digits)
    {
        digits = string.Empty;
        if (obj.Class is not { Module: "decimal", Name: "Decimal" } || obj.Args.Count != 1 || obj.Args[0] is not string text
            || text.Length > DecimalExtensionFormatter.MaxDigits || !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        digits = text;
        return true;
    }

    /// <summary>A naive <c>datetime.datetime</c> (its 10-byte state, no tzinfo), read as UTC.</summary>
    private static bool TryGetNaiveDateTime(PyObject obj, out DateTime time)
    {
        time = default;
        if (obj.Class is not { Module: "datetime", Name: "datetime" } || obj.Args.Count != 1 || obj.Args[0] is not PyBytes { Length: 10 } state)
        {
            return false;
        }

        ReadOnlySpan<byte> s = state.Value.Span;
        int year = BinaryPrimitives.ReadUInt16BigEndian(s);
        int microsecond = (s[7] << 16) | (s[8] << 8) | s[9];
        if (year is < 1 or > 9999 || s[2] is < 1 or > 12 || s[4] > 23 || s[5] > 59 || s[6] > 59 || microsecond > 999_999
            || s[3] < 1 || s[3] > DateTime.DaysInMonth(year, s[2]))
        {
            return false;
        }

        time = new DateTime(year, s[2], s[3], s[4], s[5], s[6], DateTimeKind.Utc).AddTicks(microsecond * 10L);
        return true;
    }

    /// <summary>A naive Python <c>datetime</c> for a .NET timestamp, in UTC (microseconds: Python keeps no finer).</summary>
    private static PyObject DateTimeObject(DateTime time)
    {
        time = time.ToUniversalTime();
        int microsecond = (int)(time.Ticks % TimeSpan.TicksPerSecond / 10);
        byte[] state =
        [
            (byte)(time.Year >> 8), (byte)time.Year, (byte)time.Month, (byte)time.Day,
            (byte)time.Hour, (byte)time.Minute, (byte)time.Second,
            (byte)(microsecond >> 16), (byte)(microsecond >> 8), (byte)microsecond,
        ];
        return PyObject.Reduce("datetime", "datetime", new PyBytes(state));
    }
}
