namespace Multiproc.Proxies;

/// <summary>
/// Calls whose cancellation is a request to the server rather than abandonment: the reply is still
/// awaited, so a result the server committed to (an item taken, a lock granted) is never dropped.
/// </summary>
/// <remarks>
/// Used by blocking built-ins (queue takes, lock acquires). Their server methods honour the call's
/// cancellation and either finish with their result or end with <see cref="OperationCanceledException"/>;
/// both reach the caller. If the manager is lost, the call fails like any other.
/// </remarks>
internal sealed partial class ClientConnection
{
    private static readonly Action<object?> s_requestCancel = OnCancelRequested;

    /// <summary>Calls a member and blocks until the server settles it, even after <paramref name="cancellationToken"/> fires.</summary>
    public Reply CallUntilSettled(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return Call(objectId, member, arguments, CancellationToken.None);
        }

        cancellationToken.ThrowIfCancellationRequested();
        PendingCall call = Send(objectId, member, arguments);
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(s_requestCancel, (this, call));
        WakeReaderIfIdle();
        return call.Wait();
    }

    /// <summary>Calls a member and awaits the server settling it, even after <paramref name="cancellationToken"/> fires.</summary>
    public ValueTask<Reply> CallUntilSettledAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken)
        => SendAndAwaitAsync(objectId, member, arguments, abandonOnCancel: false, cancellationToken);

    private static void OnCancelRequested(object? state)
    {
        (ClientConnection connection, PendingCall call) = ((ClientConnection, PendingCall))state!;
        if (!call.IsCompleted)
        {
            connection.SendCancel(call.CallId);
        }
    }
}
