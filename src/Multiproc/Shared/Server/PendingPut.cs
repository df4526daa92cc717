namespace Multiproc.Shared.Server;

/// <summary>
/// Items a put call is adding to a bounded queue, in order, possibly over several moments as
/// space frees up. The items are already held; the queue takes them one by one.
/// </summary>
/// <remarks>Changed only under the queue's lock while its put waits; afterwards only by the put call.</remarks>
internal sealed class PendingPut
{
    private readonly EncodedValue[] _values;
    private int _next;

    /// <summary>Holds the references of every value (all or none).</summary>
    /// <exception cref="ObjectDisposedException">A shared object inside a value was released meanwhile; nothing is held.</exception>
    public PendingPut(EncodedValue[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            try
            {
                values[i].Hold();
            }
            catch (ObjectDisposedException)
            {
                for (int j = 0; j < i; j++)
                {
                    values[j].Release();
                }

                throw;
            }
        }

        _values = values;
    }

    public bool IsDone => _next == _values.Length;

    public int Remaining => _values.Length - _next;

    /// <summary>Returns the next value for the queue to store.</summary>
    public EncodedValue Next() => _values[_next++];

    /// <summary>Returns up to <paramref name="max"/> values handed straight to a taker (their references move to it).</summary>
    public EncodedValue[] Take(int max)
    {
        EncodedValue[] batch = new EncodedValue[Math.Min(max, Remaining)];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = Next().Removed();
        }

        return batch;
    }

    /// <summary>Drops the values the queue did not take (the put failed, timed out or was cancelled).</summary>
    public void ReleaseRest()
    {
        while (!IsDone)
        {
            Next().Release();
        }
    }
}
