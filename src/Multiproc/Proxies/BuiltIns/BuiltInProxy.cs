using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>
/// Base of the hand-written proxies of built-in shared objects: typed calls by member name over
/// the proxy's <see cref="SharedObject"/> handle.
/// </summary>
internal abstract class BuiltInProxy : IProxy, IDisposable, IAsyncDisposable
{
    protected BuiltInProxy(SharedObject handle)
    {
        Handle = handle;
    }

    public SharedObject Handle { get; }

    public void Dispose() => Handle.Dispose();

    public ValueTask DisposeAsync()
    {
        Handle.Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => Handle.ToString();

    protected TResult Call<TResult>(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken = default)
    {
        ICallChannel connection = Handle.ChannelForCall();
        return (TResult)connection.Call(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken)
            .Decode(ValueCodec<TResult>.Reader, connection.SerializerOptions)!;
    }

    protected TResult Call<TResult>(string member, object?[] args, ValueWriter[] writers, ValueReader reader)
    {
        ICallChannel connection = Handle.ChannelForCall();
        return (TResult)connection.Call(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers))
            .Decode(reader, connection.SerializerOptions)!;
    }

    protected async Task<TResult> CallAsync<TResult>(string member, object?[] args, ValueWriter[] writers, ValueReader reader, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        Reply reply = await connection.CallAsync(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
        return (TResult)reply.Decode(reader, connection.SerializerOptions)!;
    }

    protected void Call(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken = default)
    {
        ICallChannel connection = Handle.ChannelForCall();
        connection.Call(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).Decode(null, connection.SerializerOptions);
    }

    protected async Task<TResult> CallAsync<TResult>(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        Reply reply = await connection.CallAsync(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
        return (TResult)reply.Decode(ValueCodec<TResult>.Reader, connection.SerializerOptions)!;
    }

    protected async Task CallAsync(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        Reply reply = await connection.CallAsync(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
        reply.Decode(null, connection.SerializerOptions);
    }

    /// <summary>
    /// Calls a waiting member synchronously; cancellation asks the manager to stop waiting, and a
    /// result it already committed to is still returned (never dropped).
    /// </summary>
    protected TResult CallSettled<TResult>(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        try
        {
            return (TResult)connection.CallUntilSettled(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken)
                .Decode(ValueCodec<TResult>.Reader, connection.SerializerOptions)!;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex.CancellationToken != cancellationToken)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
    }

    /// <summary>The asynchronous form of <see cref="CallSettled{TResult}"/>.</summary>
    protected async Task<TResult> CallSettledAsync<TResult>(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        try
        {
            Reply reply = await connection.CallUntilSettledAsync(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
            return (TResult)reply.Decode(ValueCodec<TResult>.Reader, connection.SerializerOptions)!;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex.CancellationToken != cancellationToken)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
    }

    /// <summary>
    /// Calls a waiting member whose argument at <paramref name="timeoutIndex"/> is its timeout: one
    /// settled call, or, on a channel that limits how long one call may wait
    /// (<see cref="ICallChannel.MaxWaitSlice"/>), repeated bounded calls until one is done.
    /// </summary>
    /// <remarks>
    /// Only for members where an attempt that times out leaves nothing behind (a take, a put, an acquire, an event wait,
    /// a barrier signal that withdraws, a condition wait that holds the lock again). With <paramref name="retryUnavailable"/>,
    /// only for members whose repeat is harmless when a lost attempt did take effect (a take, an event wait, a join):
    /// a slice that fails as unavailable is repeated, so the wait goes on across a cluster's failover (<see cref="SlicedWait"/>).
    /// </remarks>
    protected TResult CallWaiting<TResult>(string member, object?[] args, int timeoutIndex, ValueWriter[] writers, Func<TResult, bool> isDone, CancellationToken cancellationToken, bool retryUnavailable = false)
    {
        ICallChannel channel = Handle.ChannelForCall();
        return channel.MaxWaitSlice is not { } slice
            ? CallSettled<TResult>(member, args, writers, cancellationToken)
            : SlicedWait.Run((TimeSpan)args[timeoutIndex]!, slice, TimeProvider.System,
                next => CallSettled<TResult>(member, WithTimeout(args, timeoutIndex, next), writers, cancellationToken), isDone,
                RetryWhile(channel, retryUnavailable, cancellationToken));
    }

    /// <summary>The asynchronous form of <see cref="CallWaiting{TResult}"/>.</summary>
    /// <remarks>
    /// Async so that a disposed proxy or a lost manager faults the returned task, as every other
    /// asynchronous member does, instead of throwing before a task exists.
    /// </remarks>
    protected async Task<TResult> CallWaitingAsync<TResult>(string member, object?[] args, int timeoutIndex, ValueWriter[] writers, Func<TResult, bool> isDone, CancellationToken cancellationToken, bool retryUnavailable = false)
    {
        ICallChannel channel = Handle.ChannelForCall();
        return channel.MaxWaitSlice is not { } slice
            ? await CallSettledAsync<TResult>(member, args, writers, cancellationToken).ConfigureAwait(false)
            : await SlicedWait.RunAsync((TimeSpan)args[timeoutIndex]!, slice, TimeProvider.System,
                next => CallSettledAsync<TResult>(member, WithTimeout(args, timeoutIndex, next), writers, cancellationToken), isDone,
                RetryWhile(channel, retryUnavailable, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Repeats an unavailable slice while the channel is open (a disposed one fails every call) and the caller still waits.</summary>
    private static Func<bool>? RetryWhile(ICallChannel channel, bool retryUnavailable, CancellationToken cancellationToken)
        => retryUnavailable ? () => !channel.IsBroken && !cancellationToken.IsCancellationRequested : null;

    private static object?[] WithTimeout(object?[] args, int timeoutIndex, TimeSpan timeout)
    {
        object?[] copy = (object?[])args.Clone();
        copy[timeoutIndex] = timeout;
        return copy;
    }
}
