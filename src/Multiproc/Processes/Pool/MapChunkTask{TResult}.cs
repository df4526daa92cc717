using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>A chunk of a map: consecutive items starting at <see cref="Offset"/>, reported to its owner.</summary>
internal sealed class MapChunkTask<TResult> : PoolTask
{
    private readonly MapResults<TResult> _owner;

    public MapChunkTask(MapResults<TResult> owner, int index, int offset, int count, ReadOnlyMemory<byte> items)
        : base(owner.Target, WorkerFrameKind.MapChunk, items, owner.Trace)
    {
        _owner = owner;
        Index = index;
        Offset = offset;
        Count = count;
    }

    /// <summary>Gets the chunk's position among the map's chunks.</summary>
    public int Index { get; }

    /// <summary>Gets the position of the chunk's first item among all items.</summary>
    public int Offset { get; }

    /// <summary>Gets the number of items in the chunk.</summary>
    public int Count { get; }

    /// <inheritdoc />
    public override void Complete(ReadOnlyMemory<byte> result) => _owner.OnCompleted(this, result);

    /// <inheritdoc />
    public override void Fail(Exception exception) => _owner.OnFailed(exception);

    /// <summary>Withdraws the chunk if no worker took it yet.</summary>
    public void Cancel() => TryCancelPending();
}
