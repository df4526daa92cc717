using System.Buffers.Binary;
using System.Net.Sockets;
using CsCheck;
using MessagePack;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Issue 7 item 9: the manager's request decoder (frame handling, call binding, control calls) fed valid-looking
/// calls on real objects, their byte-level mutations, random messages and truncated frames, each case on its own
/// authenticated raw connection. The manager must answer with well-formed frames or close that one connection,
/// close it when the client half-closes, keep serving a witness client after every batch, release everything the
/// fuzz connections created, and keep its GC heap bounded.
/// </summary>
[Collection(nameof(FuzzIsolation))]
public sealed class FuzzRequestTests(ITestOutputHelper output)
{
    private static readonly string[] s_knownNames = ["a", "fuzz-0", "fuzz-1", "multiproc:list", "multiproc:queue", "multiproc:dict", "Multiproc.Tests.Fixtures.IEmployee", "Ledger", "x("];

    [Fact] // Bounded by FuzzRunner: CI mode within a fixed budget, long mode within its minutes plus a margin.
    public async Task Decoder_RandomMutatedAndTruncatedFrames_NeverHurtTheManagerOrOtherClients()
    {
        await using FuzzManager fuzz = await FuzzManager.StartAsync();
        Manager owner = fuzz.Owner;
        CancellationToken token = TestTimeout.Token(60);
        ISharedList<int> list = await owner.CreateListAsync<int>(cancellationToken: token);
        ISharedDictionary<string, int> dict = await owner.CreateDictionaryAsync<string, int>(cancellationToken: token);
        ISharedQueue<int> queue = await owner.CreateQueueAsync<int>(capacity: 4, cancellationToken: token);
        ISharedValue<long> value = await owner.CreateValueAsync(0L, cancellationToken: token);
        IEmployee employee = await owner.CreateAsync<IEmployee>("Fuzz", 1m);

        // The owner's proxies must stay reachable: a finalized proxy releases its object, which would look like a leak fixed.
        object[] alive =
        [
            await owner.CreateLockAsync(cancellationToken: token),
            await owner.CreateSemaphoreAsync(2, 2, cancellationToken: token),
            await owner.CreateEventAsync(cancellationToken: token),
            await owner.CreateBarrierAsync(2, cancellationToken: token),
            await owner.CreateAsync("Ledger", "fuzz"),
        ];
        var objects = new Dictionary<string, long>
        {
            ["list"] = SharedObject.FromProxy(list).ObjectId,
            ["dict"] = SharedObject.FromProxy(dict).ObjectId,
            ["queue"] = SharedObject.FromProxy(queue).ObjectId,
            ["value"] = SharedObject.FromProxy(value).ObjectId,
            ["lock"] = SharedObject.FromProxy(alive[0]).ObjectId,
            ["semaphore"] = SharedObject.FromProxy(alive[1]).ObjectId,
            ["event"] = SharedObject.FromProxy(alive[2]).ObjectId,
            ["barrier"] = SharedObject.FromProxy(alive[3]).ObjectId,
            ["employee"] = SharedObject.FromProxy(employee).ObjectId,
            ["ledger"] = ((SharedObject)alive[4]).ObjectId,
        };
        ManagerStats baseline = await fuzz.StatsAsync();

        // Containers are emptied after each batch so replies stay small and what the fuzzer stored (references
        // included) cannot keep objects alive past the end.
        async Task AfterBatchAsync()
        {
            await fuzz.CheckWitnessAsync();
            list.Clear();
            dict.Clear();
            for (int i = 0; i < 64; i++)
            {
                try
                {
                    if (!queue.TryTake(out _, TimeSpan.Zero))
                    {
                        break;
                    }
                }
                catch (OverflowException)
                {
                    // The int queue only checks that an item is an integer: a fuzzed long is taken, and cannot be an int.
                }
            }

            value.Value = 0;
            employee.Manager = null;
        }

        Gen<(byte[] Stream, int[] Chunks)> cases = Gen.Select(new FuzzRequests(objects).Stream, FuzzChunks.Sizes);
        await FuzzRunner.RunAsync("request-decoder", cases, 600, c => Task.Run(() => CheckCase(fuzz, c.Stream, c.Chunks)), output,
            afterBatch: AfterBatchAsync, print: c => $"{c.Stream.Length} bytes [{Convert.ToHexString(c.Stream.AsSpan(0, Math.Min(c.Stream.Length, 1024)))}] chunks [{string.Join(',', c.Chunks)}]");

        await fuzz.WaitForFuzzConnectionsClosedAsync();
        foreach (string name in s_knownNames)
        {
            await owner.UnpublishAsync(name, token);
        }

        ManagerStats end = await fuzz.StatsAsync();
        output.WriteLine($"calls {end.CallCount - baseline.CallCount}, errors {end.ErrorCount - baseline.ErrorCount}, objects {baseline.ObjectCount} -> {end.ObjectCount}, names {baseline.PublishedCount} -> {end.PublishedCount}");
        // Fuzz connections' objects died with them. Stray names (mutated ones cannot be unpublished by name) may each
        // keep one object alive; the fuzzer's ids rarely reach its own creations, so that bound is not loose in practice.
        int strayNames = end.PublishedCount - baseline.PublishedCount;
        await TestTimeout.UntilAsync(
            async () => (await fuzz.StatsAsync()).ObjectCount <= baseline.ObjectCount + strayNames,
            because: "objects created by closed fuzz connections stayed alive");
        GC.KeepAlive(alive);

        output.WriteLine($"heap growth {fuzz.AssertHeapBounded() / 1024} KiB");
    }

    internal static void CheckCase(FuzzManager fuzz, byte[] stream, int[] chunks)
    {
        using Socket socket = fuzz.ConnectRaw(TimeSpan.FromSeconds(20));
        FuzzWire.Authenticate(socket, fuzz.AuthKey);

        // Replies are read while sending: a server blocked writing to a client that does not read would stall both.
        Task<byte[]> replies = Task.Run(() => FuzzWire.ReceiveToEnd(socket));
        if (FuzzWire.TrySend(socket, stream, chunks))
        {
            // The half-close is the end of input: the manager must now close the connection (not wait for more).
            socket.Shutdown(SocketShutdown.Send);
        }

        Assert.True(replies.Wait(TimeSpan.FromSeconds(30)), "the manager did not close a half-closed connection");
        AssertWellFormedReplies(replies.Result);
    }

    /// <summary>Every reply is a frame within the limit holding one MessagePack array [kind, callId, ...]; only the last may be cut off by the close.</summary>
    private static void AssertWellFormedReplies(byte[] replies)
    {
        int at = 0;
        while (replies.Length - at >= 4)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(replies.AsSpan(at));
            Assert.True(length <= 1024 * 1024, $"a reply frame of {length} bytes exceeds the limit");
            if (replies.Length - at - 4 < length)
            {
                return;
            }

            var reader = new MessagePackReader(replies.AsMemory(at + 4, (int)length));
            int count = reader.ReadArrayHeader();
            Assert.True(count >= 2, "a reply is an array of at least two elements");
            Assert.Equal(MessagePackType.Integer, reader.NextMessagePackType);
            for (int i = 0; i < count; i++)
            {
                reader.Skip();
            }

            Assert.True(reader.End, "a reply frame has bytes after its message");
            at += 4 + (int)length;
        }
    }
}
