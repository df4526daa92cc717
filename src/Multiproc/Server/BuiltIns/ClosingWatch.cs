
namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The connections one primitive watches for closing (each registered once), so what a closed
/// connection held (a lock, permits, a barrier place) is given back.
/// </summary>
/// <remarks>
/// <para>Every member is called under the primitive's lock. The
/// closing handler runs later on a server thread, never inline in <see cref="Watch"/> (a connection
/// closed meanwhile would otherwise re-enter the primitive halfway through a change); it takes the
/// lock itself, so anything granted to the connection before it runs is still given back.</para>
/// <para>A connection stays watched until it closes or the primitive is disposed.</para>
/// </remarks>
internal sealed class ClosingWatch : IDisposable
{
    private static readonly Action<object?> s_closed = static state =>
    {
        (ClosingWatch watch, long connectionId) = ((ClosingWatch, long))state!;
        ServerScheduler.Shared.Queue(static s => s.watch._onClosed(s.connectionId), (watch, connectionId));
    };

    private readonly Dictionary<long, CancellationTokenRegistration> _watched = [];
    private readonly Action<long> _onClosed;
    private bool _disposed;

    /// <param name="onClosed">Called on a server thread with the id of a watched connection that closed.</param>
    public ClosingWatch(Action<long> onClosed)
    {
        _onClosed = onClosed;
    }

    /// <summary>Watches the caller's connection unless it already is.</summary>
    /// <exception cref="OperationCanceledException">The connection has already closed.</exception>
    public void Watch(Caller caller)
    {
        caller.Disconnected.ThrowIfCancellationRequested();
        if (_disposed || _watched.ContainsKey(caller.ConnectionId))
        {
            return;
        }

        _watched[caller.ConnectionId] = caller.Disconnected.UnsafeRegister(s_closed, (this, caller.ConnectionId));
    }

    /// <summary>Forgets a connection whose closing has been handled.</summary>
    public void Forget(long connectionId) => _watched.Remove(connectionId);

    /// <summary>Stops watching every connection (the primitive is gone).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (CancellationTokenRegistration registration in _watched.Values)
        {
            registration.Unregister();
        }

        _watched.Clear();
    }
}
