using MessagePack;

namespace Multiproc.Serialization;

/// <summary>Builds the serializer options of one connection.</summary>
internal static class WireOptions
{
    /// <remarks>
    /// UntrustedData: hash-flooding resistant dictionaries and a depth limit, since every byte
    /// comes from another process, even after authentication.
    /// </remarks>
    public static MessagePackSerializerOptions Create(IReferenceCodec codec)
        => DataFormatters.CreateOptions(new WireResolver(codec));
}
