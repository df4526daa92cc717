using Multiproc.Orleans.Grains;
using Multiproc.Orleans.SiloHost.Harness;

namespace Multiproc.Orleans.Tests.Failover;

/// <summary>
/// Issue 12: a queue consumer killed mid-wait loses no item, on the process cluster (two silo processes,
/// Redis membership and storage) with the consumer a worker process that reconnected from the cluster's
/// <c>orleans+redis://</c> address.
/// </summary>
/// <remarks>The item a dead taker was handed goes back to the queue when its lease ends (<see cref="WaitingObjectOptions.QueueItemLease"/>, 5 s by default).</remarks>
[Collection(RunsAlone.Name)]
[Trait("Kind", "Process")]
public sealed class ConsumerKillTests
{
    [Fact(Timeout = 180_000)]
    public async Task QueueConsumerProcessKilledMidWait_LosesNoItem()
    {
        await using FailoverCluster cluster = await FailoverScenario.StartClusterAsync();
        await using Manager manager = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token(30));
        ISharedQueue<int> queue = await manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());

        using WorkerProcess<int> consumer = WorkerProcess.Start(TakeInWorker, queue);
        try
        {
            await WaitForCallsInProgressAsync(cluster.Client, queue, 1, TestTimeout.Token(60));
        }
        finally
        {
            consumer.Kill();
        }

        await consumer.WaitForExitAsync(TestTimeout.Token());
        queue.Put(99);

        (bool took, int item) = await queue.TryTakeAsync(TimeSpan.FromSeconds(30), TestTimeout.Token(40));
        Assert.True(took, "The item put after the consumer died was never delivered.");
        Assert.Equal(99, item);
        Assert.Equal(0, queue.Count);
    }

    private static int TakeInWorker(ISharedQueue<int> queue) => queue.Take();

    /// <summary>Waits until the queue's grain runs <paramref name="expected"/> calls: the consumer's Take is waiting there.</summary>
    private static async Task WaitForCallsInProgressAsync(IClusterClient client, object proxy, int expected, CancellationToken cancellationToken)
    {
        IWaitingObjectGrain grain = client.GetGrain<IWaitingObjectGrain>(SharedObject.FromProxy(proxy).ObjectId);
        while (await grain.CountCallsInProgressAsync() != expected)
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
