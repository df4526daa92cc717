using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Integration;

[Trait("Kind", "Process")]
public class SharedArrayThroughManagerTests
{
    [Fact(Timeout = 60_000)]
    public async Task ArrayWrittenHere_IsReadAndWrittenByAnotherProcess_WithoutProxyCalls()
    {
        await using Manager manager = await Manager.StartAsync();
        using SharedArray<long> array = await manager.CreateArrayAsync<long>(1_000);
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = i;
        }

        long callsBefore = (await manager.GetStatsAsync()).CallCount;
        using PeerProcess peer = PeerProcess.Start("array-sum", array.Name);
        Assert.Equal("499500", await peer.ReadLineAsync(TestTimeout.Token(40)));
        Assert.Equal(0, await peer.WaitForExitAsync(TestTimeout.Token(20)));

        Assert.Equal(499_500L, array.Read(0));
        Assert.Equal(callsBefore + 1, (await manager.GetStatsAsync()).CallCount);
    }

    [Fact(Timeout = 20_000)]
    public async Task BackingFile_IsRemoved_WhenTheLastReferenceIsReleased()
    {
        await using Manager manager = await Manager.StartAsync();
        SharedArray<int> array = await manager.CreateArrayAsync<int>(16);
        string path = array.Memory.FilePath;
        Assert.True(File.Exists(path));

        array.Dispose();

        await TestTimeout.UntilAsync(() => Task.FromResult(!File.Exists(path)));
    }

    [Fact(Timeout = 20_000)]
    public async Task BackingFile_IsRemoved_WhenTheManagerShutsDown()
    {
        Manager manager = await Manager.StartAsync();
        using SharedArray<int> array = await manager.CreateArrayAsync<int>(16);
        string path = array.Memory.FilePath;

        await manager.DisposeAsync();

        Assert.False(File.Exists(path));
        array[3] = 7;
        Assert.Equal(7, array[3]);
    }

    [Fact(Timeout = 20_000)]
    public async Task Index_OutOfRange_Throws()
    {
        await using Manager manager = await Manager.StartAsync();
        using SharedArray<long> array = await manager.CreateArrayAsync<long>(4);
        Assert.Throws<IndexOutOfRangeException>(() => array[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => array.Add(-1, 1));
    }
}
