using Multiproc.Server;

namespace Multiproc.Tests.Hardening;

/// <summary>Unit tests of the lease table: every lease settles exactly once, even racing the connection's close (F2).</summary>
public sealed class LeaseTableTests
{
    [Fact(Timeout = 20_000)]
    public Task CommitAndReturn_RacingClose_SettleEveryLeaseExactlyOnce() => Task.Run(() =>
    {
        for (int round = 0; round < 20; round++)
        {
            var table = new LeaseTable();
            CountingLease[] leases = [.. Enumerable.Range(0, 2_000).Select(_ => new CountingLease())];
            for (int i = 0; i < leases.Length; i++)
            {
                Assert.True(table.TryAdd((uint)i, leases[i]));
            }

            using var start = new Barrier(3);
            var committer = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < leases.Length; i += 2)
                {
                    table.Commit((uint)i);
                }
            });
            var returner = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 1; i < leases.Length; i += 2)
                {
                    table.Return((uint)i);
                }
            });
            committer.Start();
            returner.Start();
            start.SignalAndWait();
            table.ReturnAll();
            committer.Join();
            returner.Join();

            Assert.All(leases, lease => Assert.Equal(1, lease.Commits + lease.Returns));
            Assert.Equal(0, table.Count);
            Assert.False(table.TryAdd(99_999, new CountingLease()));
        }
    });

    [Fact]
    public void ReturnAll_GivesLeasesBackNewestFirst()
    {
        var table = new LeaseTable();
        var order = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            int id = i;
            table.TryAdd((uint)(10 - i), new CountingLease(() => order.Add(id)));
        }

        table.ReturnAll();

        Assert.Equal([4, 3, 2, 1, 0], order);
    }

    [Fact]
    public void Lease_CommittedThenReturned_StaysCommitted()
    {
        var lease = new CountingLease();
        Assert.True(lease.Commit());
        Assert.False(lease.Return());
        Assert.False(lease.Commit());
        Assert.Equal((1, 0), (lease.Commits, lease.Returns));
    }

    private sealed class CountingLease(Action? onReturned = null) : Lease
    {
        private int _commits;
        private int _returns;

        public int Commits => _commits;

        public int Returns => _returns;

        protected override void OnCommitted() => Interlocked.Increment(ref _commits);

        protected override void OnReturned()
        {
            Interlocked.Increment(ref _returns);
            onReturned?.Invoke();
        }
    }
}
