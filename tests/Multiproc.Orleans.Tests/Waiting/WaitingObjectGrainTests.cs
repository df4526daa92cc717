using System.Buffers;
using MessagePack;
using Multiproc.Orleans.Grains;

namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>The waiting grain itself: a create retried after a lost reply finds its own object, as a shared object's grain does.</summary>
[Collection(WaitingCluster.Name)]
public sealed class WaitingObjectGrainTests(WaitingClusterFixture cluster)
{
    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_TheSameCreateSentTwice_GetsTheSameObject_AnotherCreateOnThatIdIsRefused()
    {
        ISharedEvent probe = await cluster.Manager.CreateEventAsync(cancellationToken: TestTimeout.Token());
        string typeId = SharedObject.FromProxy(probe).TypeId;
        long id = Random.Shared.NextInt64(1, long.MaxValue) | WaitingObjectIds.Bit;
        IWaitingObjectGrain grain = cluster.Cluster.Client.GetGrain<IWaitingObjectGrain>(id);

        byte[]? first = await grain.CreateAsync(CreateCall(callId: 7, typeId)).WaitAsync(TestTimeout.Token());
        byte[]? again = await grain.CreateAsync(CreateCall(callId: 7, typeId)).WaitAsync(TestTimeout.Token());
        byte[]? other = await grain.CreateAsync(CreateCall(callId: 8, typeId)).WaitAsync(TestTimeout.Token());

        Assert.NotNull(first);
        Assert.Equal(first, again);
        Assert.Null(other);
        Assert.Equal(typeId, await grain.GetTypeIdAsync().WaitAsync(TestTimeout.Token()));
        Assert.True(await grain.DeleteAsync().WaitAsync(TestTimeout.Token()));
    }

    /// <summary><c>[Call, callId, 0, "create", typeId, initialState]</c>: an event's create.</summary>
    internal static byte[] CreateCall(uint callId, string typeId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(6);
        writer.Write((byte)1);
        writer.Write(callId);
        writer.Write(0L);
        writer.Write("create");
        writer.Write(typeId);
        writer.Write(false);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
