namespace Multiproc.Serialization;

/// <summary>The MessagePack extension type codes Multiproc writes; one table so no two meanings share a code.</summary>
internal static class ExtensionCodes
{
    /// <summary>A shared-object reference on a manager connection: <c>[objectId, typeId]</c> (docs/protocol.md §4).</summary>
    public const sbyte Reference = 42;

    /// <summary>A reference handed over to another process on the worker channel: <c>[address, key, token, typeId]</c>.</summary>
    public const sbyte HandedOverReference = 43;

    /// <summary>A Python object the manager cannot represent, written by a Python client: its pickle (protocol 4), kept intact (docs/python.md).</summary>
    public const sbyte OpaquePython = 44;

    /// <summary>A <see cref="decimal"/>: its invariant digits in UTF-8 (<c>12.50</c>, scale kept), so a Python reader tells it from a string (docs/protocol.md §4).</summary>
    public const sbyte Decimal = 45;
}
