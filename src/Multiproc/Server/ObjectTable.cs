using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>
/// The manager's objects: id to entry, instance to entry (so a shared instance keeps one id), and names.
/// </summary>
/// <remarks>
/// Lookups by id are lock-free; every change to reference counts and names happens under one lock.
/// An entry whose count reaches zero is removed and, when the manager created it, disposed after
/// the calls queued on it have run.
/// </remarks>
internal sealed class ObjectTable
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<long, ObjectEntry> _byId = new();
    private readonly Dictionary<object, ObjectEntry> _byInstance = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, ObjectEntry> _names = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private long _nextId;
    private long _references;
    private int _disposalsRunning;
    private TaskCompletionSource? _disposalsDone;

    public ObjectTable(ILogger logger)
    {
        _logger = logger;
    }

    public int Count => _byId.Count;

    public int PublishedCount
    {
        get
        {
            lock (_lock)
            {
                return _names.Count;
            }
        }
    }

    public long ReferenceCount => Interlocked.Read(ref _references);

    public bool TryGet(long id, out ObjectEntry entry) => _byId.TryGetValue(id, out entry!);

    public ObjectEntry? TryGetByInstance(object instance)
    {
        lock (_lock)
        {
            return _byInstance.GetValueOrDefault(instance);
        }
    }

    /// <summary>Returns the entry of <paramref name="instance"/> (adding it if new) with one more reference.</summary>
    public ObjectEntry AddReference(object instance, SharedTypeBinding binding, bool disposeWhenReleased)
    {
        lock (_lock)
        {
            if (!_byInstance.TryGetValue(instance, out ObjectEntry? entry))
            {
                entry = new ObjectEntry(this, ++_nextId, instance, binding, disposeWhenReleased);
                _byInstance.Add(instance, entry);
                _byId[entry.Id] = entry;
            }

            entry.ReferenceCount++;
            _references++;
            return entry;
        }
    }

    /// <summary>Adds references to a live entry; false if it has already left the table.</summary>
    public bool TryAddReference(ObjectEntry entry, int count = 1)
    {
        lock (_lock)
        {
            if (entry.ReferenceCount <= 0)
            {
                return false;
            }

            entry.ReferenceCount += count;
            _references += count;
            return true;
        }
    }

    public void Release(ObjectEntry entry, int count = 1)
    {
        lock (_lock)
        {
            count = Math.Min(count, entry.ReferenceCount);
            entry.ReferenceCount -= count;
            _references -= count;
            if (entry.ReferenceCount > 0 || !_byId.TryRemove(entry.Id, out _))
            {
                return;
            }

            _byInstance.Remove(entry.Instance);
        }

        if (entry.DisposeWhenReleased && entry.Instance is IDisposable or IAsyncDisposable)
        {
            Interlocked.Increment(ref _disposalsRunning);
            var disposal = new DisposalWork(entry.Instance, _logger, OnDisposalDone, entry.Gate);
            if (entry.Gate is null || entry.Gate.TryEnter(disposal))
            {
                disposal.Schedule();
            }
        }
    }

    /// <summary>Binds a name to an entry (one more reference); false if the name is taken and not replaced.</summary>
    public bool Publish(string name, ObjectEntry entry, bool replace)
    {
        ObjectEntry? previous;
        lock (_lock)
        {
            if (_names.TryGetValue(name, out previous) && !replace)
            {
                return ReferenceEquals(previous, entry);
            }

            if (entry.ReferenceCount <= 0)
            {
                throw new ObjectDisposedException(null, "The object was released before it could be published.");
            }

            entry.ReferenceCount++;
            _references++;
            _names[name] = entry;
        }

        if (previous is not null)
        {
            Release(previous);
        }

        return true;
    }

    public ObjectEntry? Lookup(string name)
    {
        lock (_lock)
        {
            return _names.GetValueOrDefault(name);
        }
    }

    public bool Unpublish(string name)
    {
        ObjectEntry? entry;
        lock (_lock)
        {
            if (!_names.Remove(name, out entry))
            {
                return false;
            }
        }

        Release(entry);
        return true;
    }

    /// <summary>Gets the published names and their objects (a moment's view).</summary>
    public (string Name, ObjectEntry Entry)[] PublishedNames()
    {
        lock (_lock)
        {
            return [.. _names.Select(pair => (pair.Key, pair.Value))];
        }
    }

    /// <summary>Gets the live objects (a moment's view, without locking).</summary>
    public ObjectEntry[] Snapshot() => [.. _byId.Values];

    public Dictionary<string, int> CountByType()
        => _byId.Values.GroupBy(e => e.Binding.TypeId).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Completes when every disposal queued by a release has run (used at shutdown).</summary>
    public Task WhenDisposalsDoneAsync()
    {
        lock (_lock)
        {
            if (Volatile.Read(ref _disposalsRunning) == 0)
            {
                return Task.CompletedTask;
            }

            _disposalsDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _disposalsDone.Task;
        }
    }

    /// <summary>Empties the table at shutdown, disposing what the manager created.</summary>
    public void Clear()
    {
        ObjectEntry[] entries;
        lock (_lock)
        {
            entries = [.. _byId.Values];
            _byId.Clear();
            _byInstance.Clear();
            _names.Clear();
            _references = 0;
        }

        foreach (ObjectEntry entry in entries.Where(e => e.DisposeWhenReleased))
        {
            new DisposalWork(entry.Instance, _logger, null, null).Execute();
        }
    }

    private void OnDisposalDone()
    {
        if (Interlocked.Decrement(ref _disposalsRunning) != 0)
        {
            return;
        }

        TaskCompletionSource? done;
        lock (_lock)
        {
            done = _disposalsDone;
            _disposalsDone = null;
        }

        done?.TrySetResult();
    }
}
