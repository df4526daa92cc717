namespace Multiproc.Tests.Python.Server;

/// <summary>
/// One object, two worlds: objects a .NET program created and published, used by a stock Python client, and
/// read back by .NET with their values mapped as docs/python.md says (tuples, decimals, datetimes, Python objects kept
/// opaque, a list a Python client created and stored as a proxy).
/// </summary>
[Trait("Kind", "Process")]
public sealed class TwoWorldsTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DotNetObjects_UsedFromPython_ReadBackWithTheDocumentedMapping()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().ServePython("tcp://127.0.0.1:0"));
        ISharedList<(int, string)> tuples = await manager.CreateListAsync<(int, string)>([(9, "z")]);
        ISharedDictionary<string, decimal> prices = await manager.CreateDictionaryAsync<string, decimal>();
        await prices.SetAsync("net", 2.50m);
        ISharedList<DateTime> dates = await manager.CreateListAsync<DateTime>([new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc)]);
        ISharedList<object?> objects = await manager.CreateListAsync<object?>();
        ISharedQueue<int[]> arrays = await manager.CreateQueueAsync<int[]>();
        ISharedDictionary<string, ISharedList<int>> nested = await manager.CreateDictionaryAsync<string, ISharedList<int>>();
        ISharedList<object?> copies = await manager.CreateListAsync<object?>();
        ISharedLock pythonLock = await manager.CreatePythonLockAsync();
        ISharedLock dotnetLock = await manager.CreateLockAsync();
        foreach ((string name, object proxy) in new (string, object)[]
        {
            ("tuples", tuples), ("prices", prices), ("dates", dates), ("objects", objects), ("arrays", arrays),
            ("nested", nested), ("copies", copies), ("python_lock", pythonLock), ("dotnet_lock", dotnetLock),
        })
        {
            await manager.PublishAsync(name, proxy);
        }

        await pythonLock.AcquireAsync();
        await dotnetLock.AcquireAsync();

        Assert.Equal("ok", await RunAsync(manager, "write"));

        Assert.Equal([(9, "z"), (1, "a")], await tuples.ToArrayAsync());
        Assert.Equal(1.25m, (await prices.TryGetValueAsync("x")).Value);
        Assert.Equal(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1_234_560), (await dates.ToArrayAsync())[1]);
        object?[] stored = await objects.ToArrayAsync();
        OpaquePythonValue fraction = Assert.IsType<OpaquePythonValue>(stored[0]);
        Assert.Equal("fractions.Fraction", fraction.TypeName);
        Assert.Equal("builtins.int", Assert.IsType<OpaquePythonValue>(stored[1]).TypeName);
        Assert.Equal("text", stored[2]);
        Assert.Null(stored[3]);
        int[] array = await arrays.TakeAsync();
        Assert.Equal([1, 2, 3], array);
        ISharedList<int> inner = (await nested.TryGetValueAsync("inner")).Value;
        int[] innerItems = await inner.ToArrayAsync();
        Assert.Equal([1, 2], innerItems);
        await inner.AddAsync(3);
        Assert.False(pythonLock.IsLocked);
        Assert.True(dotnetLock.IsLocked);

        // An opaque value written back by .NET is the same Python object to Python.
        await copies.AddAsync(fraction);
        await copies.AddAsync(stored[1]);
        Assert.Equal("ok", await RunAsync(manager, "read"));
        GC.KeepAlive(inner);
    }

    private static async Task<string> RunAsync(Manager manager, string phase)
    {
        string script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Python", "Server", "two_worlds.py"));
        using var python = PythonScript.Start(PythonInterpreters.Found[^1], script, manager.PythonAddress!["tcp://".Length..], Convert.ToHexString(manager.AuthKey.Span), phase);
        string result = await python.ReadLineAsync(s_timeout);
        Assert.Equal("done", await python.ReadLineAsync(s_timeout));
        return result.Replace(" | ", "\n", StringComparison.Ordinal);
    }
}
