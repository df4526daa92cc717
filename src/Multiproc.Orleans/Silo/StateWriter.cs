namespace Multiproc.Orleans.Silo;

/// <summary>
/// Writes an object's image to storage so that every reply waits for a write holding its effect, with at most one
/// write in flight: the images staged meanwhile are merged into the next write (group commit).
/// </summary>
/// <remarks>
/// <para>An image equal to the last one staged is not written again (a getter changes nothing); its caller waits
/// for whatever write is still pending, so nobody is told of a state that storage does not hold yet.</para>
/// <para>After a failed write the object's memory may hold changes storage does not: every later stage fails, and the
/// grain deactivates so the next activation reads what storage holds.</para>
/// <para>Not thread-safe: used only on its grain's activation scheduler.</para>
/// </remarks>
/// <param name="write">Writes one image (the grain's storage call).</param>
/// <param name="lastWritten">The image storage holds now (read at activation or written at create).</param>
internal sealed class StateWriter(Func<byte[], Task> write, byte[]? lastWritten)
{
    private byte[]? _lastStaged = lastWritten;
    private Task _inFlight = Task.CompletedTask;
    private byte[]? _next;
    private TaskCompletionSource? _nextDone;
    private Exception? _failure;

    /// <summary>Gets whether a write failed: memory may be ahead of storage.</summary>
    public bool Failed => _failure is not null;

    /// <summary>Gets a task that completes when no write is pending (whether the writes succeeded or not).</summary>
    public Task IdleAsync()
    {
        Task last = _nextDone?.Task ?? _inFlight;
        return last.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);
    }

    /// <summary>Stages the object's current image and returns the write that will hold it (or the pending one).</summary>
    public Task StageAsync(byte[] image)
    {
        if (_failure is not null)
        {
            return Task.FromException(_failure);
        }

        if (_lastStaged is not null && image.AsSpan().SequenceEqual(_lastStaged))
        {
            return _nextDone?.Task ?? _inFlight;
        }

        _lastStaged = image;
        if (_inFlight.IsCompleted)
        {
            _inFlight = WriteAsync(image);
            return _inFlight;
        }

        _next = image;
        _nextDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _nextDone.Task;
    }

    private async Task WriteAsync(byte[] image)
    {
        try
        {
            await write(image).ConfigureAwait(true);
        }
        catch (Exception ex)
        {
            _failure = ex;
            throw;
        }
        finally
        {
            // Start the merged write after this one (success or not), on the grain's scheduler.
            if (_next is { } next)
            {
                TaskCompletionSource done = _nextDone!;
                _next = null;
                _nextDone = null;
                _inFlight = ChainAsync(next, done);
            }
        }
    }

    // Faults as the write does: a caller whose image was already staged waits on this task (the "same image" path).
    private async Task ChainAsync(byte[] image, TaskCompletionSource done)
    {
        try
        {
            if (_failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
            }

            await WriteAsync(image).ConfigureAwait(true);
            done.SetResult();
        }
        catch (Exception ex)
        {
            done.TrySetException(ex);
            throw;
        }
    }
}
