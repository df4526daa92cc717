using MessagePack;
using Multiproc.Protocol;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Protocol;

/// <summary>
/// The exact bytes a real manager writes for each server-to-client message kind, read off a raw
/// socket (docs/protocol.md §2–§3). The inputs are hand-encoded; the goldens are what came back.
/// </summary>
public sealed class ServerFrameGoldenTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(TestOptions.Create());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task Result_CreateOnTheControlObject_IsKindCallIdAndAReference()
    {
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token());
        // [Call, 1, control, "create", "multiproc:queue", kind 0 (any), nullable false, capacity 0]
        await raw.SendAsync(Golden.Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(8);
            w.Write((byte)MessageKind.Call);
            w.Write(1u);
            w.Write(ProtocolConstants.ControlObjectId);
            w.Write(ControlMembers.Create);
            w.Write("multiproc:queue");
            w.Write(0);
            w.Write(false);
            w.Write(0);
        }), TestTimeout.Token());

        byte[] frame = await raw.ReadWholeFrameAsync(TestTimeout.Token());

        // 18000000            length 24 (u32 LE)
        // 93                  array of 3
        // 02                  kind 2 Result
        // 01                  call id 1
        // C7 12 2A            ext 8, 18 bytes, type 42: a reference
        //   92 01             [object id 1,
        //   AF 6D75..65       "multiproc:queue"]
        Assert.Equal(Golden.Hex("18000000 93 02 01 C7122A 92 01 AF6D756C746970726F633A7175657565"), Golden.Hex(frame));
    }

    [Fact(Timeout = 20_000)]
    public async Task LeasedResult_TakeOfAQueuedItem_IsKindCallIdAndTheItems()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        queue.Put(5);
        long queueId = SharedObject.FromProxy(queue).ObjectId;
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token());
        // [Call, 3, queue, "Take", max 1, timeout 0 ticks]
        await raw.SendAsync(Golden.Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write((byte)MessageKind.Call);
            w.Write(3u);
            w.Write(queueId);
            w.Write("Take");
            w.Write(1);
            w.Write(TimeSpan.Zero.Ticks);
        }), TestTimeout.Token());

        byte[] frame = await raw.ReadWholeFrameAsync(TestTimeout.Token());

        // 05000000            length 5
        // 93                  array of 3
        // 06                  kind 6 LeasedResult
        // 03                  call id 3
        // 91 05               the value: the taken items, [5]
        Assert.Equal(Golden.Hex("05000000 93 06 03 91 05"), Golden.Hex(frame));
        // The raw client names the queue by id only: the proxy must keep it alive (a collected proxy releases it).
        GC.KeepAlive(queue);
    }

    [Fact(Timeout = 20_000)]
    public async Task Error_CallIdAlreadyInFlight_IsKindCallIdTypeMessageAndNilStack()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        long queueId = SharedObject.FromProxy(queue).ObjectId;
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token());
        // [Call, 9, queue, "Take", max 1, infinite timeout] twice: the first waits on the empty queue,
        // the second reuses its call id. The error is created, never thrown, so its stack trace is nil.
        byte[] take = Golden.Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write((byte)MessageKind.Call);
            w.Write(9u);
            w.Write(queueId);
            w.Write("Take");
            w.Write(1);
            w.Write(Timeout.InfiniteTimeSpan.Ticks);
        });
        await raw.SendAsync([.. take, .. take], TestTimeout.Token());

        byte[] frame = await raw.ReadWholeFrameAsync(TestTimeout.Token());

        // 46000000            length 70
        // 95                  array of 5
        // 03                  kind 3 Error
        // 09                  call id 9
        // D9 20 5379..6E      str 8, 32 bytes: "System.InvalidOperationException"
        // BF 4361..2E         fixstr, 31 bytes: "Call id 9 is already in flight."
        // C0                  remote stack trace: nil
        Assert.Equal(Golden.Hex("46000000 95 03 09 D92053797374656D2E496E76616C69644F7065726174696F6E457863657074696F6E BF43616C6C206964203920697320616C726561647920696E20666C696768742E C0"), Golden.Hex(frame));
        GC.KeepAlive(queue);
    }

    [Fact(Timeout = 20_000)]
    public async Task Pong_AnswersAPing_EchoingItsSequence()
    {
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token());
        // [Ping, 7]
        await raw.SendAsync(Golden.Bytes("03000000 92 14 07"), TestTimeout.Token());

        byte[] frame = await raw.ReadWholeFrameAsync(TestTimeout.Token());

        // 03000000            length 3
        // 92                  array of 2
        // 15                  kind 21 Pong
        // 07                  the ping's sequence, 7
        Assert.Equal(Golden.Hex("03000000 92 15 07"), Golden.Hex(frame));
    }
}
