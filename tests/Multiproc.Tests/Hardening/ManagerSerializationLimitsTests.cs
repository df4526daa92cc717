using MessagePack;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// End to end against a real manager (in a child process): a user's bug (a cyclic or too deep
/// value) fails that one call with a typed error; the connection and the manager keep working.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ManagerSerializationLimitsTests : IClassFixture<ChainManagerFixture>
{
    private const int Deep = 10_000;

    private readonly Manager _manager;

    public ManagerSerializationLimitsTests(ChainManagerFixture fixture)
    {
        _manager = fixture.Manager;
    }

    private static string Limit => $"cycle or nesting deeper than {SerializationLimits.MaxDepth}";

    // F5: the manager used to die of a stack overflow writing the result; everyone got ManagerUnavailableException.
    [Fact(Timeout = 30_000)]
    public async Task CyclicResult_CallerGetsInvalidOperationException_AndTheConnectionKeepsWorking()
    {
        await using Manager client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, TestTimeout.Token());
        IChainSource source = await client.CreateAsync<IChainSource>();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(source.Cycle);
        Assert.Contains("Chain", error.Message, StringComparison.Ordinal);
        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
        Assert.Contains(Limit, Assert.Throws<InvalidOperationException>(source.CycleAsObject).Message, StringComparison.Ordinal);

        Assert.Equal(1, source.Ping());
        Assert.Equal(SerializationLimits.MaxDepth, source.Deep(SerializationLimits.MaxDepth).Length());
        Assert.False(client.Channel.IsBroken);
        Assert.True((await _manager.GetStatsAsync(TestTimeout.Token())).ConnectionCount >= 2);
    }

    // F5: the client refuses a cyclic argument itself; nothing reaches the manager.
    [Fact(Timeout = 30_000)]
    public async Task CyclicArgument_ClientThrowsArgumentException_AndNothingIsSent()
    {
        IChainSource source = await _manager.CreateAsync<IChainSource>();
        long before = (await _manager.GetStatsAsync(TestTimeout.Token())).CallCount;

        ArgumentException error = Assert.Throws<ArgumentException>(() => source.Length(Chain.Cycle()));

        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
        Assert.Equal(before + 1, (await _manager.GetStatsAsync(TestTimeout.Token())).CallCount);
        Assert.Equal(3, source.Length(Chain.Build(3)));
    }

    // F4: the late reply of a cancelled call went through the recursive scanner (limit 64), whose
    // exception failed the whole connection. Now it is scanned iteratively and its reference released.
    [Fact(Timeout = 30_000)]
    public async Task CancelledCallWithDeepLateReply_LeavesTheConnectionWorking_AndReleasesItsReference()
    {
        await using Manager client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, TestTimeout.Token());
        IChainSource source = await client.CreateAsync<IChainSource>();
        // Earlier tests' clients release their objects as the manager sees them close: wait for that
        // first (only the owner and this client left), or the count could drop below the baseline.
        await TestTimeout.UntilAsync(async () => (await client.GetStatsAsync(TestTimeout.Token())).ConnectionCount == 2, because: "earlier clients were still connected");
        int baseline = (await client.GetStatsAsync(TestTimeout.Token())).ObjectCount;

        using var cancellation = new CancellationTokenSource();
        Task<Chain> abandoned = source.DeepAfterCancelAsync(200, cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        // The object's gate sends this reply only after the late one, so the late one has been read.
        Assert.Equal(1, source.Ping());
        Assert.False(client.Channel.IsBroken);
        await TestTimeout.UntilAsync(async () => (await client.GetStatsAsync(TestTimeout.Token())).ObjectCount == baseline, because: "the shared object inside the late reply is released");
    }

    // F4: stored values used to be refused past 64 levels while typed decoding allows 500.
    [Fact(Timeout = 30_000)]
    public async Task StoredValue_AsDeepAsTypedDecodingAllows_IsAcceptedAndReadBack()
    {
        using ISharedList<Chain> list = await _manager.CreateListAsync<Chain>(cancellationToken: TestTimeout.Token());

        list.Add(Chain.Build(200));
        list.Add(Chain.Build(SerializationLimits.MaxDepth));

        Assert.Equal(200, list[0].Length());
        Assert.Equal(SerializationLimits.MaxDepth, list[1].Length());
    }

    // F5 (client side, built-in containers): a cyclic value never leaves the client.
    [Fact(Timeout = 30_000)]
    public async Task StoredValue_Cyclic_ClientThrowsArgumentException_AndTheListIsUnchanged()
    {
        using ISharedList<Chain> list = await _manager.CreateListAsync<Chain>([Chain.Build(2)], TestTimeout.Token());

        ArgumentException error = Assert.Throws<ArgumentException>(() => list.Add(Chain.Cycle()));

        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
        Assert.Single(list);
    }

    // F4: EncodedValueFormatter reads 10,000 levels without recursing and refuses them naming the limit.
    [Fact(Timeout = 30_000)]
    public async Task StoredValue_TenThousandLevels_IsRefusedNamingTheLimit_AndTheConnectionKeepsWorking()
    {
        using ISharedList<Chain> list = await _manager.CreateListAsync<Chain>(cancellationToken: TestTimeout.Token());

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => CallWithRawArgumentAsync(list, "Add", NestedBytes.Arrays(Deep)));

        Assert.Contains($"deeper than {SerializationLimits.MaxDepth} levels", error.Message, StringComparison.Ordinal);
        list.Add(Chain.Build(1));
        Assert.Single(list);
    }

    // A typed argument 10,000 levels deep: MessagePack's decode limit, reported as ArgumentException
    // (it used to arrive as a RemoteException wrapping InsufficientExecutionStackException).
    [Fact(Timeout = 30_000)]
    public async Task Argument_TenThousandLevels_IsRefusedWithArgumentException_AndTheConnectionKeepsWorking()
    {
        IChainSource source = await _manager.CreateAsync<IChainSource>();

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => CallWithRawArgumentAsync(source, "Length", NestedBytes.Chain(Deep)));

        Assert.Contains("is not a valid Chain", error.Message, StringComparison.Ordinal);
        Assert.Contains($"maximum depth allowed of {SerializationLimits.MaxDepth}", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, source.Ping());
    }

    /// <summary>Calls <paramref name="member"/> with one argument written as the given bytes, bypassing the client's own limits.</summary>
    private static async Task CallWithRawArgumentAsync(object proxy, string member, byte[] argument)
    {
        SharedObject handle = SharedObject.FromProxy(proxy);
        ValueWriter raw = (ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options) => writer.WriteRaw(argument);
        Reply reply = await handle.Channel.CallAsync(handle.ObjectId, member, new CallArguments([null], null, [raw]), TestTimeout.Token());
        reply.Decode(null, handle.Channel.SerializerOptions);
    }
}
