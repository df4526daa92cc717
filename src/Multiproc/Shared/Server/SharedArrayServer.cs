namespace Multiproc.Shared.Server;

/// <summary>
/// The manager's side of a shared array: it owns the memory-mapped block, so the block lives while
/// any proxy holds the array and is removed when the last reference goes or the manager shuts down.
/// </summary>
/// <remarks>Element access never goes through the manager; clients map the block by name.</remarks>
[AllowConcurrentCalls]
internal sealed class SharedArrayServer : IDisposable
{
    private readonly SharedMemory _memory;

    public SharedArrayServer(int elementSize, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(elementSize);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _memory = SharedMemory.Create(SharedArrayHeader.Size + ((long)length * elementSize));
        SharedArrayHeader.Write(_memory.GetSpan(0, SharedArrayHeader.Size), elementSize, length);
    }

    /// <summary>Returns the block's name, which clients open.</summary>
    public string Name() => _memory.Name;

    public void Dispose() => _memory.Dispose();
}
