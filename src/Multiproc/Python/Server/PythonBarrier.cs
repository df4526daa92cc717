namespace Multiproc.Python.Server;

/// <summary>
/// A barrier with <c>threading.Barrier</c>'s semantics, which differ from the .NET-facing shared barrier:
/// <c>wait</c> returns the arrival index, a timed-out wait breaks the barrier for everyone, <c>abort</c>
/// breaks it, and only <c>reset</c> mends it. A client that goes away leaves it alone (its wait is withdrawn).
/// </summary>
/// <remarks>Calls overlap (a waiting <c>wait</c> must not block the others); state changes under one lock.</remarks>
[AllowConcurrentCalls]
internal sealed class PythonBarrier : IPythonOnly, IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private TaskCompletionSource<bool> _release = NewRelease();
    private int _waiting;
    private bool _broken;

    public PythonBarrier(int parties, TimeSpan? defaultTimeout, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        Parties = parties;
        DefaultTimeout = defaultTimeout;
        _clock = clock;
    }

    public int Parties { get; }

    /// <summary>Gets the timeout a <c>wait()</c> without one uses (the constructor's <c>timeout=</c>), or null for none.</summary>
    public TimeSpan? DefaultTimeout { get; }

    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting;
            }
        }
    }

    public bool IsBroken
    {
        get
        {
            lock (_lock)
            {
                return _broken;
            }
        }
    }

    /// <summary>Arrives and waits for the others; returns this party's index, 0 to parties - 1.</summary>
    /// <exception cref="BarrierBrokenException">The barrier is or becomes broken (aborted, reset, or a wait timed out).</exception>
    public async ValueTask<long> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> release;
        int index;
        lock (_lock)
        {
            ThrowIfBroken();
            index = _waiting++;
            if (_waiting == Parties)
            {
                _waiting = 0;
                _release.TrySetResult(true);
                _release = NewRelease();
                return index;
            }

            release = _release;
        }

        try
        {
            bool passed = await release.Task.WaitAsync(timeout, _clock, cancellationToken).ConfigureAwait(false);
            return passed ? index : throw Broken();
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                if (!release.Task.IsCompleted)
                {
                    BreakLocked();
                }
            }

            return await release.Task.ConfigureAwait(false) ? index : throw Broken();
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                if (!release.Task.IsCompleted && ReferenceEquals(release, _release))
                {
                    _waiting--;
                }
            }

            throw;
        }
    }

    /// <summary>Breaks the barrier: current and later waits fail until <see cref="Reset"/>.</summary>
    public void Abort()
    {
        lock (_lock)
        {
            BreakLocked();
        }
    }

    /// <summary>Fails the current waits and returns the barrier to its empty, unbroken state.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _release.TrySetResult(false);
            _release = NewRelease();
            _waiting = 0;
            _broken = false;
        }
    }

    public void Dispose() => Abort();

    private void BreakLocked()
    {
        _broken = true;
        _waiting = 0;
        _release.TrySetResult(false);
        _release = NewRelease();
    }

    private void ThrowIfBroken()
    {
        if (_broken)
        {
            throw Broken();
        }
    }

    private static BarrierBrokenException Broken() => new();

    private static TaskCompletionSource<bool> NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
