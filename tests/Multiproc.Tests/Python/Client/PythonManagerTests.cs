using System.Numerics;
using System.Security.Authentication;
using Xunit.Abstractions;

namespace Multiproc.Tests.Python.Client;

/// <summary>
/// <see cref="PythonManager"/> against a real CPython <c>SyncManager</c> (<c>cpython_manager.py</c>), once per
/// interpreter found: 3.11 (HMAC-MD5 handshake) and 3.13 (<c>{sha256}</c>). One server process per test, killed on dispose.
/// </summary>
[Trait("Kind", "Process")]
public sealed class PythonManagerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ConnectAsync_WrongKey_ThrowsAuthenticationException(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);

        AuthenticationException error = await Assert.ThrowsAsync<AuthenticationException>(
            () => PythonManager.ConnectAsync(server.Address, "not the key"u8.ToArray()).WaitAsync(s_timeout));

        output.WriteLine($"{server.Interpreter}: {error.Message}");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ConnectAsync_NothingListening_ThrowsManagerUnavailable(string version)
    {
        string address;
        using (CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version))
        {
            address = server.Address;
        }

        await Assert.ThrowsAsync<ManagerUnavailableException>(
            () => PythonManager.ConnectAsync(address, CPythonManagerProcess.Key).WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CreateAsync_UserTypeid_CallsByPythonNameAndDynamically(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();

        using PythonObject alice = await manager.CreateAsync("Employee", "Alice", 5000).WaitAsync(s_timeout);

        Assert.Equal("Employee", alice.TypeId);
        Assert.Equal(["get_name", "get_salary", "raise_"], alice.Exposed.Order());
        Assert.Equal("Alice", await alice.InvokeAsync<string>("get_name").WaitAsync(s_timeout));
        Assert.Equal(5100L, await alice.InvokeAsync<long>("raise_", 100).WaitAsync(s_timeout));
        dynamic employee = alice;
        long salary = await Task.Run(() => (long)employee.Raise(10)).WaitAsync(s_timeout);
        Assert.Equal(5110L, salary);
        Assert.Equal(5110m, await alice.InvokeAsync<decimal>("get_salary").WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task As_Interface_CallsTheSnakeCaseMethods(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        int baseline = await manager.GetObjectCountAsync().WaitAsync(s_timeout);
        PythonObject handle = await manager.CreateAsync("Employee", "Bob", 100).WaitAsync(s_timeout);

        using (IPythonEmployee bob = handle.As<IPythonEmployee>())
        {
            Assert.Equal("Bob", await Task.Run(bob.GetName).WaitAsync(s_timeout));
            Assert.Equal(110L, await Task.Run(() => bob.Raise(10)).WaitAsync(s_timeout));
            Assert.Equal(111L, await bob.RaiseAsync(1, CancellationToken.None).WaitAsync(s_timeout));
            Assert.Equal(111m, await bob.GetSalaryAsync().AsTask().WaitAsync(s_timeout));
        }

        Assert.Equal(baseline, await manager.GetObjectCountAsync().WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task InvokeAsync_KeywordArguments_ReachPython(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using PythonObject queue = await manager.CreateAsync("get_queue").WaitAsync(s_timeout);
        using PythonObject ns = await manager.CreateAsync("Namespace", [], new Dictionary<string, object?> { ["a"] = 1, ["b"] = "x" }).WaitAsync(s_timeout);

        await queue.InvokeAsync("put", ["item"], new Dictionary<string, object?> { ["block"] = false }).WaitAsync(s_timeout);
        object? item = await queue.InvokeAsync("get", [], new Dictionary<string, object?> { ["timeout"] = 5.0 }).WaitAsync(s_timeout);
        dynamic dynamicQueue = queue;
        PythonRemoteException empty = await Assert.ThrowsAsync<PythonRemoteException>(() => Task.Run(() => (object?)dynamicQueue.get(timeout: 0.05)).WaitAsync(s_timeout));
        dynamic dynamicNs = ns;
        long a = await Task.Run(() => (long)dynamicNs.a).WaitAsync(s_timeout);
        await Task.Run(() => dynamicNs.c = 2.5).WaitAsync(s_timeout);

        Assert.Equal("item", item);
        Assert.Equal("_queue.Empty", empty.PythonType);
        Assert.Equal(1L, a);
        Assert.Equal("Namespace(a=1, b='x', c=2.5)", await ns.InvokeAsync<string>("__repr__").WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task InvokeAsync_PythonErrors_MapToBclTypesWithThePythonClassVisible(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using PythonObject dict = await manager.CreateAsync("dict").WaitAsync(s_timeout);
        using PythonObject list = await manager.CreateAsync("list").WaitAsync(s_timeout);

        KeyNotFoundException keyError = await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.InvokeAsync("__getitem__", "missing").WaitAsync(s_timeout));
        ArgumentOutOfRangeException indexError = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => list.InvokeAsync("pop").WaitAsync(s_timeout));
        ArgumentException valueError = await Assert.ThrowsAsync<ArgumentException>(() => list.InvokeAsync("remove", 42).WaitAsync(s_timeout));
        PythonRemoteException notExposed = await Assert.ThrowsAsync<PythonRemoteException>(() => list.InvokeAsync("no_such_method").WaitAsync(s_timeout));
        PythonRemoteException unknownTypeid = await Assert.ThrowsAsync<PythonRemoteException>(() => manager.CreateAsync("NoSuchTypeid").WaitAsync(s_timeout));

        var key = Assert.IsType<PythonRemoteException>(keyError.InnerException);
        Assert.Equal("builtins.KeyError", key.PythonType);
        Assert.Equal(["missing"], key.Arguments);
        Assert.Equal("builtins.IndexError", Assert.IsType<PythonRemoteException>(indexError.InnerException).PythonType);
        Assert.Equal("builtins.ValueError", Assert.IsType<PythonRemoteException>(valueError.InnerException).PythonType);
        Assert.Equal("multiprocessing.managers.RemoteError", notExposed.PythonType);
        Assert.Contains("no_such_method", notExposed.RemoteTraceback, StringComparison.Ordinal);
        Assert.Contains("NoSuchTypeid", unknownTypeid.RemoteTraceback, StringComparison.Ordinal);
        output.WriteLine(notExposed.Message);
        output.WriteLine(unknownTypeid.Message);
        Assert.Equal(0L, await list.InvokeAsync<long>("__len__").WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task InvokeAsync_Values_RoundTripThroughAPythonList(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using PythonObject list = await manager.CreateAsync("list").WaitAsync(s_timeout);
        using PythonObject ns = await manager.CreateAsync("Namespace", [], new Dictionary<string, object?> { ["a"] = 1 }).WaitAsync(s_timeout);
        var utc = new DateTime(2024, 2, 29, 13, 14, 15, 123, DateTimeKind.Utc).AddTicks(4560);
        var naive = new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified);
        var offset = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        BigInteger big = BigInteger.Pow(2, 100);
        object?[] values =
        [
            null, true, 42, -7L, big, 1.5, "text 𝄞", new byte[] { 0, 255 }, 12.50m, utc, naive, offset,
            TimeSpan.FromMinutes(-90), new DateOnly(2024, 5, 6), (1, "a"), new[] { 1, 2 },
            new Dictionary<string, int> { ["k"] = 1 },
        ];

        foreach (object? value in values)
        {
            await list.InvokeAsync("append", value).WaitAsync(s_timeout);
        }

        OpaquePythonValue opaque = Assert.IsType<OpaquePythonValue>(await ns.InvokeAsync("#GETVALUE").WaitAsync(s_timeout));
        await list.InvokeAsync("append", opaque).WaitAsync(s_timeout);
        List<object?> back = await list.InvokeAsync<List<object?>>("#GETVALUE").WaitAsync(s_timeout);
        string repr = await list.InvokeAsync<string>("__repr__").WaitAsync(s_timeout);
        output.WriteLine(repr);

        Assert.Equal(values.Length + 1, back.Count);
        Assert.Null(back[0]);
        Assert.Equal(true, back[1]);
        Assert.Equal(42L, back[2]);
        Assert.Equal(-7L, back[3]);
        Assert.Equal(big, back[4]);
        Assert.Equal(1.5, back[5]);
        Assert.Equal("text 𝄞", back[6]);
        Assert.Equal(new byte[] { 0, 255 }, back[7]);
        Assert.Equal(12.50m, back[8]);
        Assert.Equal("12.50", ((decimal)back[8]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(utc, back[9]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)back[9]!).Kind);
        Assert.Equal(naive, back[10]);
        Assert.Equal(offset, back[11]);
        Assert.Equal(TimeSpan.FromMinutes(-90), back[12]);
        Assert.Equal(new DateOnly(2024, 5, 6), back[13]);
        Assert.Equal(new object?[] { 1L, "a" }, back[14]);
        Assert.Equal(new List<object?> { 1L, 2L }, back[15]);
        Assert.Equal(1L, Assert.IsType<Dictionary<object, object?>>(back[16])["k"]);
        Assert.Equal("multiprocessing.managers.Namespace", Assert.IsType<OpaquePythonValue>(back[17]).TypeName);
        Assert.Contains("Decimal('12.50')", repr, StringComparison.Ordinal);
        Assert.Contains("datetime.timezone.utc", repr, StringComparison.Ordinal);
        Assert.Contains("b'\\x00\\xff'", repr, StringComparison.Ordinal);
        Assert.Contains("(1, 'a')", repr, StringComparison.Ordinal);
        Assert.Contains("Namespace(a=1)", repr, StringComparison.Ordinal);
        Assert.Equal((1, "a"), await list.InvokeAsync<(int, string)>("__getitem__", 14).WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task InvokeAsync_ProxyReply_BecomesAHandleThatIsReleased(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        int baseline = await manager.GetObjectCountAsync().WaitAsync(s_timeout);
        using PythonObject dict = await manager.CreateAsync("dict", new Dictionary<string, object?> { ["x"] = 1, ["y"] = 2 }).WaitAsync(s_timeout);

        var keys = new List<string>();
        using (PythonObject iterator = Assert.IsType<PythonObject>(await dict.InvokeAsync("__iter__").WaitAsync(s_timeout)))
        {
            Assert.Equal("Iterator", iterator.TypeId);
            Assert.Equal(baseline + 2, await manager.GetObjectCountAsync().WaitAsync(s_timeout));
            while (true)
            {
                try
                {
                    keys.Add(await iterator.InvokeAsync<string>("__next__").WaitAsync(s_timeout));
                }
                catch (PythonRemoteException ex) when (ex.PythonType == "builtins.StopIteration")
                {
                    break;
                }
            }
        }

        Assert.Equal(["x", "y"], keys);
        Assert.Equal(baseline + 1, await manager.GetObjectCountAsync().WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task InvokeAsync_ProxyInsideAValue_IsTheSameObjectAndIsReleased(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        int baseline = await manager.GetObjectCountAsync().WaitAsync(s_timeout);
        PythonObject dict = await manager.CreateAsync("dict").WaitAsync(s_timeout);
        PythonObject inner = await manager.CreateAsync("list", new List<object?> { 7 }).WaitAsync(s_timeout);
        PythonObject alice = await manager.CreateAsync("Employee", "Alice", 10).WaitAsync(s_timeout);

        await dict.InvokeAsync("__setitem__", "inner", inner).WaitAsync(s_timeout);
        await dict.InvokeAsync("__setitem__", "alice", alice).WaitAsync(s_timeout);
        PythonObject readBack = Assert.IsType<PythonObject>(await dict.InvokeAsync("__getitem__", "inner").WaitAsync(s_timeout));
        PythonObject aliceBack = await dict.InvokeAsync<PythonObject>("__getitem__", "alice").WaitAsync(s_timeout);
        await readBack.InvokeAsync("append", 8).WaitAsync(s_timeout);

        Assert.Equal(inner.Id, readBack.Id);
        Assert.Equal(new[] { 7L, 8L }, await inner.InvokeAsync<long[]>("#GETVALUE").WaitAsync(s_timeout));
        Assert.Equal(11L, await aliceBack.InvokeAsync<long>("raise_", 1).WaitAsync(s_timeout));
        Assert.Equal(baseline + 3, await manager.GetObjectCountAsync().WaitAsync(s_timeout));

        foreach (PythonObject handle in new[] { readBack, aliceBack, inner, alice, dict })
        {
            await handle.DisposeAsync().AsTask().WaitAsync(s_timeout);
        }

        Assert.Equal(baseline, await manager.GetObjectCountAsync().WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Dispose_Manager_ReleasesEveryHandleStillAlive(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager observer = await server.ConnectAsync();
        int baseline = await observer.GetObjectCountAsync().WaitAsync(s_timeout);
        PythonManager manager = await server.ConnectAsync();

        // Held until the manager is disposed: a handle dropped earlier is released by its finalizer (a GC under load
        // did so once in CI, and the count fell short).
        object[] alive =
        [
            await manager.CreateAsync("list").WaitAsync(s_timeout),
            await manager.CreateAsync("Queue").WaitAsync(s_timeout),
            await manager.CreateListAsync([1, 2, 3]).WaitAsync(s_timeout),
        ];
        Assert.Equal(baseline + 3, await observer.GetObjectCountAsync().WaitAsync(s_timeout));

        await manager.DisposeAsync().AsTask().WaitAsync(s_timeout);
        GC.KeepAlive(alive);

        Assert.Equal(baseline, await observer.GetObjectCountAsync().WaitAsync(s_timeout));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => manager.CreateAsync("list"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task InvokeAsync_ServerKilledMidCall_FailsThePendingCall(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using ISharedQueue<string> queue = await manager.CreateQueueAsync<string>().WaitAsync(s_timeout);
        using PythonObject other = await manager.CreateAsync("list").WaitAsync(s_timeout);
        Task<string> take = queue.TakeAsync();
        await other.InvokeAsync("append", 1).WaitAsync(s_timeout);
        Assert.False(take.IsCompleted);

        server.Dispose();

        await Assert.ThrowsAsync<ManagerUnavailableException>(() => take.WaitAsync(s_timeout));
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => other.InvokeAsync("append", 2).WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ConnectAsync_UnixSocket_Works(string version)
    {
        string directory = Directory.CreateTempSubdirectory("mp-py-").FullName;
        try
        {
            using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version, "unix:" + Path.Combine(directory, "m.sock"));
            await using PythonManager manager = await server.ConnectAsync();
            using ISharedList<string> list = await manager.CreateListAsync(["a"]).WaitAsync(s_timeout);
            await list.AddAsync("b").WaitAsync(s_timeout);

            Assert.StartsWith("unix:", server.Address, StringComparison.Ordinal);
            Assert.Equal(["a", "b"], await list.ToArrayAsync().WaitAsync(s_timeout));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
