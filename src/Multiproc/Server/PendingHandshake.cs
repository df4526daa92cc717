using System.Net.Sockets;
using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>A connection that has not finished authenticating: its socket, its handshake state and when it was accepted.</summary>
/// <param name="Socket">The accepted socket (blocking; only read when polling says it is readable).</param>
/// <param name="Handshake">The server side of the handshake, fed as bytes arrive.</param>
/// <param name="AcceptedAt">The <see cref="TimeProvider.GetTimestamp"/> of the accept; the one deadline counts from here.</param>
internal sealed record PendingHandshake(Socket Socket, ServerHandshake Handshake, long AcceptedAt);
