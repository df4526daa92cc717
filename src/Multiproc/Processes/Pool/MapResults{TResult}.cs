using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>Collects the chunk results of one map operation and reports progress.</summary>
/// <remarks>
/// Chunks complete on workers' reader threads, concurrently and in any order. Progress is the
/// number of items completed so far, reported under a lock so a synchronous
/// <see cref="IProgress{T}"/> sees increasing values.
/// </remarks>
internal abstract class MapResults<TResult>
{
    private readonly IProgress<int>? _progress;
    private readonly List<MapChunkTask<TResult>> _chunks = [];
    private int _completedItems;

    protected MapResults(RegisteredTarget target, IProgress<int>? progress)
    {
        Target = target;
        _progress = progress;
        // Taken where the map was called: chunks made later, by a producer, still carry the caller's context.
        Trace = WorkerTrace.Capture();
    }

    /// <summary>Gets the mapped function.</summary>
    public RegisteredTarget Target { get; }

    /// <summary>Gets the trace context of the code that called the map, carried by every chunk, or null.</summary>
    public TraceContext? Trace { get; }

    /// <summary>Gets the declared return type results are decoded as.</summary>
    protected Type ResultType => Target.Method.Method.ReturnType;

    /// <summary>Creates the next chunk of this map.</summary>
    public MapChunkTask<TResult> CreateChunk(int offset, int count, byte[] items)
    {
        lock (_chunks)
        {
            var chunk = new MapChunkTask<TResult>(this, _chunks.Count, offset, count, items);
            _chunks.Add(chunk);
            return chunk;
        }
    }

    /// <summary>Receives a chunk's encoded results.</summary>
    public abstract void OnCompleted(MapChunkTask<TResult> chunk, ReadOnlyMemory<byte> result);

    /// <summary>Receives a chunk's (or the producer's) failure; the whole map fails with the first one.</summary>
    public abstract void OnFailed(Exception exception);

    /// <summary>Withdraws every chunk that no worker took yet.</summary>
    public void CancelChunks()
    {
        lock (_chunks)
        {
            foreach (MapChunkTask<TResult> chunk in _chunks)
            {
                chunk.Cancel();
            }
        }
    }

    /// <summary>Adds <paramref name="items"/> completed items and reports the total.</summary>
    protected void ReportProgress(int items)
    {
        if (_progress is null)
        {
            Interlocked.Add(ref _completedItems, items);
            return;
        }

        lock (_progress)
        {
            _completedItems += items;
            _progress.Report(_completedItems);
        }
    }
}
