namespace Multiproc.Orleans.Silo;

/// <summary>
/// Lets one call at a time run on a shared object, in arrival order, inside a reentrant grain; a call that comes back
/// up the call chain of the call holding the gate passes ahead of the queue, one such call at a time.
/// </summary>
/// <remarks>
/// <para>The grain is reentrant so that calls may overlap while they wait for a storage write (group commit,
/// <see cref="StateWriter"/>); user code must still never overlap, which this gate keeps.</para>
/// <para><b>Tokens.</b> Every turn has a token, unique in the silo, which the grain records in the call chain
/// (<see cref="CallChain"/>) so the calls the turn makes carry it. A call that carries the token of the turn holding
/// the gate now (A awaits B, B calls A) is nested in it: it takes the gate at once, on top of that turn, and gives it
/// back when it ends; its own nested calls carry its token and pass the same way. A second call nested in the same
/// turn (two parallel calls that both come back) waits until the first has ended, so nested calls too run one at a
/// time. A call whose token belongs to a turn that has ended (an un-awaited call started by a method that has
/// returned) is an ordinary caller and queues.</para>
/// <para>What the gate cannot tell: a call started and not awaited by a turn that is still running passes as nested,
/// so the starter's code may resume while it runs (Orleans' own call-chain reentrancy has the same limit).</para>
/// <para>Not thread-safe: used only on its grain's activation scheduler, which runs one piece of work at a time.</para>
/// </remarks>
internal sealed class TurnGate
{
    // Unique in the process and unlikely to meet a token of another silo's earlier activation still in a chain.
    private static long s_lastToken = Random.Shared.NextInt64(long.MaxValue / 2);

    private readonly Queue<Waiter> _waiting = new();
    private readonly List<Waiter> _nestedWaiting = [];

    // The turns that hold the gate, innermost last: each one above the first is nested in the one below it.
    private readonly List<long> _holders = [];

    /// <summary>Gets whether any turn holds the gate.</summary>
    public bool IsHeld => _holders.Count > 0;

    /// <summary>Waits for the gate; dispose the result to pass it on.</summary>
    /// <param name="chainToken">The token the caller's chain carries for this object (see <see cref="CallChain.TokenOf"/>), or 0.</param>
    /// <returns>The turn; completed at once when the gate is free or the call is nested in the turn holding it.</returns>
    public ValueTask<Turn> EnterAsync(long chainToken = 0)
    {
        if (_holders.Count == 0 || (chainToken != 0 && _holders[^1] == chainToken))
        {
            return ValueTask.FromResult(Push());
        }

        var waiter = new Waiter(chainToken != 0 && _holders.Contains(chainToken) ? chainToken : 0);
        if (waiter.NestedIn != 0)
        {
            _nestedWaiting.Add(waiter);
        }
        else
        {
            _waiting.Enqueue(waiter);
        }

        return new ValueTask<Turn>(waiter.Task);
    }

    private Turn Push()
    {
        long token = Interlocked.Increment(ref s_lastToken);
        _holders.Add(token);
        return new Turn(this, token);
    }

    private void Leave(long token)
    {
        int at = _holders.LastIndexOf(token);
        if (at < 0)
        {
            return;
        }

        _holders.RemoveAt(at);
        if (at < _holders.Count)
        {
            // A turn ended below a nested one it did not wait for: calls waiting to nest in it now queue as any caller.
            RequeueNestedIn(token);
            return;
        }

        RequeueNestedIn(token);
        PassOn();
    }

    private void RequeueNestedIn(long token)
    {
        for (int i = 0; i < _nestedWaiting.Count;)
        {
            if (_nestedWaiting[i].NestedIn == token)
            {
                _waiting.Enqueue(_nestedWaiting[i]);
                _nestedWaiting.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }
    }

    private void PassOn()
    {
        if (_holders.Count > 0)
        {
            // The turn below is back on top: the first call waiting to nest in it goes next (it is waiting for them).
            long top = _holders[^1];
            int next = _nestedWaiting.FindIndex(w => w.NestedIn == top);
            if (next >= 0)
            {
                Waiter nested = _nestedWaiting[next];
                _nestedWaiting.RemoveAt(next);
                nested.SetResult(Push());
            }

            return;
        }

        if (_waiting.TryDequeue(out Waiter? first))
        {
            first.SetResult(Push());
        }
    }

    /// <summary>The right to run, until disposed.</summary>
    public readonly struct Turn(TurnGate gate, long token) : IDisposable
    {
        /// <summary>Gets the token the grain records in the call chain, so calls nested in this turn pass the gate.</summary>
        public long Token => token;

        /// <summary>Passes the gate on (to a call waiting to nest in the turn below, or to the next in the queue).</summary>
        public void Dispose() => gate.Leave(token);
    }

    // Continuations run on the grain's scheduler (the awaiter captures it), never inline in Leave.
    private sealed class Waiter(long nestedIn) : TaskCompletionSource<Turn>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long NestedIn => nestedIn;
    }
}
