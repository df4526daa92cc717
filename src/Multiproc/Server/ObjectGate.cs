namespace Multiproc.Server;

/// <summary>
/// Runs the calls on one object one at a time, in arrival order.
/// </summary>
/// <remarks>
/// Waiting calls hold no thread: they sit in a queue and are scheduled when the call ahead of them
/// finishes (including the awaited part of an async method): on a server thread, or on the thread
/// pool for a user's method not known to be short (see <see cref="ServerWork"/>). Handing off to
/// the pool would stall an in-process manager whose callers block every pool thread.
/// </remarks>
internal sealed class ObjectGate
{
    private readonly Lock _lock = new();
    private readonly Queue<ServerWork> _waiting = new();
    private bool _busy;

    /// <summary>Returns true when the caller may run <paramref name="work"/> now; otherwise it is queued.</summary>
    public bool TryEnter(ServerWork work)
    {
        lock (_lock)
        {
            if (!_busy)
            {
                _busy = true;
                return true;
            }

            _waiting.Enqueue(work);
            return false;
        }
    }

    /// <summary>Ends the current call and schedules the next waiting one, if any.</summary>
    public void Exit()
    {
        ServerWork? next;
        lock (_lock)
        {
            if (!_waiting.TryDequeue(out next))
            {
                _busy = false;
                return;
            }
        }

        next.Schedule();
    }
}
