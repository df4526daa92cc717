namespace Multiproc.Protocol;

/// <summary>Fixed numbers of the wire protocol; see docs/protocol.md.</summary>
internal static class ProtocolConstants
{
    /// <summary>Bumped on any incompatible change to frames, messages or the handshake.</summary>
    public const ushort Version = 2;

    /// <summary>Bytes of the little-endian length prefix in front of every frame.</summary>
    public const int LengthPrefixSize = 4;

    /// <summary>The default largest frame payload either side accepts (64 MiB).</summary>
    public const int DefaultMaxFrameSize = ManagerOptions.DefaultMaxFrameSize;

    /// <summary>Object id of the manager's control object (create, publish, lookup, stats...).</summary>
    public const long ControlObjectId = 0;

    /// <summary>The type id the control object's calls are named under in metrics, traces and inspection.</summary>
    public const string ControlTypeId = "multiproc.control";

    /// <summary>"MPRC": the first bytes each side sends, so garbage is rejected at once.</summary>
    public static ReadOnlySpan<byte> Magic => "MPRC"u8;
}
