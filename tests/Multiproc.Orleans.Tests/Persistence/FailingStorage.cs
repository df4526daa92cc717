using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A grain storage whose writes can be made to fail, to drive the silo's handling of a failed write: it keeps copies of
/// the states in this process, with ETags, as a real storage does; <see cref="FailWrites"/> makes every write and clear throw,
/// <see cref="StoreThenFail"/> makes them store and then throw (a timeout whose write landed), and <see cref="HoldWrites"/>
/// holds every write until the test releases it (<see cref="ReleaseOldest"/>) with the outcome it chooses.
/// </summary>
public sealed class FailingStorage(DeepCopier copier) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), (object State, string ETag)> _states = new();
    private readonly ConcurrentQueue<TaskCompletionSource<bool>> _held = new();
    private volatile bool _failWrites;
    private volatile bool _storeThenFail;
    private volatile bool _holdWrites;

    /// <summary>Gets or sets whether writes and clears throw (as a storage that timed out or went away).</summary>
    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    /// <summary>Gets or sets whether writes and clears take effect and then throw (a timeout whose write reached storage).</summary>
    public bool StoreThenFail
    {
        get => _storeThenFail;
        set => _storeThenFail = value;
    }

    /// <summary>Gets or sets whether writes wait, in order, until <see cref="ReleaseOldest"/> lets them go on.</summary>
    public bool HoldWrites
    {
        get => _holdWrites;
        set => _holdWrites = value;
    }

    /// <summary>Gets the number of writes held now.</summary>
    public int HeldWrites => _held.Count;

    /// <summary>Lets the oldest held write go on: it stores, or throws without storing when <paramref name="fail"/> is true.</summary>
    /// <exception cref="InvalidOperationException">No write is held.</exception>
    public void ReleaseOldest(bool fail)
    {
        if (!_held.TryDequeue(out TaskCompletionSource<bool>? write))
        {
            throw new InvalidOperationException("No write is held.");
        }

        write.SetResult(fail);
    }

    /// <summary>Stops holding writes and lets every held one store.</summary>
    public void ReleaseAll()
    {
        _holdWrites = false;
        while (_held.TryDequeue(out TaskCompletionSource<bool>? write))
        {
            write.SetResult(false);
        }
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

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await ThrowIfFailingAsync();
        string etag = Guid.NewGuid().ToString("N");
        _states[(stateName, grainId)] = (copier.Copy(grainState.State)!, etag);
        if (_storeThenFail)
        {
            // Stored, but the caller hears of a failure and keeps its old ETag.
            throw Failure();
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await ThrowIfFailingAsync();
        _states.TryRemove((stateName, grainId), out _);
        if (_storeThenFail)
        {
            throw Failure();
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task ThrowIfFailingAsync()
    {
        if (_holdWrites)
        {
            var held = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _held.Enqueue(held);
            if (await held.Task.ConfigureAwait(false))
            {
                throw Failure();
            }
        }

        if (_failWrites)
        {
            throw Failure();
        }
    }

    private static TimeoutException Failure() => new("The storage did not answer (a write made to fail by the test).");
}
