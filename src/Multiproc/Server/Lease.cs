namespace Multiproc.Server;

/// <summary>
/// Something a call removed from shared state and handed to its caller, not final until the
/// caller's process confirms it received it: committed on the client's receipt, given back
/// (requeued, reinserted) when the caller gave up on the call or its connection closed first.
/// </summary>
/// <remarks>
/// <para>Settles exactly once: whichever of <see cref="Commit"/> and <see cref="Return"/> comes
/// first wins and the other does nothing, so a handed-out value is never both kept and given back.</para>
/// <para>Generic on purpose: any state that hands values out (a queue, a list, a dictionary, or a
/// later backend's grain) derives from this; the protocol and the connection only commit or return.
/// Implementations must not throw: they run on a connection's reader thread or while it closes.</para>
/// <para>Returns of a gated object (one call at a time) run behind its gate, in order with its calls.</para>
/// </remarks>
internal abstract class Lease
{
    private const int Open = 0;
    private const int Committed = 1;
    private const int Returned = 2;

    private int _state;
    private ObjectGate? _gate;

    /// <summary>Gets whether the lease has been committed or returned.</summary>
    public bool IsSettled => Volatile.Read(ref _state) != Open;

    /// <summary>Makes the hand-over final (the client has the value).</summary>
    /// <returns>False when the lease was already settled.</returns>
    public bool Commit()
    {
        if (Interlocked.CompareExchange(ref _state, Committed, Open) != Open)
        {
            return false;
        }

        OnCommitted();
        return true;
    }

    /// <summary>Gives the value back to where it came from (the client never got it).</summary>
    /// <returns>False when the lease was already settled.</returns>
    public bool Return()
    {
        if (Interlocked.CompareExchange(ref _state, Returned, Open) != Open)
        {
            return false;
        }

        if (_gate is null)
        {
            OnReturned();
        }
        else
        {
            var work = new GatedReturn(this, _gate);
            if (_gate.TryEnter(work))
            {
                work.Execute();
            }
        }

        return true;
    }

    /// <summary>Makes <see cref="Return"/> run behind <paramref name="gate"/>, the gate of the object the value came from.</summary>
    internal void ReturnBehind(ObjectGate gate) => _gate = gate;

    /// <summary>Releases what the hand-over still held on the server (the container's references to objects inside the value).</summary>
    protected abstract void OnCommitted();

    /// <summary>Puts the value back; for a gated object this runs behind its gate.</summary>
    protected abstract void OnReturned();

    /// <summary>A return queued behind the calls of a gated object (runs on a server thread).</summary>
    private sealed class GatedReturn(Lease lease, ObjectGate gate) : ServerWork
    {
        public override void Execute()
        {
            try
            {
                lease.OnReturned();
            }
            finally
            {
                gate.Exit();
            }
        }
    }
}
