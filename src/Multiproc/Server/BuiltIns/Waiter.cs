namespace Multiproc.Server.BuiltIns;

/// <summary>
/// One pending wait on a built-in primitive: a task completed exactly once, by a grant, a timeout,
/// a cancellation or a failure, always under the primitive's lock.
/// </summary>
/// <typeparam name="T">What a grant hands over.</typeparam>
/// <remarks>
/// Its task is awaited only through <see cref="WaitQueue{T}.WaitAsync"/>, whose continuation merely
/// queues the rest of the wait to a server thread; so completing a waiter under a lock runs no foreign
/// code, and a granted wait never needs a thread-pool thread to send its reply.
/// </remarks>
internal sealed class Waiter<T> : TaskCompletionSource<T>
{
    public Waiter(long owner, object? state)
    {
        Owner = owner;
        State = state;
        Node = new LinkedListNode<Waiter<T>>(this);
    }

    /// <summary>Gets the connection that waits.</summary>
    public long Owner { get; }

    /// <summary>Gets what the primitive keeps with the wait (a batch to put, how many to take).</summary>
    public object? State { get; }

    /// <summary>Gets whether the wait ended because its time ran out.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Gets the waiter's place in its queue; detached once it has left the queue.</summary>
    public LinkedListNode<Waiter<T>> Node { get; }

    public bool IsQueued => Node.List is not null;

    /// <summary>Ends the wait as timed out.</summary>
    public void TimeOut()
    {
        TimedOut = true;
        TrySetResult(default!);
    }
}
