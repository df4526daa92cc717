
namespace Multiproc.Server;

/// <summary>The references this connection's client holds: adopted as replies hand them out, released by the client or when the connection closes.</summary>
internal sealed partial class ServerConnection
{
    /// <summary>Records that this connection's client now holds one more reference (already counted in the table).</summary>
    public void AdoptReference(ObjectEntry entry)
    {
        lock (_ownedLock)
        {
            if (Volatile.Read(ref _closed) == 0)
            {
                _owned[entry] = _owned.GetValueOrDefault(entry) + 1;
                return;
            }
        }

        _server.Table.Release(entry);
    }

    private void ReleaseOwned(long objectId, int count)
    {
        if (!_server.Table.TryGet(objectId, out ObjectEntry entry) || count <= 0)
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

        _server.Table.Release(entry, count);
    }
}
