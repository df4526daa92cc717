using Orleans.Storage;

namespace Multiproc.Orleans.Silo;

/// <summary>Where a silo persists its objects' and names' records: the grain storage named in <see cref="MultiprocSiloOptions.StorageName"/>, if the silo has one.</summary>
/// <remarks>One per silo; thread-safe (the storage providers are).</remarks>
internal sealed class ObjectStore
{
    private const string StateName = "multiproc-object";
    private const string NameStateName = "multiproc-name";

    private readonly IGrainStorage? _storage;

    /// <param name="storage">The silo's grain storage of that name, or null when it has none (every object in memory only).</param>
    /// <param name="options">The silo's Multiproc options.</param>
    public ObjectStore(IGrainStorage? storage, MultiprocSiloOptions options)
    {
        _storage = storage;
        Options = options;
    }

    /// <summary>Gets whether objects are persisted at all.</summary>
    public bool Enabled => _storage is not null;

    /// <summary>Gets the silo's Multiproc options.</summary>
    public MultiprocSiloOptions Options { get; }

    /// <summary>Reads the record of <paramref name="grainId"/> into <paramref name="state"/> (<c>RecordExists</c> says whether there is one).</summary>
    public Task ReadAsync(GrainId grainId, IGrainState<ObjectRecord> state) => Storage.ReadStateAsync(StateName, grainId, state);

    /// <summary>Writes <paramref name="state"/> (its ETag guards against a second activation of the same id writing too).</summary>
    public Task WriteAsync(GrainId grainId, IGrainState<ObjectRecord> state) => Storage.WriteStateAsync(StateName, grainId, state);

    /// <summary>Reads a published name's record.</summary>
    public Task ReadNameAsync(GrainId grainId, IGrainState<NameRecord> state) => Storage.ReadStateAsync(NameStateName, grainId, state);

    /// <summary>Writes a published name's record.</summary>
    public Task WriteNameAsync(GrainId grainId, IGrainState<NameRecord> state) => Storage.WriteStateAsync(NameStateName, grainId, state);

    /// <summary>Removes a published name's record.</summary>
    public Task ClearNameAsync(GrainId grainId, IGrainState<NameRecord> state) => Storage.ClearStateAsync(NameStateName, grainId, state);

    private IGrainStorage Storage => _storage ?? throw new InvalidOperationException("This silo persists no objects.");
}
