using Multiproc.Shared;

namespace Multiproc.Tests.Shared;

public sealed class SharedMemoryRegistryTests
{
    [Fact]
    public void UnlinkAll_TrackedBlocks_RemovesFilesButMappingsKeepWorking()
    {
        var registry = new SharedMemoryRegistry();
        using var first = SharedMemory.Create(64);
        using var second = SharedArray<long>.Create(8);
        registry.Track(first);
        registry.Track(second.Memory);
        registry.Track(first);

        int count = registry.UnlinkAll();
        second.Increment(7);

        Assert.Equal(2, count);
        Assert.Equal(0, registry.Count);
        Assert.False(File.Exists(first.FilePath));
        Assert.False(File.Exists(second.Memory.FilePath));
        Assert.Equal(1, second.Read(7));
        Assert.Equal(0, registry.UnlinkAll());
    }

    [Fact]
    public void Track_ManyDisposedBlocks_DropsThem()
    {
        var registry = new SharedMemoryRegistry();
        for (int i = 0; i < 100; i++)
        {
            using var block = SharedMemory.Create(16);
            registry.Track(block);
        }

        Assert.True(registry.Count < 100);
        Assert.InRange(registry.UnlinkAll(), 1, 99);
    }
}
