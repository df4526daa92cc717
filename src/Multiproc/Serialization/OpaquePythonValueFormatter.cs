using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// Writes and reads <see cref="OpaquePythonValue"/> as extension <see cref="ExtensionCodes.OpaquePython"/>:
/// <c>[typeName, pickle]</c>, the form the Python front end stores Python objects in (docs/python.md).
/// </summary>
internal sealed class OpaquePythonValueFormatter : IMessagePackFormatter<OpaquePythonValue?>
{
    public static readonly OpaquePythonValueFormatter Instance = new();

    public static bool IsNext(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Extension)
        {
            return false;
        }

        MessagePackReader peek = reader.CreatePeekReader();
        return peek.ReadExtensionFormatHeader().TypeCode == ExtensionCodes.OpaquePython;
    }

    /// <summary>Writes the extension of a Python object: its type name and its pickle.</summary>
    public static void Write(ref MessagePackWriter writer, string typeName, ReadOnlySpan<byte> pickle)
    {
        var payload = new ArrayBufferWriter<byte>(pickle.Length + typeName.Length + 16);
        var inner = new MessagePackWriter(payload);
        inner.WriteArrayHeader(2);
        inner.Write(typeName);
        inner.Write(pickle);
        inner.Flush();
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionCodes.OpaquePython, payload.WrittenCount));
        writer.WriteRaw(payload.WrittenSpan);
    }

    /// <summary>Reads the extension's type name and pickle.</summary>
    /// <exception cref="MessagePackSerializationException">The extension is malformed.</exception>
    public static (string TypeName, byte[] Pickle) Read(ref MessagePackReader reader)
    {
        ExtensionResult extension = reader.ReadExtensionFormat();
        var inner = new MessagePackReader(extension.Data);
        if (extension.TypeCode != ExtensionCodes.OpaquePython || inner.ReadArrayHeader() != 2)
        {
            throw new MessagePackSerializationException("A Python object must be extension 44 holding [typeName, pickle].");
        }

        string typeName = inner.ReadString() ?? throw new MessagePackSerializationException("A Python object has no type name.");
        byte[] pickle = inner.ReadBytes()?.ToArray() ?? throw new MessagePackSerializationException("A Python object has no pickle.");
        return (typeName, pickle);
    }

    public void Serialize(ref MessagePackWriter writer, OpaquePythonValue? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        Write(ref writer, value.TypeName, value.Pickle.Span);
    }

    public OpaquePythonValue? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        (string typeName, byte[] pickle) = Read(ref reader);
        return new OpaquePythonValue(typeName, pickle);
    }
}
