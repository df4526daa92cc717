using System.Buffers;
using MessagePack;
using Multiproc.Orleans.Grains;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A create whose reply was lost can be sent again: the object's grain recognises its own create and answers with the
/// object it made, so no object is left that nobody knows; another create on the same id is refused.
/// </summary>
public sealed class CreateRetryTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task TheSameCreateSentTwice_GetsTheSameObject_AnotherCreateOnThatIdIsRefused()
    {
        ICounter probe = await cluster.Manager.CreateAsync<ICounter>([], TestTimeout.Token());
        string typeId = SharedObject.FromProxy(probe).TypeId;
        long id = Random.Shared.NextInt64(1, long.MaxValue);
        ISharedObjectGrain grain = cluster.Cluster.Client.GetGrain<ISharedObjectGrain>(id);

        byte[]? first = await grain.CreateAsync(CreateCall(callId: 7, typeId)).WaitAsync(TestTimeout.Token());
        byte[]? again = await grain.CreateAsync(CreateCall(callId: 7, typeId)).WaitAsync(TestTimeout.Token());
        byte[]? other = await grain.CreateAsync(CreateCall(callId: 8, typeId)).WaitAsync(TestTimeout.Token());

        Assert.NotNull(first);
        Assert.Equal(first, again);
        Assert.Null(other);
        Assert.Equal(typeId, await grain.GetTypeIdAsync().WaitAsync(TestTimeout.Token()));
    }

    private static byte[] CreateCall(uint callId, string typeId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write((byte)1);
        writer.Write(callId);
        writer.Write(0L);
        writer.Write("create");
        writer.Write(typeId);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
