using MessagePack;

namespace Multiproc.Proxies;

/// <summary>
/// A reference on its way to another process: everything the receiver needs to reach the object
/// and take it over, and nothing else. Serializable, so it travels in a worker's bootstrap or
/// arguments, or in a result.
/// </summary>
/// <param name="Address">The address of the object's host, scheme included; the receiver opens a channel to it (<see cref="ChannelSchemes"/>).</param>
/// <param name="AuthKey">The key for that address. Descriptors travel through private channels only (a pipe, a token-checked socket), never a command line or the environment.</param>
/// <param name="Token">What the host gave for this hand-over: a manager keeps the object alive until the token is adopted (or its grace period ends). A backend without reference counts may use the object id.</param>
/// <param name="TypeId">The object's type id, so the receiver builds the right proxy.</param>
internal sealed record HandoverDescriptor(string Address, byte[] AuthKey, string Token, string TypeId)
{
    private const int FieldCount = 4;

    /// <summary>Writes the descriptor as <c>[address, key, token, typeId]</c> (the body of extension 43, docs/protocol.md §7).</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Address);
        writer.Write(AuthKey);
        writer.Write(Token);
        writer.Write(TypeId);
    }

    /// <summary>Reads a descriptor written by <see cref="Write"/>.</summary>
    /// <exception cref="MessagePackSerializationException">The value is not a descriptor.</exception>
    public static HandoverDescriptor Read(ref MessagePackReader reader)
    {
        if (reader.ReadArrayHeader() != FieldCount)
        {
            throw new MessagePackSerializationException("A handed-over reference must be [address, key, token, typeId].");
        }

        string? address = reader.ReadString();
        byte[] key = reader.ReadBytes() is { } bytes ? System.Buffers.BuffersExtensions.ToArray(bytes) : [];
        string? token = reader.ReadString();
        string? typeId = reader.ReadString();
        return address is null || token is null || typeId is null
            ? throw new MessagePackSerializationException("A handed-over reference must have an address, a token and a type id.")
            : new HandoverDescriptor(address, key, token, typeId);
    }
}
