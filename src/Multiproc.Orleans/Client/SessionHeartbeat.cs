using System.Collections.Concurrent;
using Multiproc.Orleans.Grains;
using Multiproc.Orleans.Silo;

namespace Multiproc.Orleans.Client;

/// <summary>
/// Renews a channel's session on every waiting built-in it has called, a few times per session lease,
/// so the locks, permits and barrier places it holds stay its own while its process lives.
/// </summary>
/// <remarks>
/// <para>When the process dies the renewals stop, and each object gives back what the session held a
/// lease period later (<see cref="WaitingObjectOptions.SessionLease"/>). An object that no longer
/// exists is dropped from the rounds. A renewal that fails (a silo restarting) is retried next round.</para>
/// <para>The timer starts with the first object and runs on the thread pool; a round renews every object at once.
/// Thread-safe.</para>
/// </remarks>
internal sealed class SessionHeartbeat : IDisposable
{
    // Before the first reply says otherwise: a third of the default session lease.
    private static readonly TimeSpan s_defaultPeriod = TimeSpan.FromSeconds(10) / 3;
    private static readonly TimeSpan s_shortestPeriod = TimeSpan.FromMilliseconds(100);

    private readonly IGrainFactory _grains;
    private readonly long _session;
    private readonly ConcurrentDictionary<long, bool> _objects = new();
    private readonly Lock _lock = new();
    private Timer? _timer;
    private TimeSpan _period = s_defaultPeriod;
    private int _beating;
    private bool _disposed;

    public SessionHeartbeat(IGrainFactory grains, long session)
    {
        _grains = grains;
        _session = session;
    }

    /// <summary>Renews the session on <paramref name="objectId"/> from now on, at least every third of <paramref name="sessionLease"/>.</summary>
    public void Track(long objectId, TimeSpan sessionLease)
    {
        _objects.TryAdd(objectId, true);
        TimeSpan period = sessionLease / 3 < s_shortestPeriod ? s_shortestPeriod : sessionLease / 3;
        lock (_lock)
        {
            if (_disposed || (_timer is not null && period >= _period))
            {
                return;
            }

            _period = period < _period ? period : _period;
            if (_timer is null)
            {
                // No captured context: the rounds set their own request context.
                using (ExecutionContext.SuppressFlow())
                {
                    _timer = new Timer(static state => ((SessionHeartbeat)state!).Beat(), this, _period, _period);
                }
            }
            else
            {
                _timer.Change(_period, _period);
            }
        }
    }

    /// <summary>Stops renewing the session on <paramref name="objectId"/> (it was deleted).</summary>
    public void Forget(long objectId) => _objects.TryRemove(objectId, out _);

    /// <summary>
    /// Stops the renewals and ends the session on every object it called, waiting at most
    /// <paramref name="bound"/>: what it held is given back at once, as a manager does when a connection
    /// closes. An object that does not answer in time gives it back a lease period later.
    /// </summary>
    public void End(TimeSpan bound)
    {
        Dispose();
        long[] objects = [.. _objects.Keys];
        _objects.Clear();
        if (objects.Length == 0)
        {
            return;
        }

        Task ending = Task.Run(() =>
        {
            SessionContext.Set(_session);
            return Task.WhenAll(objects.Select(id => _grains.GetGrain<IWaitingObjectGrain>(id).EndSessionAsync()));
        });
        try
        {
            ending.Wait(bound);
        }
#pragma warning disable CA1031 // Best effort: the session's leases end what this could not.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Stops the renewals; what the session holds is given back a lease period later.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }

    private void Beat()
    {
        // A round still running (a slow cluster) is not doubled.
        if (Interlocked.Exchange(ref _beating, 1) == 0)
        {
            _ = BeatAsync();
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            // All at once: one renewal that hangs (an object on a frozen silo) must not hold up the others' this round.
            SessionContext.Set(_session);
            await Task.WhenAll(_objects.Keys.Select(RenewAsync)).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _beating, 0);
        }
    }

    private async Task RenewAsync(long objectId)
    {
        try
        {
            if (await _grains.GetGrain<IWaitingObjectGrain>(objectId).RenewSessionAsync().ConfigureAwait(false) is not { } lease)
            {
                Forget(objectId);
            }
            else
            {
                Track(objectId, lease);
            }
        }
#pragma warning disable CA1031 // A renewal that fails is retried next round; the lease covers several rounds.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
