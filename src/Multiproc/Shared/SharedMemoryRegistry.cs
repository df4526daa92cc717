using System.Collections.Concurrent;

namespace Multiproc.Shared;

/// <summary>The shared memory blocks a manager created, so it can remove all their files at shutdown.</summary>
/// <remarks>
/// Thread-safe. The registry holds its blocks strongly until <see cref="UnlinkAll"/>; blocks
/// disposed in the meantime (which already removed their files) are dropped as new ones are
/// tracked. Unlinking only removes names: mappings that are still open in any process keep
/// working.
/// </remarks>
internal sealed class SharedMemoryRegistry
{
    private const int PruneThreshold = 64;

    private readonly ConcurrentDictionary<SharedMemory, byte> _blocks = new(ReferenceEqualityComparer.Instance);

    /// <summary>Gets the number of blocks currently tracked.</summary>
    public int Count => _blocks.Count;

    /// <summary>Tracks a block so that <see cref="UnlinkAll"/> removes its file.</summary>
    /// <param name="memory">The block; normally one this process created.</param>
    public void Track(SharedMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (_blocks.Count >= PruneThreshold)
        {
            foreach (SharedMemory block in _blocks.Keys)
            {
                if (block.IsDisposed)
                {
                    _blocks.TryRemove(block, out _);
                }
            }
        }

        _blocks.TryAdd(memory, 0);
    }

    /// <summary>Removes the files of all tracked blocks and stops tracking them.</summary>
    /// <returns>The number of blocks that were tracked.</returns>
    /// <exception cref="AggregateException">One or more files could not be removed; every other file was.</exception>
    public int UnlinkAll()
    {
        List<Exception>? errors = null;
        int count = 0;
        foreach (SharedMemory block in _blocks.Keys)
        {
            if (!_blocks.TryRemove(block, out _))
            {
                continue;
            }

            count++;
            try
            {
                block.Unlink();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                (errors ??= []).Add(ex);
            }
        }

        return errors is null ? count : throw new AggregateException("Some shared memory files could not be removed.", errors);
    }
}
