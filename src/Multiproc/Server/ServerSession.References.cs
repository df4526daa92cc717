namespace Multiproc.Server;

/// <summary>The references a session's client holds, counted per object and released when the session closes.</summary>
internal abstract partial class ServerSession
{
    private readonly Lock _ownedLock = new();
    private readonly Dictionary<ObjectEntry, int> _owned = new(ReferenceEqualityComparer.Instance);

    /// <summary>Gets how many references this session's client holds.</summary>
    public long OwnedReferences
    {
        get
        {
            lock (_ownedLock)
            {
                return _owned.Values.Sum(count => (long)count);
            }
        }
    }

    /// <summary>Gets how many distinct objects this session's client holds references to.</summary>
    public int OwnedObjects
    {
        get
        {
            lock (_ownedLock)
            {
                return _owned.Count;
            }
        }
    }

    /// <summary>Records that this session's client now holds one more reference (already counted in the table).</summary>
    public void AdoptReference(ObjectEntry entry)
    {
        lock (_ownedLock)
        {
            if (!IsClosed)
            {
                _owned[entry] = _owned.GetValueOrDefault(entry) + 1;
                return;
            }
        }

        Host.Table.Release(entry);
    }

    /// <summary>Drops up to <paramref name="count"/> of the references this session holds on an object (the client's Release).</summary>
    public void ReleaseOwned(long objectId, int count)
    {
        if (!Host.Table.TryGet(objectId, out ObjectEntry entry) || count <= 0)
        {
            return;
        }

        lock (_ownedLock)
        {
            int owned = _owned.GetValueOrDefault(entry);
            count = Math.Min(count, owned);
            if (count == 0)
            {
                return;
            }

            if (owned == count)
            {
                _owned.Remove(entry);
            }
            else
            {
                _owned[entry] = owned - count;
            }
        }

        Host.Table.Release(entry, count);
    }

    private void ReleaseAllOwned()
    {
        KeyValuePair<ObjectEntry, int>[] owned;
        lock (_ownedLock)
        {
            owned = [.. _owned];
            _owned.Clear();
        }

        foreach ((ObjectEntry entry, int count) in owned)
        {
            Host.Table.Release(entry, count);
        }
    }
}
