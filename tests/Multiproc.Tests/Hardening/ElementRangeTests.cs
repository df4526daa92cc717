using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Found by the request fuzzer: a built-in collection of a narrow integer type checked only that an
/// item was an integer. A client that put a <c>long</c> into an <c>int</c> queue (a foreign client,
/// or two processes that disagree on <c>T</c>) made the typed consumer's <c>Take</c> throw
/// <see cref="OverflowException"/> after the item had left the queue: it was lost. The manager now
/// refuses a value outside the element type's range, and changes nothing.
/// </summary>
public sealed class ElementRangeTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task IntQueue_LongPutByAnotherClient_IsRefused_AndTheQueueStillServes()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        SharedObject raw = SharedObject.FromProxy(queue);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => raw.InvokeAsync("Put", (long)int.MaxValue + 1, TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => raw.InvokeAsync("Put", (long)int.MinValue - 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, queue.Count);

        await raw.InvokeAsync("Put", (long)int.MinValue, TimeSpan.FromSeconds(5));
        queue.Put(int.MaxValue);
        Assert.Equal(int.MinValue, queue.Take());
        Assert.Equal(int.MaxValue, queue.Take());
    }

    [Fact(Timeout = 20_000)]
    public async Task EveryIntegerType_RefusesJustPastItsRange_AndKeepsItsEdges()
    {
        // A list of bytes is created from an array of items, not from one binary.
        ISharedList<byte> bytes = await _manager.CreateListAsync<byte>([1, 2], TestTimeout.Token());
        Assert.Equal([1, 2], bytes.ToArray());

        await AssertEdgesAsync<sbyte>(sbyte.MinValue, sbyte.MaxValue, [sbyte.MinValue - 1L, sbyte.MaxValue + 1L]);
        await AssertEdgesAsync<byte>(byte.MinValue, byte.MaxValue, [-1L, byte.MaxValue + 1L]);
        await AssertEdgesAsync<short>(short.MinValue, short.MaxValue, [short.MinValue - 1L, short.MaxValue + 1L]);
        await AssertEdgesAsync<ushort>(ushort.MinValue, ushort.MaxValue, [-1L, ushort.MaxValue + 1L]);
        await AssertEdgesAsync<char>(char.MinValue, char.MaxValue, [-1L, char.MaxValue + 1L]);
        await AssertEdgesAsync<uint>(uint.MinValue, uint.MaxValue, [-1L, uint.MaxValue + 1L]);
        await AssertEdgesAsync<long>(long.MinValue, long.MaxValue, [(ulong)long.MaxValue + 1]);
        await AssertEdgesAsync<ulong>(ulong.MinValue, ulong.MaxValue, [-1L, long.MinValue]);
    }

    [Fact(Timeout = 20_000)]
    public async Task DecimalList_StringThatIsNotADecimal_IsRefused()
    {
        ISharedList<decimal> list = await _manager.CreateListAsync<decimal>(cancellationToken: TestTimeout.Token());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SharedObject.FromProxy(list).InvokeAsync("Add", "not a number"));

        list.Add(1.5m);
        Assert.Equal([1.5m], list.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task IntValueAndDictionary_IncrementPastTheRange_ThrowOverflow_AndKeepTheValue()
    {
        ISharedValue<int> value = await _manager.CreateValueAsync(int.MaxValue - 1, TestTimeout.Token());
        Assert.Equal(int.MaxValue, value.Increment(1));
        Assert.Throws<OverflowException>(() => value.Increment(1));
        Assert.Equal(int.MaxValue, value.Value);

        ISharedDictionary<string, byte> counts = await _manager.CreateDictionaryAsync<string, byte>(TestTimeout.Token());
        counts["a"] = 250;
        Assert.Throws<OverflowException>(() => counts.Increment("a", (byte)10));
        Assert.Equal(250, counts["a"]);
    }

    private async Task AssertEdgesAsync<T>(T min, T max, object[] outside)
    {
        ISharedList<T> list = await _manager.CreateListAsync<T>(cancellationToken: TestTimeout.Token());
        SharedObject raw = SharedObject.FromProxy(list);
        foreach (object value in outside)
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => raw.InvokeAsync("Add", value));
        }

        list.Add(min);
        list.Add(max);
        Assert.Equal([min, max], list.ToArray());
    }
}
