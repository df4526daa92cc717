using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A grain storage whose writes can be made to fail, to drive the silo's handling of a failed write: it keeps copies of
/// the states in this process, with ETags, as a real storage does; <see cref="FailWrites"/> makes every write and clear throw.
/// </summary>
public sealed class FailingStorage(DeepCopier copier) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), (object State, string ETag)> _states = new();
    private volatile bool _failWrites;

    /// <summary>Gets or sets whether writes and clears throw (as a storage that timed out or went away).</summary>
    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    /// <summary>Gets copies of the states stored now.</summary>
    public IEnumerable<object> States => _states.Values.Select(v => v.State);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((stateName, grainId), out (object State, string ETag) stored))
        {
            grainState.State = copier.Copy((T)stored.State);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfFailing();
        string etag = Guid.NewGuid().ToString("N");
        _states[(stateName, grainId)] = (copier.Copy(grainState.State)!, etag);
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfFailing();
        _states.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private void ThrowIfFailing()
    {
        if (_failWrites)
        {
            throw new TimeoutException("The storage did not answer (a write made to fail by the test).");
        }
    }
}
