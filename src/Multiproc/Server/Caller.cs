using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>
/// Who is calling: given to built-in server methods that declare a parameter of this type (it is
/// never sent on the wire), so ownership can belong to a connection rather than a thread.
/// </summary>
/// <param name="ConnectionId">The calling connection; unique for the manager's lifetime.</param>
/// <param name="Disconnected">Cancelled when that connection closes (its process exited or was killed).</param>
internal sealed record Caller(long ConnectionId, CancellationToken Disconnected)
{
    /// <summary>Gets the largest reply payload the connection may be sent (a method that returns a batch caps it by this).</summary>
    public int MaxFrameSize { get; init; } = ProtocolConstants.DefaultMaxFrameSize;
}
