using Multiproc.Protocol;

namespace Multiproc.Proxies;

/// <summary>
/// Cancelling an ordinary call abandons it: the caller gets <see cref="OperationCanceledException"/>
/// at once, the server is asked to cancel, and the late reply is dropped (its references released).
/// </summary>
internal sealed partial class ClientConnection
{
    private static readonly Action<object?, CancellationToken> s_abandon = OnCancelled;

    private static void OnCancelled(object? state, CancellationToken token)
    {
        (ClientConnection connection, PendingCall call) = ((ClientConnection, PendingCall))state!;
        connection.Abandon(call, token);
    }

    /// <summary>Gives up on a call at once; the server is asked to cancel it and its late reply is dropped.</summary>
    private void Abandon(PendingCall call, CancellationToken token)
    {
        // Counted before the call leaves the table, so a reply racing us is always accounted for.
        Interlocked.Increment(ref _abandonedCount);
        if (Complete(call.CallId) is null)
        {
            Interlocked.Decrement(ref _abandonedCount);
            return;
        }

        call.TryFail(new OperationCanceledException("The call was cancelled.", token));
        SendCancel(call.CallId);
        WakeReaderIfIdle();
    }

    /// <summary>Asks the server to cancel a call; best effort (a call that already finished ignores it).</summary>
    private void SendCancel(uint callId) => SendNotice(MessageKind.Cancel, callId, null);
}
