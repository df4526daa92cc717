using MessagePack;

namespace Multiproc.Serialization;

/// <summary>The one nesting limit every formatter and scanner of Multiproc applies, on both channels.</summary>
/// <remarks>
/// It is MessagePack's own decode limit for untrusted data (<see cref="MessagePackSecurity.MaximumObjectGraphDepth"/>
/// of <see cref="MessagePackSecurity.UntrustedData"/>, 500), so a value that can be written can also be read
/// back, and a value a built-in container accepts can be decoded by a typed reader.
/// </remarks>
internal static class SerializationLimits
{
    /// <summary>Gets the deepest nesting a value may have: objects, collections and maps each count one level.</summary>
    public static int MaxDepth { get; } = MessagePackSecurity.UntrustedData.MaximumObjectGraphDepth;
}
