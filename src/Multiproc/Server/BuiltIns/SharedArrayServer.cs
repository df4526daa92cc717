using Multiproc.Memory;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of a shared array: it owns the memory-mapped block, so the block lives while
/// any proxy holds the array and is removed when the last reference goes or the manager shuts down.
/// </summary>
/// <remarks>
/// <para>Element access never goes through the manager; clients map the block by name.</para>
/// <para>The block's size is reserved from the manager's <see cref="SharedMemoryQuota"/> before it is
/// allocated and returned when it is removed.</para>
/// </remarks>
[AllowConcurrentCalls]
internal sealed class SharedArrayServer : IDisposable
{
    private readonly SharedMemory _memory;
    private readonly SharedMemoryQuota _quota;
    private long _charged;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elementSize"/> is not positive or <paramref name="length"/> is negative; nothing was allocated.</exception>
    /// <exception cref="InsufficientMemoryException">The block would exceed the manager's shared-memory limit; nothing was allocated.</exception>
    public SharedArrayServer(int elementSize, int length, SharedMemoryQuota quota)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(elementSize);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        long size = SharedArrayHeader.Size + ((long)length * elementSize);
        _quota = quota;
        _charged = quota.Reserve(size);
        try
        {
            _memory = SharedMemory.Create(size);
            SharedArrayHeader.Write(_memory.GetSpan(0, SharedArrayHeader.Size), elementSize, length);
        }
        catch
        {
            _memory?.Dispose();
            quota.Return(Interlocked.Exchange(ref _charged, 0));
            throw;
        }
    }

    /// <summary>Returns the block's name, which clients open.</summary>
    public string Name() => _memory.Name;

    public void Dispose()
    {
        _memory.Dispose();
        _quota.Return(Interlocked.Exchange(ref _charged, 0));
    }
}
