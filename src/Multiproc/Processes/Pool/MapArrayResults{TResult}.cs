using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>Map results gathered in order into one array (<c>ProcessPool.MapAsync</c>).</summary>
internal sealed class MapArrayResults<TResult> : MapResults<TResult>
{
    private readonly TResult[] _results;
    private readonly TaskCompletionSource<TResult[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remainingChunks;

    public MapArrayResults(RegisteredTarget target, int itemCount, int chunkCount, IProgress<int>? progress)
        : base(target, progress)
    {
        _results = new TResult[itemCount];
        _remainingChunks = chunkCount;
    }

    /// <summary>Gets the task completed with all results in item order.</summary>
    public Task<TResult[]> Task => _completion.Task;

    /// <inheritdoc />
    public override void OnCompleted(MapChunkTask<TResult> chunk, ReadOnlyMemory<byte> result)
    {
        if (_completion.Task.IsCompleted)
        {
            return;
        }

        try
        {
            WorkerArgumentCodec.DecodeResults(result, ResultType, _results.AsSpan(chunk.Offset, chunk.Count));
        }
        catch (Exception ex) when (ex is MessagePack.MessagePackSerializationException or InvalidDataException)
        {
            OnFailed(ex);
            return;
        }

        ReportProgress(chunk.Count);
        if (Interlocked.Decrement(ref _remainingChunks) == 0)
        {
            _completion.TrySetResult(_results);
        }
    }

    /// <inheritdoc />
    public override void OnFailed(Exception exception)
    {
        if (_completion.TrySetException(exception))
        {
            CancelChunks();
        }
    }

    /// <summary>Cancels the map: pending chunks are withdrawn, running ones finish and are dropped.</summary>
    public void Cancel(CancellationToken cancellationToken)
    {
        if (_completion.TrySetCanceled(cancellationToken))
        {
            CancelChunks();
        }
    }
}
