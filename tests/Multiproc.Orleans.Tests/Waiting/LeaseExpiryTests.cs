using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>
/// The deliberate differences from one manager: a grain cannot see a client die, so what a dead client
/// held comes back a lease period later (WaitingObjectOptions), and a taken item whose taker never
/// acknowledged it is delivered again (at-least-once).
/// </summary>
[Collection(WaitingCluster.Name)]
public sealed class LeaseExpiryTests(WaitingClusterFixture cluster)
{
    [Fact(Timeout = 90_000)]
    public async Task Queue_ItemTakenByADeadConsumer_ReturnsAfterItsLease()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.PutMany([1, 2]);

        // A second client whose acknowledgements never reach the cluster: it takes item 1 and dies
        // before its acknowledgement arrives, as a process killed right after the take would. The take itself
        // returns the item (decoded, it is the taker's); the cluster cannot know, so it delivers it again.
        using (IHost consumer = await StartClientAsync(Acknowledgements.NeverSent))
        {
            await using Manager dying = OrleansManager.Connect(consumer.Services.GetRequiredService<IClusterClient>());
            ISharedQueue<int> seen = await cluster.LookUpAsync<ISharedQueue<int>>(dying, queue);
            Assert.Equal(1, seen.Take());
            await consumer.StopAsync(TestTimeout.Token());
        }

        // Item 2 is next at once; item 1 comes back to the front when its lease ends.
        Assert.Equal(2, queue.Take());
        (bool took, int item) = await queue.TryTakeAsync(TimeSpan.FromSeconds(20), TestTimeout.Token());
        Assert.True(took);
        Assert.Equal(1, item);
        Assert.Equal(0, queue.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task Queue_TakeWhoseAcknowledgementLandedButItsReplyWasLost_ReturnsTheItem_WhichIsNotDeliveredAgain()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.PutMany([1, 2]);

        using (IHost consumer = await StartClientAsync(Acknowledgements.ReplyLost))
        {
            await using Manager unlucky = OrleansManager.Connect(consumer.Services.GetRequiredService<IClusterClient>());
            ISharedQueue<int> seen = await cluster.LookUpAsync<ISharedQueue<int>>(unlucky, queue);
            Assert.Equal(1, seen.Take());
            await consumer.StopAsync(TestTimeout.Token());
        }

        // Item 1 was committed by its acknowledgement: past its lease, only item 2 is left.
        Assert.Equal(2, queue.Take());
        (bool took, _) = await queue.TryTakeAsync(2 * WaitingClusterFixture.Lease, TestTimeout.Token());
        Assert.False(took);
    }

    [Fact(Timeout = 90_000)]
    public async Task Queue_ConsumerProcessKilledMidWait_LosesNoItem()
    {
        await using Manager manager = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedQueue<int> queue = await manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());

        using WorkerProcess<int> worker = WorkerProcess.Start(TakeInWorker, queue);
        try
        {
            await cluster.WaitForCallsInProgressAsync(queue, 1, TestTimeout.Token(50));
        }
        finally
        {
            worker.Kill();
        }

        await worker.WaitForExitAsync(TestTimeout.Token());
        queue.Put(99);

        (bool took, int item) = await queue.TryTakeAsync(TimeSpan.FromSeconds(20), TestTimeout.Token(30));
        Assert.True(took);
        Assert.Equal(99, item);
        Assert.Equal(0, queue.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task Lock_HeldByADeadSession_IsReleasedByLeaseExpiry()
    {
        await using Manager manager = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedLock shared = await manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        ISharedEvent acquired = await manager.CreateEventAsync(cancellationToken: TestTimeout.Token());
        ISharedEvent never = await manager.CreateEventAsync(cancellationToken: TestTimeout.Token());

        // The worker acquires and is killed holding the lock: its session stops renewing, and nothing ends it.
        using WorkerProcess worker = WorkerProcess.Start(AcquireAndHangInWorker, shared, acquired, never);
        try
        {
            Assert.True(await acquired.WaitAsync(TimeSpan.FromSeconds(40), TestTimeout.Token(50)));
            Assert.False(shared.TryAcquire(TimeSpan.Zero));
        }
        finally
        {
            worker.Kill();
        }

        await worker.WaitForExitAsync(TestTimeout.Token());
        Assert.True(await shared.TryAcquireAsync(TimeSpan.FromSeconds(20), TestTimeout.Token(30)));
        shared.Release();
    }

    [Fact(Timeout = 90_000)]
    public async Task Lock_HeldByAClientThatDisposesItsManager_IsReleasedWhenItCloses()
    {
        ISharedLock shared = await cluster.Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        Manager closing = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedLock seen = await cluster.LookUpAsync<ISharedLock>(closing, shared);
        seen.Acquire();
        Assert.False(shared.TryAcquire(TimeSpan.Zero));

        // As a manager's closed connection: the session ends as the client closes, not a lease period later.
        await closing.DisposeAsync();

        Assert.True(shared.TryAcquire(TimeSpan.Zero));
        shared.Release();
    }

    [Fact(Timeout = 90_000)]
    public async Task Barrier_PartyOfADeadSession_BreaksTheBarrier()
    {
        await using Manager manager = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedBarrier barrier = await manager.CreateBarrierAsync(3, TestTimeout.Token());

        using WorkerProcess<long> worker = WorkerProcess.Start(SignalInWorker, barrier);
        try
        {
            await cluster.WaitForCallsInProgressAsync(barrier, 1, TestTimeout.Token(50));
        }
        finally
        {
            worker.Kill();
        }

        await Assert.ThrowsAsync<BarrierPostPhaseException>(() => barrier.SignalAndWaitAsync(TestTimeout.Token(30)));
        Assert.True(barrier.IsBroken);
    }

    private static int TakeInWorker(ISharedQueue<int> queue) => queue.Take();

    private static void AcquireAndHangInWorker(ISharedLock shared, ISharedEvent acquired, ISharedEvent never)
    {
        shared.Acquire();
        acquired.Set();
        never.Wait();
    }

    private static long SignalInWorker(ISharedBarrier barrier) => barrier.SignalAndWait();

    /// <summary>Starts a second Orleans client on the cluster whose queue acknowledgements fail as <paramref name="acknowledgements"/> says.</summary>
    private async Task<IHost> StartClientAsync(Acknowledgements acknowledgements)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, cluster.GatewayPort))
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.Cluster.Options.ClusterId;
                    o.ServiceId = cluster.Cluster.Options.ServiceId;
                });
            client.AddOutgoingGrainCallFilter(async context =>
            {
                bool acknowledgement = context.InterfaceMethod?.Name == nameof(Grains.IWaitingObjectGrain.AcknowledgeAsync);
                if (acknowledgement && acknowledgements == Acknowledgements.NeverSent)
                {
                    throw new IOException("The consumer died before its acknowledgement was sent.");
                }

                await context.Invoke();
                if (acknowledgement && acknowledgements == Acknowledgements.ReplyLost)
                {
                    throw new IOException("The acknowledgement's reply was lost.");
                }
            });
        });
        IHost host = builder.Build();
        await host.StartAsync(TestTimeout.Token());
        return host;
    }

    /// <summary>What happens to a test client's queue acknowledgements.</summary>
    private enum Acknowledgements
    {
        /// <summary>Never sent: the client died right after the take.</summary>
        NeverSent,

        /// <summary>Received and stored by the grain, but the reply is lost on the way back.</summary>
        ReplyLost,
    }
}
