using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Multiproc.Server;

/// <summary>
/// References in transit to another process: the sender turns a reference into a token, the
/// receiver adopts it, and the object cannot vanish in between.
/// </summary>
/// <remarks>
/// A token not adopted is released <see cref="GracePeriod"/> after the session that made it closes:
/// a worker that returns a proxy as its result and exits at once must not take the object with it.
/// </remarks>
internal sealed class Handovers
{
    private readonly ObjectTable _table;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (ObjectEntry Entry, long Owner)> _tokens = new(StringComparer.Ordinal);

    public Handovers(ObjectTable table, TimeProvider clock)
    {
        _table = table;
        _clock = clock;
    }

    public string Add(ServerSession owner, ObjectEntry entry)
    {
        if (!_table.TryAddReference(entry))
        {
            throw new ObjectDisposedException(null, "The object was released.");
        }

        string token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = (entry, owner.Id);
        if (owner.IsClosed)
        {
            // Its close already expired the owner's tokens; this one must expire too.
            _ = ExpireAsync(token);
        }

        return token;
    }

    /// <exception cref="KeyNotFoundException">The token is unknown or was already adopted.</exception>
    public ObjectEntry Take(string token)
        => _tokens.TryRemove(token, out (ObjectEntry Entry, long Owner) handover)
            ? handover.Entry
            : throw new KeyNotFoundException("The handover token is unknown, already adopted, or its sender disconnected.");

    public static TimeSpan GracePeriod { get; } = TimeSpan.FromSeconds(60);

    public void ReleaseOwnedBy(long connectionId)
    {
        foreach ((string token, (ObjectEntry _, long owner)) in _tokens)
        {
            if (owner == connectionId)
            {
                _ = ExpireAsync(token);
            }
        }
    }

    private async Task ExpireAsync(string token)
    {
        await Task.Delay(GracePeriod, _clock).ConfigureAwait(false);
        if (_tokens.TryRemove(token, out (ObjectEntry Entry, long Owner) handover))
        {
            _table.Release(handover.Entry);
        }
    }
}
