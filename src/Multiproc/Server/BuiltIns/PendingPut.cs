namespace Multiproc.Server.BuiltIns;

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

    /// <summary>Counts how many of the next values (up to <paramref name="max"/>) fit in <paramref name="byteBudget"/> bytes; at least one.</summary>
    public int CountFitting(int max, int byteBudget)
    {
        int count = 0;
        long bytes = 0;
        while (count < Math.Min(max, Remaining) && (count == 0 || bytes + _values[_next + count].Bytes.Length <= byteBudget))
        {
            bytes += _values[_next + count].Bytes.Length;
            count++;
        }

        return count;
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
