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
        return (TResult)connection.Call(Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken)
            .Decode(ValueCodec<TResult>.Reader, connection.SerializerOptions)!;
    }

    protected TResult Call<TResult>(string member, object?[] args, ValueWriter[] writers, ValueReader reader)
    {
        ICallChannel connection = Handle.ChannelForCall();
        return (TResult)connection.Call(Handle.ObjectId, member, new CallArguments(args, null, writers))
            .Decode(reader, connection.SerializerOptions)!;
    }

    protected async Task<TResult> CallAsync<TResult>(string member, object?[] args, ValueWriter[] writers, ValueReader reader, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        Reply reply = await connection.CallAsync(Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
        return (TResult)reply.Decode(reader, connection.SerializerOptions)!;
    }

    protected void Call(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken = default)
    {
        ICallChannel connection = Handle.ChannelForCall();
        connection.Call(Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).Decode(null, connection.SerializerOptions);
    }

    protected async Task<TResult> CallAsync<TResult>(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        Reply reply = await connection.CallAsync(Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
        return (TResult)reply.Decode(ValueCodec<TResult>.Reader, connection.SerializerOptions)!;
    }

    protected async Task CallAsync(string member, object?[] args, ValueWriter[] writers, CancellationToken cancellationToken)
    {
        ICallChannel connection = Handle.ChannelForCall();
        Reply reply = await connection.CallAsync(Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
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
            return (TResult)connection.CallUntilSettled(Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken)
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
            Reply reply = await connection.CallUntilSettledAsync(Handle.ObjectId, member, new CallArguments(args, null, writers), cancellationToken).ConfigureAwait(false);
            return (TResult)reply.Decode(ValueCodec<TResult>.Reader, connection.SerializerOptions)!;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex.CancellationToken != cancellationToken)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
    }
}
