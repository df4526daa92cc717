using Multiproc.Proxies;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Seams;

/// <summary>
/// Both seams at once, with no socket: a <see cref="Manager"/> over an in-memory call channel into
/// an <see cref="ObjectHost"/>. Typed proxies, built-ins, names and references behave as over a socket.
/// </summary>
public sealed class InMemoryChannelTests : ObjectHostTestBase
{
    [Fact(Timeout = 20_000)]
    public async Task TypedProxy_CallsTheOneObject()
    {
        Manager manager = Manager.Over(new InMemoryChannel(Host));

        ICounter counter = await manager.CreateAsync<ICounter>([], TestTimeout.Token());
        counter.IncrementSlowly();
        counter.IncrementSlowly();

        Assert.Equal(2, counter.Value);
        Assert.Equal("memory:", SharedObject.FromProxy(counter).ManagerAddress);
    }

    [Fact(Timeout = 20_000)]
    public async Task Queue_PublishedOnOneChannel_TakenOnAnother_EachItemOnce()
    {
        Manager producer = Manager.Over(new InMemoryChannel(Host));
        Manager consumer = Manager.Over(new InMemoryChannel(Host));
        using ISharedQueue<int> queue = await producer.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        await producer.PublishAsync("jobs", queue, TestTimeout.Token());
        using ISharedQueue<int> jobs = await consumer.LookupAsync<ISharedQueue<int>>("jobs", TestTimeout.Token());

        queue.Put(1);
        await queue.PutAsync(2, TestTimeout.Token());

        Assert.Equal(1, jobs.Take());
        Assert.Equal(2, await jobs.TakeAsync(TestTimeout.Token()));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, Host.OpenLeases);
    }

    [Fact(Timeout = 20_000)]
    public async Task DisposingTheProxyAndClosingTheChannel_ReleaseEverything()
    {
        var channel = new InMemoryChannel(Host);
        Manager manager = Manager.Over(channel);
        ICounter kept = await manager.CreateAsync<ICounter>([], TestTimeout.Token());
        ICounter dropped = await manager.CreateAsync<ICounter>([], TestTimeout.Token());
        Assert.Equal(2, Host.GetStats().ObjectCount);

        SharedObject.FromProxy(dropped).Dispose();
        await TestTimeout.UntilAsync(() => Task.FromResult(Host.GetStats().ObjectCount == 1), because: "the disposed proxy's object stayed");

        channel.Dispose();
        await TestTimeout.UntilAsync(() => Task.FromResult(Host.GetStats().ObjectCount == 0), because: "the closed channel's references stayed");
        Assert.Throws<ObjectDisposedException>(() => kept.IncrementSlowly());
    }

    [Fact(Timeout = 20_000)]
    public async Task HandOver_DescriptorSurvivesSerialization_AndTheObjectOutlivesTheSender()
    {
        var sender = new InMemoryChannel(Host);
        var receiver = new InMemoryChannel(Host);
        ICounter counter = await Manager.Over(sender).CreateAsync<ICounter>([], TestTimeout.Token());
        counter.IncrementSlowly();

        HandoverDescriptor descriptor = await sender.HandOverAsync(SharedObject.FromProxy(counter), TestTimeout.Token());
        var bytes = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(bytes);
        descriptor.Write(ref writer);
        writer.Flush();
        sender.Dispose();
        var reader = new MessagePack.MessagePackReader(bytes.WrittenMemory);
        SharedObject adopted = await receiver.AdoptAsync(HandoverDescriptor.Read(ref reader), TestTimeout.Token());

        Assert.Equal(typeof(ICounter).FullName, adopted.TypeId);
        Assert.Equal(1, await adopted.InvokeAsync<int>("get_Value", [], TestTimeout.Token()));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => receiver.AdoptAsync(descriptor, TestTimeout.Token()));
    }
}
