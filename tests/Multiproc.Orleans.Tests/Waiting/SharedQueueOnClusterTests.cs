namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>A shared queue on a cluster: FIFO, timeouts, cancellation, bounded puts, waits longer than one slice.</summary>
[Collection(WaitingCluster.Name)]
public sealed class SharedQueueOnClusterTests(WaitingClusterFixture cluster)
{
    [Fact(Timeout = 60_000)]
    public async Task PutTake_SyncAndAsync_AreFirstInFirstOut()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());

        queue.Put(1);
        await queue.PutAsync(2, TestTimeout.Token());
        queue.PutMany([3, 4]);

        Assert.Equal(4, queue.Count);
        Assert.Equal(1, queue.Take());
        Assert.Equal(2, await queue.TakeAsync(TestTimeout.Token()));
        Assert.True(queue.TryTake(out int third, TimeSpan.Zero));
        Assert.Equal(3, third);
        (bool took, int fourth) = await queue.TryTakeAsync(TimeSpan.FromSeconds(5), TestTimeout.Token());
        Assert.True(took);
        Assert.Equal(4, fourth);
        Assert.Equal(0, queue.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task TryTake_EmptyQueue_TimesOutWithFalse_AlsoOverSeveralSlices()
    {
        ISharedQueue<string> queue = await cluster.Manager.CreateQueueAsync<string>(cancellationToken: TestTimeout.Token());

        Assert.False(queue.TryTake(out _, TimeSpan.Zero));
        // Longer than Orleans' response timeout: one call would time out; slices return false instead.
        TimeSpan longerThanACall = WaitingClusterFixture.ResponseTimeout + TimeSpan.FromSeconds(1);
        (bool took, _) = await queue.TryTakeAsync(longerThanACall, TestTimeout.Token());
        Assert.False(took);
        Assert.False(queue.TryTake(out _, longerThanACall));
        Assert.Equal(0, await cluster.CallsInProgressAsync(queue));
    }

    [Fact(Timeout = 60_000)]
    public async Task Take_WaitingLongerThanOneSlice_GetsTheItemPutLater()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        ISharedEvent never = await cluster.Manager.CreateEventAsync(cancellationToken: TestTimeout.Token());

        Task<int> taking = queue.TakeAsync(TestTimeout.Token(40));
        await cluster.WaitForCallsInProgressAsync(queue, 1, TestTimeout.Token());
        // Time passes in the cluster (an event nobody sets) beyond Orleans' response timeout.
        Assert.False(await never.WaitAsync(WaitingClusterFixture.ResponseTimeout + TimeSpan.FromSeconds(1), TestTimeout.Token()));
        Assert.False(taking.IsCompleted);
        queue.Put(42);

        Assert.Equal(42, await taking.WaitAsync(TestTimeout.Token()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Put_BoundedQueueFull_WaitsForATake()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(capacity: 1, cancellationToken: TestTimeout.Token());
        queue.Put(1);

        Assert.False(queue.TryPut(2, TimeSpan.Zero));
        Task putting = queue.PutAsync(2, TestTimeout.Token());
        await cluster.WaitForCallsInProgressAsync(queue, 1, TestTimeout.Token());
        Assert.False(putting.IsCompleted);

        Assert.Equal(1, queue.Take());
        await putting.WaitAsync(TestTimeout.Token());
        Assert.Equal(2, queue.Take());
    }

    [Fact(Timeout = 60_000)]
    public async Task Take_Cancelled_LeavesNoWaiterBehind_SoTheNextItemGoesToTheNextTaker()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        using var cancel = new CancellationTokenSource();

        Task<int> taking = queue.TakeAsync(cancel.Token);
        await cluster.WaitForCallsInProgressAsync(queue, 1, TestTimeout.Token());
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => taking.WaitAsync(TestTimeout.Token()));
        await cluster.WaitForCallsInProgressAsync(queue, 0, TestTimeout.Token());
        queue.Put(7);
        Assert.True(queue.TryTake(out int item, TimeSpan.Zero));
        Assert.Equal(7, item);
    }

    [Fact(Timeout = 60_000)]
    public async Task BadInput_NegativeTimeout_IsRefused()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());

        Assert.Throws<ArgumentOutOfRangeException>(() => queue.TryTake(out _, TimeSpan.FromSeconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.TryPut(1, TimeSpan.FromSeconds(-2)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.TryTakeAsync(TimeSpan.FromSeconds(-2), TestTimeout.Token()));
    }

    [Fact(Timeout = 60_000)]
    public async Task BadInput_AcknowledgingAnUnknownLease_ThrowsKeyNotFound()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        var grain = cluster.Cluster.Client.GetGrain<Grains.IWaitingObjectGrain>(SharedObject.FromProxy(queue).ObjectId);

        KeyNotFoundException unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => grain.AcknowledgeAsync(12345));
        Assert.Contains("at-least-once", unknown.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task CompleteAdding_EndsAWaitingTake_AndJoinSeesTaskDone()
    {
        ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.Put(5);
        Assert.Equal(5, queue.Take());
        Task joining = queue.JoinAsync(TestTimeout.Token());
        queue.TaskDone();
        await joining.WaitAsync(TestTimeout.Token());

        Task<int[]> taking = queue.TakeManyAsync(3, TestTimeout.Token());
        await cluster.WaitForCallsInProgressAsync(queue, 1, TestTimeout.Token());
        queue.CompleteAdding();

        Assert.Empty(await taking.WaitAsync(TestTimeout.Token()));
        Assert.True(queue.IsCompleted);
    }
}
