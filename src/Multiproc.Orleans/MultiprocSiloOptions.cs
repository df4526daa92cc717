namespace Multiproc.Orleans;

/// <summary>How a silo keeps Multiproc's shared objects: which are persisted, where, and how writes are grouped.</summary>
/// <remarks>
/// <para>Objects are <b>persisted</b> in the silo's grain storage named <see cref="StorageName"/> when it has one
/// (<c>AddRedisGrainStorage("multiproc", …)</c>, <c>AddMemoryGrainStorage("multiproc")</c>, …): after a call that
/// changed an object, its image is written before the call is acknowledged, so an acknowledged change survives the
/// death of its silo. A silo with no such storage keeps every object in memory only.</para>
/// <para>A type marked <see cref="Volatile{TInterface}"/> is never written (only a record that it exists, at create):
/// after its silo dies, calls on it fail with <see cref="KeyNotFoundException"/> saying it was lost with its silo.</para>
/// <para>Every silo of a cluster must be configured the same way.</para>
/// </remarks>
public sealed class MultiprocSiloOptions
{
    /// <summary>The grain storage name Multiproc uses unless told otherwise: <c>"multiproc"</c>.</summary>
    public const string DefaultStorageName = "multiproc";

    private readonly HashSet<Type> _volatileContracts = [];
    private readonly HashSet<string> _volatileTypeIds = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, TimeSpan> _idleContracts = [];
    private readonly Dictionary<string, TimeSpan> _idleTypeIds = new(StringComparer.Ordinal);
    private string _storageName = DefaultStorageName;
    private int _maxResultBytes = 64 * 1024 * 1024;

    /// <summary>Gets or sets the name of the grain storage that persists objects; default <see cref="DefaultStorageName"/>.</summary>
    /// <exception cref="ArgumentException">The name is null or empty.</exception>
    public string StorageName
    {
        get => _storageName;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            _storageName = value;
        }
    }

    /// <summary>
    /// Gets or sets whether concurrent calls on one object share storage writes (group commit); default true.
    /// </summary>
    /// <remarks>
    /// True: while one write of an object is in flight, the calls that follow run and their changes go into the next
    /// write; each reply still waits for a write that holds its change. False: each changing call writes before the
    /// next call may start (one write per call: simpler, and much slower under concurrency; the bench's baseline).
    /// </remarks>
    public bool CoalesceWrites { get; set; } = true;

    /// <summary>Gets or sets the largest result a call may return, in bytes; default 64 MiB, as a manager's frame limit.</summary>
    /// <remarks>
    /// A larger result fails its call with <see cref="InvalidOperationException"/> saying so (as a manager refuses an
    /// oversize reply), rather than reaching Orleans' own message limit (100 MB by default) and failing as a lost call.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 KiB or above 100,000,000 bytes (Orleans' default message body limit).</exception>
    public int MaxResultBytes
    {
        get => _maxResultBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100_000_000);
            _maxResultBytes = value;
        }
    }

    /// <summary>
    /// Gets or sets whether this silo may listen on a non-loopback address without TLS; default false.
    /// </summary>
    /// <remarks>
    /// Orleans has no key handshake: anyone who reaches a silo's or gateway's port can call every object. A silo whose
    /// endpoints are not loopback, with no TLS configured (<c>UseTls</c> of Microsoft.Orleans.Connections.Security),
    /// refuses to start unless this is set, which says the network itself is private (docs/cluster.md, "Security").
    /// </remarks>
    public bool AllowUnprotectedNetwork { get; set; }

    /// <summary>Keeps the objects of <typeparamref name="TInterface"/> in memory only: they are lost with their silo.</summary>
    /// <typeparam name="TInterface">The registered interface.</typeparam>
    /// <returns>These options.</returns>
    public MultiprocSiloOptions Volatile<TInterface>()
        where TInterface : class
    {
        _volatileContracts.Add(typeof(TInterface));
        return this;
    }

    /// <summary>Keeps the objects of the type registered as <paramref name="typeId"/> (a built-in's too) in memory only.</summary>
    /// <param name="typeId">A registered type id.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentException"><paramref name="typeId"/> is null or empty.</exception>
    public MultiprocSiloOptions Volatile(string typeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeId);
        _volatileTypeIds.Add(typeId);
        return this;
    }

    /// <summary>
    /// Deletes an object of <typeparamref name="TInterface"/> once no call has reached it for <paramref name="timeout"/>:
    /// the cluster's stand-in for a manager's reference counts, for objects nobody deletes.
    /// </summary>
    /// <typeparam name="TInterface">The registered interface.</typeparam>
    /// <param name="timeout">How long an object may go without a call; at least one second.</param>
    /// <returns>These options.</returns>
    /// <remarks>
    /// <para>An expired object is deleted as by <see cref="OrleansManager.DeleteAsync"/>: a tombstone is stored, and its
    /// proxies, names included, get <see cref="KeyNotFoundException"/> saying it expired. Only calls count: holding a
    /// proxy, a published name or a reference stored in another object keeps nothing alive. A call running longer than
    /// the timeout is never cut short: the clock starts when the last call ends.</para>
    /// <para>The check runs every quarter of the timeout, so an object goes between 1 and 1.25 timeouts after its last
    /// call. A persisted object of a dead silo counts from its restore, which its first call makes: one that nobody
    /// calls again stays in storage until deleted.</para>
    /// <para>Not for the waiting built-ins (queue, lock, semaphore, event, condition, barrier), whose holders wait
    /// between calls; <c>UseMultiproc</c> refuses that.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is under one second.</exception>
    public MultiprocSiloOptions IdleTimeout<TInterface>(TimeSpan timeout)
        where TInterface : class
    {
        _idleContracts[typeof(TInterface)] = RequireIdleTimeout(timeout);
        return this;
    }

    /// <summary>Deletes an object of the type registered as <paramref name="typeId"/> (a list's, dictionary's, value's or namespace's too) once no call has reached it for <paramref name="timeout"/>.</summary>
    /// <param name="typeId">A registered type id.</param>
    /// <param name="timeout">How long an object may go without a call; at least one second.</param>
    /// <returns>These options.</returns>
    /// <remarks>As <see cref="IdleTimeout{TInterface}(TimeSpan)"/>.</remarks>
    /// <exception cref="ArgumentException"><paramref name="typeId"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is under one second.</exception>
    public MultiprocSiloOptions IdleTimeout(string typeId, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeId);
        _idleTypeIds[typeId] = RequireIdleTimeout(timeout);
        return this;
    }

    /// <summary>Gets the type ids given an idle timeout by id (checked against the waiting built-ins at <c>UseMultiproc</c>).</summary>
    internal IEnumerable<string> IdleTimeoutTypeIds => _idleTypeIds.Keys;

    /// <summary>Returns the idle timeout of objects of <paramref name="registration"/>, or null when they live until deleted.</summary>
    internal TimeSpan? IdleTimeoutOf(Registration registration)
        => _idleTypeIds.TryGetValue(registration.TypeId, out TimeSpan byId) ? byId
            : _idleContracts.TryGetValue(registration.Contract, out TimeSpan byContract) ? byContract
            : null;

    /// <summary>Returns whether objects of <paramref name="registration"/> are kept in memory only.</summary>
    internal bool IsVolatile(Registration registration)
        => _volatileTypeIds.Contains(registration.TypeId) || _volatileContracts.Contains(registration.Contract);

    private static TimeSpan RequireIdleTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromSeconds(1));
        return timeout;
    }
}
