namespace Multiproc.Orleans.Silo;

/// <summary>
/// Lets one call at a time run on a shared object, in arrival order, inside a reentrant grain.
/// </summary>
/// <remarks>
/// <para>The grain is reentrant so that calls may overlap while they wait for a storage write (group commit,
/// <see cref="StateWriter"/>); user code must still never overlap, which this gate keeps. A call that comes back up
/// its own call chain (A awaits B, B calls A) passes without waiting, as Orleans' call-chain reentrancy and a nested
/// call on one manager do: the call holding the gate is waiting for it.</para>
/// <para>Not thread-safe: used only on its grain's activation scheduler, which runs one piece of work at a time.</para>
/// </remarks>
internal sealed class TurnGate
{
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private bool _held;

    /// <summary>Waits for the gate; dispose the result to pass it on.</summary>
    public ValueTask<Turn> EnterAsync()
    {
        if (!_held)
        {
            _held = true;
            return ValueTask.FromResult(new Turn(this));
        }

        // Continuations run on the grain's scheduler (the awaiter captures it), never inline in Leave.
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Enqueue(waiter);
        return new ValueTask<Turn>(WaitAsync(waiter));
    }

    private async Task<Turn> WaitAsync(TaskCompletionSource waiter)
    {
        await waiter.Task.ConfigureAwait(true);
        return new Turn(this);
    }

    private void Leave()
    {
        if (_waiting.TryDequeue(out TaskCompletionSource? next))
        {
            // The gate stays held: it passes straight to the next caller.
            next.SetResult();
        }
        else
        {
            _held = false;
        }
    }

    /// <summary>The right to run, until disposed.</summary>
    public readonly struct Turn(TurnGate gate) : IDisposable
    {
        /// <summary>Passes the gate to the next caller.</summary>
        public void Dispose() => gate.Leave();
    }
}
