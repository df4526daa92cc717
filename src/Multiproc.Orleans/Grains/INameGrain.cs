namespace Multiproc.Orleans.Grains;

/// <summary>One published name of the cluster, keyed by the name: what it is bound to.</summary>
/// <remarks>A grain per name makes <c>TryPublish</c> atomic without a cluster-wide lock: its turns never overlap.</remarks>
internal interface INameGrain : IGrainWithStringKey
{
    /// <summary>Binds the name; when <paramref name="replace"/> is false and the name is bound to another object, leaves it.</summary>
    /// <returns>True if the name is now bound to <paramref name="binding"/>.</returns>
    Task<bool> PublishAsync(NameBinding binding, bool replace);

    /// <summary>Returns what the name is bound to, or null.</summary>
    Task<NameBinding?> LookupAsync();

    /// <summary>Unbinds the name; true if it was bound.</summary>
    Task<bool> UnpublishAsync();
}
