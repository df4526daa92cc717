using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F3: a client that sends requests and never reads the replies must not be able to grow the
/// manager without limit, hold its memory after leaving, or slow other clients down.
/// </summary>
[Collection(nameof(HeapMeasurement))]
public sealed class BackpressureTests(ITestOutputHelper output)
{
    private const int ListLength = 50_000; // ~450 KB per ToArray reply

    // F3: the old manager queued every reply (3.6 GB for 1,500 requests) and kept the memory.
    [Fact(Timeout = 90_000)]
    public async Task NonReadingClient_BacklogStaysUnderLimit_IsDropped_AndItsMemoryComesBack()
    {
        const long limit = 8 * 1024 * 1024;
        using var logs = new RecordingLoggerFactory();
        ManagerOptions options = TestOptions.Create();
        options.MaxFrameSize = 1024 * 1024;
        options.MaxOutgoingBytesPerConnection = limit;
        options.SendStallTimeout = TimeSpan.FromSeconds(2);
        options.LoggerFactory = logs;
        await using Manager manager = await Manager.StartAsync(options);
        ISharedList<long> list = await manager.CreateListAsync(Enumerable.Range(0, ListLength).Select(i => (long)i << 33));
        Assert.Equal(ListLength, list.ToArray().Length);
        await using Manager other = await Manager.ConnectAsync(manager.Address, manager.AuthKey, TestTimeout.Token());
        IEmployee witness = await other.CreateAsync<IEmployee>("Witness", 0m);
        long baseline = HeapAfterFullCollection();

        ServerConnection flooded;
        decimal salary = 0;
        using (RawClient raw = await RawClient.ConnectAsync(manager, authenticate: true, TestTimeout.Token()))
        {
            flooded = await NewestConnectionAsync(manager, count: 3);
            await raw.SendAsync(CallFrames(SharedObject.FromProxy(list).ObjectId, "ToArray", count: 1_500), TestTimeout.Token());

            // Other clients are served throughout; the flooded connection is dropped.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!flooded.IsClosed)
            {
                Assert.False(deadline.IsCancellationRequested, "the non-reading connection was not dropped");
                Assert.Equal(++salary, await witness.RaiseAsync(1m).WaitAsync(TimeSpan.FromSeconds(10)));
            }

            Assert.InRange(flooded.PeakOutgoingBytes, limit / 4, limit);
        }

        output.WriteLine($"peak backlog {flooded.PeakOutgoingBytes} bytes; {salary} witness calls; log: {string.Join(" | ", logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message))}");
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"Connection {flooded.Id} dropped", StringComparison.Ordinal));
        Assert.Equal(salary + 1, await witness.RaiseAsync(1m).WaitAsync(TimeSpan.FromSeconds(10)));

        // Calls the dropped client left running finish on their own; then its memory must be back.
        long heap = 0;
        await TestTimeout.UntilAsync(
            () => Task.FromResult((heap = HeapAfterFullCollection()) <= baseline + (20 * 1024 * 1024)),
            seconds: 30,
            because: $"the heap stayed at {heap / 1e6:0.0} MB against a baseline of {baseline / 1e6:0.0} MB");
        output.WriteLine($"heap {heap / 1e6:0.0} MB, baseline {baseline / 1e6:0.0} MB");
        GC.KeepAlive(flooded);
        GC.KeepAlive(list);
    }

    // F3: a call counted only until its reply was queued let a non-reading client pile up replies
    // beyond MaxPendingCallsPerConnection.
    [Fact(Timeout = 60_000)]
    public async Task MaxPendingCalls_CountsRepliesTheClientHasNotTaken()
    {
        ManagerOptions options = TestOptions.Create();
        options.MaxPendingCallsPerConnection = 4;
        await using Manager manager = await Manager.StartAsync(options);
        // Each reply (~3.6 MB) is far larger than a socket's kernel buffers (~200 KB), so none of the
        // four can be wholly written while the client reads nothing, however the machine is loaded.
        ISharedList<long> list = await manager.CreateListAsync(Enumerable.Range(0, 8 * ListLength).Select(i => (long)i << 33));
        long listId = SharedObject.FromProxy(list).ObjectId;

        using RawClient raw = await RawClient.ConnectAsync(manager, authenticate: true, TestTimeout.Token());
        ServerConnection connection = await NewestConnectionAsync(manager, count: 2);
        await raw.SendAsync(CallFrames(listId, "ToArray", count: 4), TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(connection.CallsRunning == 0 && connection.OutgoingBytes > 0), because: "the replies were not produced");
        await raw.SendAsync(CallFrames(listId, "ToArray", count: 1, firstId: 5), TestTimeout.Token());

        var kinds = new Dictionary<uint, MessageKind>();
        var frames = new Dictionary<uint, byte[]>();
        for (int i = 0; i < 5; i++)
        {
            byte[] frame = await raw.ReadFrameAsync(TestTimeout.Token());
            (MessageKind kind, uint callId) = ReadHeader(frame);
            kinds[callId] = kind;
            frames[callId] = frame;
        }

        Assert.All(Enumerable.Range(1, 4), id => Assert.Equal(MessageKind.Result, kinds[(uint)id]));
        Assert.Equal(MessageKind.Error, kinds[5]);
        // The refusal must be the limit's, not any error (an unreferenced list proxy's finalizer once released the list).
        Assert.Contains("Too many calls in flight", System.Text.Encoding.UTF8.GetString(frames[5]), StringComparison.Ordinal);
        GC.KeepAlive(list);
    }

    [Fact]
    public void MaxOutgoingBytesPerConnection_DefaultsToFourFrames_RefusesTinyValues_AndNeverGoesBelowAFrame()
    {
        var options = new ManagerOptions();
        Assert.Equal(4L * options.MaxFrameSize, options.MaxOutgoingBytesPerConnection);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxOutgoingBytesPerConnection = 1_000);
        options.MaxOutgoingBytesPerConnection = 64 * 1024;
        Assert.Equal(options.MaxFrameSize + 4L, ManagerSettings.From(options).MaxOutgoingBytesPerConnection);
    }

    internal static async Task<ServerConnection> NewestConnectionAsync(Manager manager, int count)
    {
        ManagerServer server = manager.OwnedServer!;
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Connections.Count() == count), because: "the raw connection was not registered");
        return server.Connections.MaxBy(c => c.Id)!;
    }

    internal static byte[] CallFrames(long objectId, string member, int count, uint firstId = 1)
    {
        var frames = new ArrayBufferWriter<byte>();
        for (uint id = firstId; id < firstId + count; id++)
        {
            var payload = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(payload);
            writer.WriteArrayHeader(4);
            writer.Write((byte)MessageKind.Call);
            writer.Write(id);
            writer.Write(objectId);
            writer.Write(member);
            writer.Flush();
            BinaryPrimitives.WriteUInt32LittleEndian(frames.GetSpan(4), (uint)payload.WrittenCount);
            frames.Advance(4);
            frames.Write(payload.WrittenSpan);
        }

        return frames.WrittenSpan.ToArray();
    }

    private static (MessageKind Kind, uint CallId) ReadHeader(byte[] payload)
    {
        var reader = new MessagePackReader(payload);
        reader.ReadArrayHeader();
        return ((MessageKind)reader.ReadByte(), reader.ReadUInt32());
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
