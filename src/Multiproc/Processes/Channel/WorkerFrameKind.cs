namespace Multiproc.Processes.Channel;

/// <summary>The first byte of every frame between a parent and its worker.</summary>
/// <remarks>
/// A frame is a 4-byte little-endian length (of kind and body), the kind byte, then a
/// MessagePack body. <see cref="Bootstrap"/> travels over the child's stdin; everything else
/// over the worker's Unix socket.
/// </remarks>
internal enum WorkerFrameKind : byte
{
    /// <summary>Parent to child on stdin: a <see cref="WorkerBootstrap"/>.</summary>
    Bootstrap = 1,

    /// <summary>Pool child to parent: the initializer ran and the worker takes tasks.</summary>
    Ready = 2,

    /// <summary>Child to parent: the encoded return value(s) of the target.</summary>
    Result = 3,

    /// <summary>Child to parent: the target threw; body is a <see cref="WorkerRemoteError"/>.</summary>
    Error = 4,

    /// <summary>Parent to pool child: <c>[id, target identity]</c>, sent once per target and worker.</summary>
    DefineTarget = 5,

    /// <summary>Parent to pool child: <c>id</c> then the encoded argument array.</summary>
    Apply = 6,

    /// <summary>Parent to pool child: <c>id</c> then an array of encoded items.</summary>
    MapChunk = 7,

    /// <summary>Parent to pool child: finish and exit with code 0.</summary>
    Stop = 8,

    /// <summary>Parent to pool child: an <see cref="Apply"/> that carries its submitter's trace context: <c>id</c>, the context, then the arguments.</summary>
    /// <remarks>Sent only when the task has a context (docs/tracing.md); a task without one is a plain <see cref="Apply"/>.</remarks>
    TracedApply = 9,

    /// <summary>Parent to pool child: a <see cref="MapChunk"/> that carries its map's trace context: <c>id</c>, the context, then the items.</summary>
    TracedMapChunk = 10,
}
