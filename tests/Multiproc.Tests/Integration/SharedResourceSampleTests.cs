using Microsoft.Data.Sqlite;
using Multiproc.Tests.Infrastructure;
using SharedResource;

namespace Multiproc.Tests.Integration;

/// <summary>
/// samples/SharedResource: one SQLite database behind a registered interface, used by several real
/// worker processes at once. Every order is written exactly once, with no "database is locked",
/// even when a worker is killed mid-run and its share is redone; the manager closes the database
/// with the store's last reference, or when it stops.
/// </summary>
[Trait("Kind", "Process")]
public sealed class SharedResourceSampleTests : IDisposable
{
    private const int ClerkCount = 4;
    private const int OrdersEach = 1_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("mp-orders-").FullName;

    private string Database => Path.Combine(_directory, "orders.db");

    [Fact(Timeout = 120_000)]
    public async Task Clerks_RecordEveryOrderExactlyOnce_WhenOneIsKilledMidRunAndItsShareRedone()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IOrderStore, SqliteOrderStore>());
        IOrderStore store = await manager.CreateAsync<IOrderStore>(Database);
        WorkerProcess<int>[] clerks = [.. Enumerable.Range(0, ClerkCount).Select(clerk => WorkerProcess.Start(Clerks.RecordOrders, store, clerk, OrdersEach))];
        try
        {
            // Clerk 0 is killed once it has recorded some of its own orders, long before its 1,000 are
            // done (read beside the manager's connection: SQLite's write-ahead log lets a reader in).
            await TestTimeout.UntilAsync(() => Task.FromResult(TryCountOrders(clerk: 0) >= 20), seconds: 60, because: "clerk 0 recorded no order");
            clerks[0].Kill();
            await Assert.ThrowsAsync<WorkerCrashedException>(() => clerks[0].Result.WaitAsync(TestTimeout.Token(60)));

            // The others finish, every one of their orders new: no call failed, none was lost or doubled.
            foreach (WorkerProcess<int> survivor in clerks[1..])
            {
                Assert.Equal(OrdersEach, await survivor.Result.WaitAsync(TestTimeout.Token(60)));
            }

            long killedRecorded = store.Totals().Count - ((ClerkCount - 1) * OrdersEach);
            Assert.InRange(killedRecorded, 1, OrdersEach - 1);

            // A replacement redoes clerk 0's whole share: what the killed clerk wrote is not written again.
            await using WorkerProcess<int> replacement = WorkerProcess.Start(Clerks.RecordOrders, store, 0, OrdersEach);
            Assert.Equal(OrdersEach - killedRecorded, await replacement.Result.WaitAsync(TestTimeout.Token(60)));
            Assert.Equal(new OrderTotals(ClerkCount * OrdersEach, Clerks.ExpectedCents(ClerkCount, OrdersEach)), store.Totals());
        }
        finally
        {
            foreach (WorkerProcess<int> clerk in clerks)
            {
                clerk.Kill();
                await clerk.DisposeAsync();
            }
        }

        await manager.DisposeAsync();
        Assert.Equal(ClerkCount * OrdersEach, CountDistinctOrders());
    }

    [Fact(Timeout = 60_000)]
    public async Task TheStore_ClosesTheDatabaseWithItsLastReference()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IOrderStore, SqliteOrderStore>());
        IOrderStore store = await manager.CreateAsync<IOrderStore>(Database);
        Assert.True(store.Record(1, "first", 100));
        Assert.False(store.Record(1, "first again", 100));
        Assert.True(File.Exists(Database + "-wal"), "the open database should have its write-ahead log");

        ((IDisposable)store).Dispose();

        await TestTimeout.UntilAsync(() => Task.FromResult(!File.Exists(Database + "-wal")), because: "the store was not disposed with its last reference");
        Assert.Equal(1, CountDistinctOrders());
    }

    [Fact(Timeout = 60_000)]
    public async Task TheStore_ClosesTheDatabaseWhenTheManagerStops()
    {
        Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IOrderStore, SqliteOrderStore>());
        IOrderStore store = await manager.CreateAsync<IOrderStore>(Database);
        store.Record(7, "only", 700);
        Assert.True(File.Exists(Database + "-wal"));

        await manager.DisposeAsync();

        Assert.False(File.Exists(Database + "-wal"), "the manager stopped without disposing the store");
        Assert.Equal(1, CountDistinctOrders());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // -1 while SQLite is busy (the writer checkpointing): the caller asks again.
    private long TryCountOrders(int clerk)
    {
        try
        {
            return CountOrders(clerk);
        }
        catch (SqliteException)
        {
            return -1;
        }
    }

    private long CountOrders(int clerk)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM orders WHERE id BETWEEN $first AND $last";
        count.Parameters.AddWithValue("$first", Clerks.OrderId(clerk, 0));
        count.Parameters.AddWithValue("$last", Clerks.OrderId(clerk, OrdersEach - 1));
        return (long)count.ExecuteScalar()!;
    }

    private long CountDistinctOrders()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(DISTINCT id) FROM orders";
        return (long)count.ExecuteScalar()!;
    }
}
