namespace Multiproc.Protocol;

/// <summary>The first element of every message array.</summary>
internal enum MessageKind : byte
{
    /// <summary>Client to server: [1, callId, objectId, member, args...].</summary>
    Call = 1,

    /// <summary>Server to client: [2, callId, value].</summary>
    Result = 2,

    /// <summary>Server to client: [3, callId, exceptionTypeName, message, remoteStackTrace].</summary>
    Error = 3,

    /// <summary>Client to server: [4, callId]; asks the server to cancel a call in flight.</summary>
    Cancel = 4,

    /// <summary>Client to server: [5, objectId, count]; drops references the connection owns. No reply.</summary>
    Release = 5,

    /// <summary>
    /// Server to client: [6, callId, value]; a result that hands something over (a queue item, a
    /// popped element). The server keeps it leased until the client answers with
    /// <see cref="Receipt"/> or <see cref="Return"/>; if the connection closes first, it is given back.
    /// </summary>
    LeasedResult = 6,

    /// <summary>Client to server: [7, callId]; the leased result reached its caller and is final. No reply.</summary>
    Receipt = 7,

    /// <summary>Client to server: [8, callId]; the caller had given up on the call, so the leased result goes back. No reply.</summary>
    Return = 8,

    /// <summary>
    /// Client to server: [9, callId, objectId, member, [traceparent, tracestate?], args...]; a
    /// <see cref="Call"/> that carries the caller's W3C trace context as one element after the member.
    /// </summary>
    /// <remarks>
    /// Sent only when there is a context to send (docs/tracing.md); every other call is a plain
    /// <see cref="Call"/>, whose bytes tracing never changes. The server accepts both.
    /// </remarks>
    TracedCall = 9,

    /// <summary>Client to server: [20, sequence u32]; a heartbeat, sent only while calls are pending and the manager has been quiet. The server's reader answers at once.</summary>
    Ping = 20,

    /// <summary>Server to client: [21, sequence]; the answer to a ping (echoing its sequence). Like every frame, it shows the manager is alive.</summary>
    Pong = 21,
}
