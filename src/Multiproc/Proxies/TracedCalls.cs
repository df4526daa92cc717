using Multiproc.Protocol;

namespace Multiproc.Proxies;

/// <summary>
/// Calls through the client call seam with a client span around each (docs/tracing.md): what every
/// proxy, <see cref="SharedObject"/> and <see cref="ControlChannel"/> calls, so any channel's calls are traced.
/// </summary>
/// <remarks>
/// Without a listener on the <c>Multiproc</c> source a call costs one listener check more than the
/// seam's own call, and allocates nothing. The span is the current activity while the call is sent,
/// which is how a channel finds the context to carry (<see cref="CallTracing.ContextToSend"/>).
/// </remarks>
internal static class TracedCalls
{
    /// <summary>Calls <paramref name="member"/> of object <paramref name="objectId"/> (of type <paramref name="service"/>) and blocks for the reply.</summary>
    /// <inheritdoc cref="ICallChannel.Call" path="/exception"/>
    public static Reply Call(this ICallChannel channel, string service, long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken = default)
        => CallTracing.IsListened
            ? ClientSpan.Call(channel, service, objectId, member, arguments, settled: false, cancellationToken)
            : channel.Call(objectId, member, arguments, cancellationToken);

    /// <summary>Calls a member; the reply is awaited.</summary>
    /// <inheritdoc cref="ICallChannel.CallAsync" path="/exception"/>
    public static ValueTask<Reply> CallAsync(this ICallChannel channel, string service, long objectId, string member, CallArguments arguments, CancellationToken cancellationToken = default)
        => CallTracing.IsListened
            ? ClientSpan.CallAsync(channel, service, objectId, member, arguments, settled: false, cancellationToken)
            : channel.CallAsync(objectId, member, arguments, cancellationToken);

    /// <summary>Calls a member and blocks until the host settles it (<see cref="ICallChannel.CallUntilSettled"/>).</summary>
    public static Reply CallUntilSettled(this ICallChannel channel, string service, long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken)
        => CallTracing.IsListened
            ? ClientSpan.Call(channel, service, objectId, member, arguments, settled: true, cancellationToken)
            : channel.CallUntilSettled(objectId, member, arguments, cancellationToken);

    /// <summary>Calls a member and awaits the host settling it (<see cref="ICallChannel.CallUntilSettledAsync"/>).</summary>
    public static ValueTask<Reply> CallUntilSettledAsync(this ICallChannel channel, string service, long objectId, string member, CallArguments arguments, CancellationToken cancellationToken)
        => CallTracing.IsListened
            ? ClientSpan.CallAsync(channel, service, objectId, member, arguments, settled: true, cancellationToken)
            : channel.CallUntilSettledAsync(objectId, member, arguments, cancellationToken);

    /// <summary>Calls a member of the control object (create, publish, lookup, ...) and blocks for the reply.</summary>
    public static Reply CallControl(this ICallChannel channel, string member, in CallArguments arguments)
        => channel.Call(ProtocolConstants.ControlTypeId, ProtocolConstants.ControlObjectId, member, arguments);

    /// <summary>Calls a member of the control object; the reply is awaited.</summary>
    public static ValueTask<Reply> CallControlAsync(this ICallChannel channel, string member, CallArguments arguments, CancellationToken cancellationToken)
        => channel.CallAsync(ProtocolConstants.ControlTypeId, ProtocolConstants.ControlObjectId, member, arguments, cancellationToken);
}
