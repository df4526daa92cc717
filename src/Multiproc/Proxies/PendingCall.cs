using System.Threading.Tasks.Sources;

namespace Multiproc.Proxies;

/// <summary>
/// A call waiting for its reply: awaited (as a ValueTask) or waited on synchronously.
/// </summary>
/// <remarks>Completes exactly once; async continuations never run on the reader thread.</remarks>
internal sealed class PendingCall : IValueTaskSource<Reply>
{
    private readonly object _signal = new();
    private ManualResetValueTaskSourceCore<Reply> _core = new() { RunContinuationsAsynchronously = true };
    private Reply _reply;
    private Exception? _error;
    private int _completed;
    private volatile bool _isCompleted;

    /// <param name="callId">The call's id on its connection.</param>
    /// <param name="isAwaited">Whether the caller awaits the reply (rather than blocking on <see cref="Wait"/> or reading it itself).</param>
    public PendingCall(uint callId, bool isAwaited)
    {
        CallId = callId;
        IsAwaited = isAwaited;
    }

    public uint CallId { get; }

    /// <summary>Gets whether the caller awaits the reply: a leased result is then delivered by the write of its receipt.</summary>
    public bool IsAwaited { get; }

    public bool IsCompleted => _isCompleted;

    public ValueTask<Reply> AsValueTask() => new(this, _core.Version);

    public bool TryComplete(Reply reply)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _reply = reply;
        _core.SetResult(reply);
        Signal();
        return true;
    }

    public bool TryFail(Exception error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _error = error;
        _core.SetException(error);
        Signal();
        return true;
    }

    /// <summary>Blocks until completed, then returns the reply or throws the failure.</summary>
    public Reply Wait()
    {
        if (!_isCompleted)
        {
            lock (_signal)
            {
                while (!_isCompleted)
                {
                    Monitor.Wait(_signal);
                }
            }
        }

        return Result();
    }

    /// <summary>Returns the reply of a completed call or throws its failure.</summary>
    public Reply Result()
    {
        if (_error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
        }

        return _reply;
    }

    public Reply GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    private void Signal()
    {
        _isCompleted = true;
        lock (_signal)
        {
            Monitor.PulseAll(_signal);
        }
    }
}
