using System.Reflection;
using MessagePack;
using Multiproc.Processes.Channel;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Processes;

/// <summary>
/// Proxies sent to another process are handed over by a post-pass after encoding and adopted by a
/// pre-pass before decoding; the formatters themselves do no I/O. In-process: a real manager, and
/// this process playing both ends of the worker channel.
/// </summary>
public sealed class HandoverPassTests : IAsyncLifetime
{
    private static readonly MethodInfo s_twoLists = typeof(HandoverPassTests).GetMethod(nameof(TwoLists), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_oneList = typeof(HandoverPassTests).GetMethod(nameof(OneList), BindingFlags.NonPublic | BindingFlags.Static)!;

    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(TestOptions.Create());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task EncodeArguments_WithProxies_SendsDescriptors_AndDecodingAdoptsThem()
    {
        ISharedList<int> first = await _manager.CreateListAsync<int>([1]);
        ISharedList<int> second = await _manager.CreateListAsync<int>([2]);
        long before = await ReferenceCountAsync();

        byte[] encoded = WorkerArgumentCodec.EncodeArguments(s_twoLists, [first, 7, second]);

        // One reference per hand-over, taken after the value was encoded, and only descriptors in the bytes.
        Assert.Equal(before + 2, await ReferenceCountAsync());
        Assert.Equal(MessagePackCode.True, encoded[0]);
        List<HandoverDescriptor> sent = Descriptors(encoded);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, d => Assert.Equal(_manager.Address, d.Address));

        object?[] decoded = WorkerArgumentCodec.DecodeArguments(s_twoLists.GetParameters(), encoded);
        var firstAgain = Assert.IsAssignableFrom<ISharedList<int>>(decoded[0]);
        var secondAgain = Assert.IsAssignableFrom<ISharedList<int>>(decoded[2]);
        firstAgain.Add(10);
        secondAgain.Add(20);

        Assert.Equal([1, 10], first.ToArray());
        Assert.Equal([2, 20], second.ToArray());
        Assert.Equal(7, decoded[1]);
        ((IDisposable)firstAgain).Dispose();
        ((IDisposable)secondAgain).Dispose();
    }

    [Fact(Timeout = 20_000)]
    public async Task EncodeItems_WithProxies_RoundTripAsResults()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>([5]);
        ParameterInfo parameter = s_oneList.GetParameters()[0];

        byte[] encoded = WorkerArgumentCodec.EncodeItems<ISharedList<int>>([list, list], parameter, firstIndex: 0);
        var decoded = new ISharedList<int>[2];
        WorkerArgumentCodec.DecodeResults<ISharedList<int>>(encoded, typeof(ISharedList<int>), decoded);

        Assert.Equal(2, Descriptors(encoded).Count);
        Assert.All(decoded, d => Assert.Equal(5, d[0]));
        Assert.NotSame(decoded[0], decoded[1]);
    }

    [Fact(Timeout = 20_000)]
    public async Task SerializingAProxy_OutsideTheCodec_IsRefused_WithoutTouchingTheManager()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>();
        long before = await ReferenceCountAsync();

        MessagePackSerializationException error = Assert.Throws<MessagePackSerializationException>(
            () => MessagePackSerializer.Serialize(list, WorkerArgumentCodec.Options));

        Assert.IsType<InvalidOperationException>(error.GetBaseException());
        Assert.Equal(before, await ReferenceCountAsync());
    }

    [Fact(Timeout = 20_000)]
    public async Task DecodingAHandedOverReference_OutsideTheCodec_IsRefused()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>();
        byte[] encoded = WorkerArgumentCodec.EncodeArguments(s_oneList, [list]);
        var reader = new MessagePackReader(encoded);
        reader.ReadBoolean();
        reader.ReadArrayHeader();
        byte[] alone = System.Buffers.BuffersExtensions.ToArray(reader.ReadRaw());

        MessagePackSerializationException error = Assert.Throws<MessagePackSerializationException>(
            () => MessagePackSerializer.Deserialize<ISharedList<int>>(alone, WorkerArgumentCodec.Options));

        Assert.Contains("pre-pass", error.GetBaseException().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MessagePackCode.True)]
    [InlineData(MessagePackCode.False)]
    public void AReceivedPlaceholder_IsRefused_FlaggedOrNot(byte flag)
    {
        // [ext 43 with an int body]: what a formatter writes before the post-pass, which must never arrive.
        byte[] placeholder = [flag, 0x91, 0xc7, 0x05, 0x2b, 0xd2, 0, 0, 0, 0];

        Assert.Throws<MessagePackSerializationException>(() => WorkerArgumentCodec.DecodeArguments(s_oneList.GetParameters(), placeholder));
    }

    [Fact(Timeout = 20_000)]
    public async Task AReferenceInAValueFlaggedAsHoldingNone_IsRefused_AndNotAdopted()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>();
        byte[] encoded = WorkerArgumentCodec.EncodeArguments(s_oneList, [list]);
        Assert.Equal(MessagePackCode.True, encoded[0]);
        long before = await ReferenceCountAsync();
        encoded[0] = MessagePackCode.False;

        MessagePackSerializationException error = Assert.Throws<MessagePackSerializationException>(
            () => WorkerArgumentCodec.DecodeArguments(s_oneList.GetParameters(), encoded));

        Assert.Contains("pre-pass", error.GetBaseException().Message, StringComparison.Ordinal);
        Assert.Equal(before, await ReferenceCountAsync());
    }

    [Fact]
    public void AValueWithoutProxies_IsFlaggedAsHoldingNone()
        => Assert.Equal(MessagePackCode.False, WorkerArgumentCodec.EncodeArguments(s_twoLists, [null, 1, null])[0]);

    [Fact(Timeout = 20_000)]
    public async Task DecodeThatFailsAfterAdoption_ReleasesWhatItAdopted()
    {
        ISharedList<int> first = await _manager.CreateListAsync<int>();
        ISharedList<int> second = await _manager.CreateListAsync<int>();
        byte[] encoded = WorkerArgumentCodec.EncodeArguments(s_twoLists, [first, 1, second]);
        ((IDisposable)first).Dispose();
        ((IDisposable)second).Dispose();

        // Three arguments where one is expected: both references are adopted, then the decode fails.
        Assert.Throws<InvalidDataException>(() => WorkerArgumentCodec.DecodeArguments(s_oneList.GetParameters(), encoded));

        await TestTimeout.UntilAsync(
            async () => (await _manager.GetStatsAsync(TestTimeout.Token())).ObjectCount == 0,
            because: "the adopted references were not released");
    }

    [Fact(Timeout = 20_000)]
    public async Task HandOverToAStoppedManager_FailsTyped_AfterEncoding()
    {
        Manager other = await Manager.StartAsync(TestOptions.Create());
        ISharedList<int> list = await other.CreateListAsync<int>();
        await other.DisposeAsync();

        Assert.Throws<ManagerUnavailableException>(() => WorkerArgumentCodec.EncodeArguments(s_oneList, [list]));
    }

    [Fact(Timeout = 20_000)]
    public async Task ProxiesNestedInObjectTypedValues_AreFound()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>([3]);
        var holder = new Dictionary<string, object?> { ["list"] = list, ["n"] = 43 };

        byte[] encoded = WorkerArgumentCodec.EncodeArguments(s_holder, [holder]);
        object?[] decoded = WorkerArgumentCodec.DecodeArguments(s_holder.GetParameters(), encoded);

        var map = Assert.IsType<Dictionary<string, object?>>(decoded[0]);
        Assert.Equal(3, Assert.IsAssignableFrom<SharedObject>(map["list"]).As<ISharedList<int>>()[0]);
        Assert.Single(Descriptors(encoded));
    }

    private static readonly MethodInfo s_holder = typeof(HandoverPassTests).GetMethod(nameof(Holder), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static void TwoLists(ISharedList<int> first, int n, ISharedList<int> second)
    {
    }

    private static void OneList(ISharedList<int> list)
    {
    }

    private static void Holder(Dictionary<string, object?> values)
    {
    }

    private async Task<long> ReferenceCountAsync() => (await _manager.GetStatsAsync(TestTimeout.Token())).ReferenceCount;

    private static List<HandoverDescriptor> Descriptors(byte[] encoded)
    {
        var found = new DescriptorList([]);
        var reader = new MessagePackReader(encoded);
        reader.ReadBoolean();
        ExtensionWalker.Walk(ref reader, ExtensionCodes.HandedOverReference, 64, ref found);
        return found.Items;
    }

    private readonly struct DescriptorList(List<HandoverDescriptor> items) : IExtensionVisitor
    {
        public List<HandoverDescriptor> Items => items;

        public void Visit(ref MessagePackReader reader) => items.Add(HandoverExtension.ReadDescriptor(ref reader));
    }
}
