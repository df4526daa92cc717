using System.Net.Sockets;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Multiproc.Transport;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// A real manager under fuzz, in this process, with a witness: a second, well-behaved client whose calls must keep
/// working after every batch of hostile cases.
/// </summary>
internal sealed class FuzzManager : IAsyncDisposable
{
    /// <summary>The most the GC heap may grow over a whole fuzz run (after full collections).</summary>
    public const long HeapGrowthBound = 64L * 1024 * 1024;

    private Manager _owner = null!;
    private Manager _witness = null!;
    private int _baselineConnections;
    private long _baselineHeap;

    private FuzzManager()
    {
    }

    public Manager Owner => _owner;

    public ManagerAddress Address { get; private set; } = null!;

    public byte[] AuthKey => _owner.AuthKey.ToArray();

    /// <summary>Starts a manager with only types whose methods neither spin nor block threads (a fuzzer may call any of them).</summary>
    public static async Task<FuzzManager> StartAsync()
    {
        var options = new ManagerOptions()
            .Register<IEmployee, Employee>()
            .Register(typeof(Ledger), "Ledger");
        options.MaxFrameSize = 1024 * 1024;
        options.HandshakeTimeout = TimeSpan.FromSeconds(5);
        var fuzz = new FuzzManager { _owner = await Manager.StartAsync(options, TestTimeout.Token()) };
        fuzz.Address = ManagerAddress.Parse(fuzz._owner.Address);
        fuzz._witness = await Manager.ConnectAsync(fuzz._owner.Address, fuzz._owner.AuthKey, TestTimeout.Token());
        await fuzz.CheckWitnessAsync();
        fuzz._baselineConnections = (await fuzz._witness.GetStatsAsync(TestTimeout.Token())).ConnectionCount;
        fuzz._baselineHeap = LiveHeap();
        return fuzz;
    }

    /// <summary>Opens a raw blocking socket to the manager (no handshake).</summary>
    public Socket ConnectRaw(TimeSpan receiveTimeout)
    {
        Socket socket = Address.CreateSocket();
        socket.Connect(Address.CreateEndPoint());
        socket.ReceiveTimeout = (int)receiveTimeout.TotalMilliseconds;
        socket.SendTimeout = (int)receiveTimeout.TotalMilliseconds;
        return socket;
    }

    /// <summary>The shared invariant: the manager lives and a well-behaved client's real calls work.</summary>
    public async Task CheckWitnessAsync()
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(20));
        ManagerStats stats = await _witness.GetStatsAsync(timeout.Token);
        Assert.True(stats.ConnectionCount >= 1);
        using ISharedList<int> list = await _witness.CreateListAsync<int>(cancellationToken: timeout.Token);
        await list.AddAsync(41, timeout.Token);
        list.Add(1);
        int[] items = await list.ToArrayAsync(timeout.Token);
        Assert.Equal(new[] { 41, 1 }, items);
    }

    /// <summary>Waits until every fuzz connection is closed on the server side.</summary>
    public Task WaitForFuzzConnectionsClosedAsync()
        => TestTimeout.UntilAsync(
            async () => (await _witness.GetStatsAsync(TestTimeout.Token())).ConnectionCount == _baselineConnections,
            seconds: 20,
            because: "the manager kept connections the fuzzer had closed");

    public Task<ManagerStats> StatsAsync() => _witness.GetStatsAsync(TestTimeout.Token());

    /// <summary>Asserts the GC heap (after a full collection) grew less than <see cref="HeapGrowthBound"/> since the start.</summary>
    public long AssertHeapBounded()
    {
        long growth = LiveHeap() - _baselineHeap;
        Assert.True(growth < HeapGrowthBound, $"the GC heap grew by {growth / 1024 / 1024} MiB over the run");
        return growth;
    }

    /// <summary>The heap minus its free space after a full compacting collection.</summary>
    /// <remarks>Not GC.GetTotalMemory: under the regions GC it can under-report, even go negative (dotnet/runtime#106712).</remarks>
    private static long LiveHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _witness.DisposeAsync();
        await _owner.DisposeAsync();
    }
}
