namespace Multiproc.Server;

/// <summary>
/// The manager's budget of shared-memory bytes (<see cref="ManagerOptions.MaxSharedMemoryBytes"/>):
/// a shared array created through the manager reserves its block's size before anything is
/// allocated and returns it when the block is removed.
/// </summary>
/// <remarks>
/// Thread-safe and lock-free. Sizes are counted in whole pages, as tmpfs charges them. A built-in
/// server type receives the manager's quota by declaring a constructor parameter of this type (it
/// is never sent on the wire).
/// </remarks>
internal sealed class SharedMemoryQuota
{
    private readonly long _limit;
    private long _used;

    public SharedMemoryQuota(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _limit = limit;
    }

    /// <summary>Gets the bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Reserves room for a block of <paramref name="bytes"/>; returns what was reserved (whole pages), to give back with <see cref="Return"/>.</summary>
    /// <exception cref="InsufficientMemoryException">The reservation would exceed the limit; nothing was reserved.</exception>
    public long Reserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long page = Environment.SystemPageSize;
        long charged = bytes > long.MaxValue - page ? long.MaxValue : (bytes + page - 1) / page * page;
        long used = Interlocked.Read(ref _used);
        while (true)
        {
            if (charged > _limit - used)
            {
                throw new InsufficientMemoryException(
                    $"A shared-memory block of {bytes:N0} bytes would exceed the manager's limit of {_limit:N0} bytes ({used:N0} in use); nothing was allocated. Raise ManagerOptions.MaxSharedMemoryBytes or release arrays.");
            }

            long seen = Interlocked.CompareExchange(ref _used, used + charged, used);
            if (seen == used)
            {
                return charged;
            }

            used = seen;
        }
    }

    /// <summary>Gives back a reservation made by <see cref="Reserve"/>.</summary>
    public void Return(long charged) => Interlocked.Add(ref _used, -charged);
}
