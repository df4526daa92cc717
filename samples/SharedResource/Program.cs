using System.Diagnostics;
using System.Globalization;
using Multiproc;
using SharedResource;

// A shared resource, for real: one SQLite database, opened once by the manager, used by several
// worker processes at once through a registered interface. Calls on the one object never overlap,
// so the database has a single writer and nobody sees "database is locked".
// Run: dotnet run --project samples/SharedResource [-- --workers 4 --orders 500]
int workerCount = Option("--workers", 4);
int ordersEach = Option("--orders", 500);
string directory = Directory.CreateTempSubdirectory("multiproc-orders-").FullName;
string database = Path.Combine(directory, "orders.db");
try
{
    await using (Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IOrderStore, SqliteOrderStore>()))
    {
        IOrderStore store = await manager.CreateAsync<IOrderStore>(database);
        var clock = Stopwatch.StartNew();
        WorkerProcess<int>[] clerks = [.. Enumerable.Range(0, workerCount).Select(clerk => WorkerProcess.Start(Clerks.RecordOrders, store, clerk, ordersEach))];
        int[] recorded = await Task.WhenAll(clerks.Select(clerk => clerk.Result));
        OrderTotals totals = store.Totals();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workerCount} worker processes recorded {recorded.Sum():N0} orders into {database} in {clock.Elapsed.TotalSeconds:F2} s."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The database holds {totals.Count:N0} orders worth {totals.AmountCents / 100m:N2}; expected {workerCount * ordersEach:N0} worth {Clerks.ExpectedCents(workerCount, ordersEach) / 100m:N2}."));
        foreach (WorkerProcess<int> clerk in clerks)
        {
            await clerk.DisposeAsync();
        }
    }

    // The manager is gone: it disposed the store, which closed the database (no write-ahead log left).
    Console.WriteLine($"Database closed by the manager: {!File.Exists(database + "-wal")}.");
}
finally
{
    Directory.Delete(directory, recursive: true);
}

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
