namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The FIFO of pending waits of one built-in primitive, and the awaiting of one of them with a
/// timeout and a cancellation token.
/// </summary>
/// <typeparam name="T">What a grant hands over.</typeparam>
/// <remarks>
/// <para>Every change happens under the primitive's lock, which this queue shares. A waiter leaves
/// the queue exactly once: granted by the primitive, or abandoned by its timeout or cancellation.
/// Both remove it under the lock, so a grant and a cancellation that race never both happen; a
/// waiter abandoned first is skipped by later grants, so it never swallows what it was waiting for.</para>
/// <para>Waits hold no thread: a waiting server call is an awaited task. It resumes on a server
/// thread (granted, timed out or cancelled), and its timeout fires on the manager's timer thread when
/// the clock is the system's (see <see cref="Multiproc.Server.ServerClock"/>): neither needs the thread pool.</para>
/// </remarks>
internal sealed class WaitQueue<T>
{
    private static readonly Action<object?, CancellationToken> s_cancelled = static (state, token) =>
    {
        (WaitQueue<T> queue, Waiter<T> waiter) = ((WaitQueue<T>, Waiter<T>))state!;
        queue.Abandon(waiter, timedOut: false, token);
    };

    private static readonly TimerCallback s_timedOut = static state =>
    {
        (WaitQueue<T> queue, Waiter<T> waiter) = ((WaitQueue<T>, Waiter<T>))state!;
        queue.Abandon(waiter, timedOut: true, default);
    };

    private readonly string _kind;
    private readonly Lock _lock;
    private readonly TimeProvider _clock;
    private readonly LinkedList<Waiter<T>> _waiters = new();
    private readonly Action<Waiter<T>>? _onAbandoned;

    /// <param name="kind">What waits here, for metrics (<see cref="WaitKinds"/>).</param>
    /// <param name="lock">The primitive's lock.</param>
    /// <param name="clock">The manager's clock, which times the waits.</param>
    /// <param name="onAbandoned">Runs under the lock when a waiter leaves by timeout or cancellation (to undo its bookkeeping).</param>
    public WaitQueue(string kind, Lock @lock, TimeProvider clock, Action<Waiter<T>>? onAbandoned = null)
    {
        _kind = kind;
        _lock = @lock;
        _clock = clock;
        _onAbandoned = onAbandoned;
    }

    public int Count => _waiters.Count;

    /// <summary>Adds a waiter at the end (under the lock).</summary>
    public Waiter<T> Enqueue(long owner, object? state = null)
    {
        var waiter = new Waiter<T>(owner, state);
        _waiters.AddLast(waiter.Node);
        return waiter;
    }

    /// <summary>Returns the first waiter without removing it (under the lock).</summary>
    public Waiter<T>? Peek() => _waiters.First?.Value;

    /// <summary>Removes and returns the first waiter, or null (under the lock); the caller completes it.</summary>
    public Waiter<T>? Dequeue()
    {
        Waiter<T>? first = _waiters.First?.Value;
        if (first is not null)
        {
            _waiters.Remove(first.Node);
        }

        return first;
    }

    /// <summary>Takes a waiter out of the queue without completing it, if it is still there (under the lock).</summary>
    public void Remove(Waiter<T> waiter)
    {
        if (waiter.IsQueued)
        {
            _waiters.Remove(waiter.Node);
        }
    }

    /// <summary>Grants <paramref name="value"/> to every waiter (under the lock).</summary>
    public void GrantAll(T value)
    {
        while (Dequeue() is { } waiter)
        {
            waiter.TrySetResult(value);
        }
    }

    /// <summary>Ends every wait with <paramref name="error"/> (under the lock).</summary>
    public void FailAll(Exception error)
    {
        while (Dequeue() is { } waiter)
        {
            waiter.TrySetException(error);
        }
    }

    /// <summary>Cancels every wait of a connection that closed (under the lock).</summary>
    public void CancelOwner(long owner)
    {
        LinkedListNode<Waiter<T>>? node = _waiters.First;
        while (node is not null)
        {
            LinkedListNode<Waiter<T>>? next = node.Next;
            if (node.Value.Owner == owner)
            {
                _waiters.Remove(node);
                _onAbandoned?.Invoke(node.Value);
                node.Value.TrySetCanceled();
            }

            node = next;
        }
    }

    /// <summary>
    /// Awaits a waiter (not under the lock): the grant, or (false, default) when
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public async ValueTask<(bool Granted, T Value)> WaitAsync(Waiter<T> waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (waiter.Task.IsCompleted)
        {
            return (!waiter.TimedOut, await waiter.Task.ConfigureAwait(false));
        }

        var state = (this, waiter);
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(s_cancelled, state);
        using ITimer? timer = timeout == Timeout.InfiniteTimeSpan ? null : _clock.CreateTimer(s_timedOut, state, timeout, Timeout.InfiniteTimeSpan);
        ServerMetrics.WaitStarted(_kind);
        try
        {
            T value = await new ServerThreadAwaitable<T>(waiter.Task, _lock);
            return (!waiter.TimedOut, value);
        }
        finally
        {
            ServerMetrics.WaitEnded(_kind);
        }
    }

    private void Abandon(Waiter<T> waiter, bool timedOut, CancellationToken token)
    {
        lock (_lock)
        {
            if (!waiter.IsQueued)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
            _onAbandoned?.Invoke(waiter);
            if (timedOut)
            {
                waiter.TimeOut();
            }
            else
            {
                waiter.TrySetCanceled(token);
            }
        }
    }
}
