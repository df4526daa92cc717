namespace Multiproc.Orleans.Grains;

/// <summary>
/// One shared object of the cluster, keyed by Multiproc's 64-bit object id: the grain holds the
/// instance of a registered type and runs Multiproc's Call messages on it.
/// </summary>
/// <remarks>
/// Arguments and results cross as Multiproc's own MessagePack bytes (docs/cluster.md), so this one
/// grain type serves every registered type, and Orleans' code generator never sees a user type.
/// Calls on one object never overlap: the grain is reentrant only to let calls wait for a storage write together, and a gate inside it runs user code one call at a time.
/// </remarks>
internal interface ISharedObjectGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the object from a <c>create</c> Call message (<c>[typeId, constructor arguments...]</c>).</summary>
    /// <returns>The Result (a reference to this object) or Error payload; null when this id already holds an object (the caller picks another id).</returns>
    Task<byte[]?> CreateAsync(byte[] call);

    /// <summary>Runs a Call message on the object.</summary>
    /// <param name="call">The Call message; <c>[Immutable]</c>: the caller never changes it after the call, so Orleans sends it without a defensive copy.</param>
    /// <param name="cancellationToken">The caller's cancellation, forwarded by Orleans.</param>
    /// <returns>The Result or Error payload; a failure of the user's code is an Error payload, never a thrown exception.</returns>
    [return: Immutable]
    Task<byte[]> InvokeAsync([Immutable] byte[] call, CancellationToken cancellationToken);

    /// <summary>Returns the object's type id, or null when this id holds no object.</summary>
    Task<string?> GetTypeIdAsync();

    /// <summary>Drops the object (disposing it if it is disposable); true if there was one.</summary>
    Task<bool> DeleteAsync();
}
