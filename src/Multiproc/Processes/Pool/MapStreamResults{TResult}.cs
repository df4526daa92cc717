using System.Threading.Channels;
using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>Map results streamed chunk by chunk as they complete (<c>MapStreamAsync</c>, <c>MapUnorderedAsync</c>).</summary>
/// <remarks>
/// The producer takes a slot from <see cref="Slots"/> before submitting a chunk and the consumer
/// returns it after yielding that chunk, so at most <c>window</c> chunks are in flight or waiting to
/// be consumed, whatever the length of the input.
/// </remarks>
internal sealed class MapStreamResults<TResult> : MapResults<TResult>, IDisposable
{
    private readonly Channel<(int Index, TResult[] Values)> _completed =
        System.Threading.Channels.Channel.CreateUnbounded<(int, TResult[])>(new UnboundedChannelOptions { SingleReader = true });

    // One for the producer, plus one per submitted chunk not yet completed.
    private int _outstanding = 1;

    public MapStreamResults(RegisteredTarget target, IProgress<int>? progress, int window)
        : base(target, progress)
    {
        Slots = new SemaphoreSlim(window, window);
    }

    /// <summary>Gets the slots bounding chunks in flight or waiting to be consumed.</summary>
    public SemaphoreSlim Slots { get; }

    /// <summary>Gets completed chunks by chunk index; completes when all are delivered, or faults.</summary>
    public ChannelReader<(int Index, TResult[] Values)> Completed => _completed.Reader;

    /// <summary>Counts a chunk about to be submitted.</summary>
    public void OnSubmitting() => Interlocked.Increment(ref _outstanding);

    /// <summary>Records that the producer submitted its last chunk.</summary>
    public void OnProducerFinished() => Release();

    /// <inheritdoc />
    public override void OnCompleted(MapChunkTask<TResult> chunk, ReadOnlyMemory<byte> result)
    {
        var values = new TResult[chunk.Count];
        try
        {
            WorkerArgumentCodec.DecodeResults(result, ResultType, values);
        }
        catch (Exception ex) when (ex is MessagePack.MessagePackSerializationException or InvalidDataException)
        {
            OnFailed(ex);
            return;
        }

        ReportProgress(chunk.Count);
        _completed.Writer.TryWrite((chunk.Index, values));
        Release();
    }

    /// <inheritdoc />
    public override void OnFailed(Exception exception)
    {
        if (_completed.Writer.TryComplete(exception))
        {
            CancelChunks();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Slots.Dispose();

    private void Release()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _completed.Writer.TryComplete();
        }
    }
}
