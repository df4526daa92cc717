using Multiproc.Orleans.Client;
using Multiproc.Proxies;

namespace Multiproc.Orleans;

/// <summary>
/// Multiproc's <see cref="Manager"/> over a Microsoft Orleans cluster: the same proxies, names and
/// registered classes, with objects spread over the cluster's silos (first slice, docs/cluster.md).
/// </summary>
/// <remarks>
/// <para>Silos serve the types registered with <see cref="MultiprocSiloBuilderExtensions.UseMultiproc(ISiloBuilder, Action{ManagerOptions})"/>.
/// Referencing this assembly also registers the <c>orleans://</c> scheme, so
/// <see cref="Manager.ConnectAsync(string, ReadOnlyMemory{byte}, ConnectOptions?, CancellationToken)"/> reaches a cluster by address too.</para>
/// <para>What differs from one manager: objects have no reference counts and live until
/// <see cref="DeleteAsync"/> or the death of their silo (state is in memory in this slice); disposing
/// a proxy releases nothing; stats and inspection are not served; the waiting built-ins (queue,
/// lock, semaphore, event, condition, barrier) wait in slices and hold by lease: a dead client's lock or
/// permits come back a lease period later, and a queue item is delivered at least once
/// (<see cref="WaitingObjectOptions"/>); a synchronous call from one object back into an object already in the call chain
/// waits for Orleans' response timeout (use async methods between objects).</para>
/// </remarks>
public static class OrleansManager
{
    /// <summary>The address scheme of a cluster: <c>orleans://gateway:port[,gateway:port]/clusterId[/serviceId]</c>.</summary>
    public const string Scheme = "orleans";

    /// <summary>The address scheme of a cluster whose membership is in Redis: <c>orleans+redis://redis-host:port/clusterId[/serviceId]</c>.</summary>
    /// <remarks>The client reads the live gateways from the membership table, so the address stays valid as silos come and go.</remarks>
    public const string RedisScheme = "orleans+redis";

    /// <summary>Connects to a cluster through its silo gateways, or through its Redis membership table, and returns a manager over it.</summary>
    /// <param name="address"><c>orleans://host:port[,host:port]/clusterId[/serviceId]</c> (static gateways) or
    /// <c>orleans+redis://redis-host:port/clusterId[/serviceId]</c> (Redis membership); the ids default to Orleans' <c>default</c>.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>A manager; disposing it stops the Orleans client it started.</returns>
    /// <exception cref="FormatException">The address is malformed or names no gateway.</exception>
    /// <exception cref="ManagerUnavailableException">No gateway answered within the connect timeout (10 s by default), or a name did not resolve.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Manager> ConnectAsync(string address, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ICallChannel channel = await OrleansConnector.ConnectAsync(address, ReadOnlyMemory<byte>.Empty, ConnectSettings.Default, cancellationToken).ConfigureAwait(false);
        return Manager.Over(channel);
    }

    /// <summary>Returns a manager over an Orleans client the caller already runs (or a silo's own client).</summary>
    /// <param name="client">A started cluster client; it stays the caller's, and disposing the manager does not stop it.</param>
    /// <param name="address">The address workers would reconnect from; default: the cluster's ids with no gateway.</param>
    /// <returns>A manager over <paramref name="client"/>.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="client"/> has no cluster options (it is not an Orleans client).</exception>
    public static Manager Connect(IClusterClient client, string? address = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Manager.Over(OrleansConnector.Over(client, address));
    }

    /// <summary>Deletes a shared object of a cluster: its grain drops (and disposes) the instance; later calls on any proxy to it fail with <see cref="KeyNotFoundException"/>.</summary>
    /// <param name="proxy">A proxy or <see cref="SharedObject"/> from a cluster's manager.</param>
    /// <param name="cancellationToken">Cancels the wait (the object may still be deleted).</param>
    /// <returns>True if the object existed.</returns>
    /// <exception cref="ArgumentException"><paramref name="proxy"/> is not a proxy of an Orleans cluster.</exception>
    /// <exception cref="ManagerUnavailableException">The cluster did not answer.</exception>
    public static Task<bool> DeleteAsync(object proxy, CancellationToken cancellationToken = default)
    {
        SharedObject handle = SharedObject.FromProxy(proxy);
        return handle.Channel is OrleansCallChannel channel
            ? channel.DeleteAsync(handle.ObjectId, cancellationToken)
            : throw new ArgumentException($"The proxy belongs to {handle.ManagerAddress}, not to an Orleans cluster: dispose it instead.", nameof(proxy));
    }
}
