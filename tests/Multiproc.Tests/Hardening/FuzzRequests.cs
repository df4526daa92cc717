using System.Buffers.Binary;
using CsCheck;
using MessagePack;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Generators of request frames for the manager's decoder: valid-looking calls on real objects (built with
/// <see cref="MessagePackWriter"/> from docs/protocol.md §3 and §5), their mutations, and plain garbage.
/// </summary>
/// <remarks>Member names are the bare method names untyped calls send; arguments are drawn per parameter, with a
/// random value of any type mixed in, so both the happy path and every decoding error are reached.</remarks>
internal sealed class FuzzRequests(IReadOnlyDictionary<string, long> objects)
{
    private static readonly Gen<byte[]> s_any = FuzzMessagePack.Value;
    private static readonly Gen<byte[]> s_int = Gen.Frequency((5, FuzzMessagePack.Integer.Select(FuzzMessagePack.Int64)), (1, s_any));
    private static readonly Gen<byte[]> s_bool = Gen.Frequency((5, Gen.Bool.Select(b => FuzzMessagePack.Encode((ref MessagePackWriter w) => w.Write(b)))), (1, s_any));
    private static readonly Gen<byte[]> s_string = Gen.Frequency((5, FuzzMessagePack.String), (1, s_any));
    private static readonly Gen<byte[]> s_timeout = Gen.Frequency((5, FuzzMessagePack.Timeout), (1, s_any));
    private static readonly Gen<byte[]> s_values = s_any.Array[0, 5].Select(items => FuzzMessagePack.Container(items.Length, isMap: false, items));

    /// <summary>Gets one case: 1..6 frames, some mutated, sometimes the whole stream mutated (prefixes included).</summary>
    public Gen<byte[]> Stream => Gen.Select(Frame.Array[1, 6], FuzzMutation.Several, Gen.Int[0, 4],
        (frames, mutations, wholeStream) => wholeStream == 0 ? FuzzMutation.ApplyAll([.. frames.SelectMany(f => f)], mutations) : [.. frames.SelectMany(f => f)]);

    /// <summary>Gets one length-prefixed frame.</summary>
    private Gen<byte[]> Frame => Gen.Select(Message, FuzzMutation.Several, Gen.Bool, (payload, mutations, mutate) =>
    {
        byte[] body = mutate ? FuzzMutation.ApplyAll(payload, mutations) : payload;
        byte[] frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    });

    private Gen<byte[]> Message => Gen.Frequency(
        (14, Calls),
        (2, Gen.Select(Gen.UInt[0, 8], id => Array(FuzzMessagePack.Int64(4), FuzzMessagePack.Int64(id)))),
        (1, Gen.Select(ObjectId(null), FuzzMessagePack.Integer, (id, count) => Array(FuzzMessagePack.Int64(5), FuzzMessagePack.Int64(id), FuzzMessagePack.Int64(count)))),
        (2, Gen.Select(Gen.Int[0, 12], s_any.Array[0, 6], (kind, rest) => Array([FuzzMessagePack.Int64(kind), .. rest]))),
        (1, s_any),
        (1, Gen.Byte.Array[0, 64]));

    private Gen<byte[]> Calls => Gen.OneOf(
        Gen.OneOf(
            Call("control", "create", Typed("multiproc:list"), s_int, s_bool, s_values),
            Call("control", "create", Typed("multiproc:queue"), s_int, s_bool, s_int),
            Call("control", "create", Typed("multiproc:dict"), s_int, s_int, s_bool),
            Call("control", "create", Typed("multiproc:value"), s_int, s_bool, s_any),
            Call("control", "create", Typed("multiproc:lock"), s_bool),
            Call("control", "create", Typed("multiproc:semaphore"), s_int, s_int, s_int),
            Call("control", "create", Typed("multiproc:event"), s_bool),
            Call("control", "create", Typed("multiproc:barrier"), s_int),
            Call("control", "create", Typed("Multiproc.Tests.Fixtures.IEmployee"), s_string, s_any),
            Call("control", "create", s_string, s_any),
            Call("control", "lookup", s_string),
            Call("control", "publish", s_string, ObjectId("list").Select(FuzzMessagePack.Int64), s_bool),
            Call("control", "unpublish", s_string),
            Call("control", "stats"),
            Call("control", "shutdown")),
        Gen.OneOf(
            Call("list", "Count"), Call("list", "Get", s_int), Call("list", "Set", s_int, s_any), Call("list", "Add", s_any),
            Call("list", "AddRange", s_values), Call("list", "Insert", s_int, s_any), Call("list", "RemoveAt", s_int),
            Call("list", "Remove", s_any), Call("list", "IndexOf", s_any), Call("list", "ToArray"), Call("list", "TryPop")),
        Gen.OneOf(
            Call("dict", "TryGet", s_any), Call("dict", "Get", s_any), Call("dict", "Set", s_any, s_any), Call("dict", "TryAdd", s_any, s_any),
            Call("dict", "TryRemove", s_any), Call("dict", "TryUpdate", s_any, s_any, s_any), Call("dict", "GetOrAdd", s_any, s_any),
            Call("dict", "AddOrUpdate", s_any, s_any, s_any), Call("dict", "Increment", s_any, s_any), Call("dict", "GetMany", s_values),
            Call("dict", "SetMany", s_values), Call("dict", "Snapshot")),
        Gen.OneOf(
            Call("queue", "Count"), Call("queue", "Put", s_any, s_timeout), Call("queue", "PutMany", s_values), Call("queue", "Take", s_int, s_timeout),
            Call("queue", "TaskDone"), Call("queue", "Join", s_timeout), Call("queue", "IsCompleted")),
        Gen.OneOf(
            Call("lock", "Acquire", s_timeout), Call("lock", "Release"), Call("lock", "IsLocked"),
            Call("semaphore", "Acquire", s_timeout), Call("semaphore", "Release", s_int), Call("semaphore", "CurrentCount"),
            Call("event", "Set"), Call("event", "Clear"), Call("event", "Wait", s_timeout),
            Call("barrier", "SignalAndWait", s_timeout), Call("barrier", "Reset"), Call("barrier", "ParticipantsRemaining")),
        Gen.OneOf(
            Call("value", "Get"), Call("value", "Set", s_any), Call("value", "Exchange", s_any), Call("value", "CompareExchange", s_any, s_any),
            Call("value", "Increment", s_any)),
        Gen.OneOf(
            Call("employee", "get_Name"), Call("employee", "set_Salary", s_any), Call("employee", "Raise", s_any), Call("employee", "Raise", s_int, s_bool),
            Call("employee", "RaiseAsync", s_any), Call("employee", "DescribeAsync"), Call("employee", "DelayAsync", Gen.Int[0, 50].Select(ms => FuzzMessagePack.Int64(ms))),
            Call("employee", "Fail", s_string), Call("employee", "set_Manager", s_any), Call("employee", "set_Home", s_any),
            Call("ledger", "Add", s_string), Call("ledger", "Add", s_string, s_int), Call("ledger", "Entries")),
        Gen.Select(Gen.UInt[0, 8], ObjectId(null), s_string, s_any.Array[0, 3], CallPayload));

    private Gen<byte[]> Call(string target, string member, params Gen<byte[]>[] arguments)
        => Gen.Select(Gen.UInt[0, 8], ObjectId(target), All(arguments), (callId, id, args) => CallPayload(callId, id, FuzzMessagePack.Utf8(member), args));

    private Gen<long> ObjectId(string? target) => target is null || target == "control"
        ? Gen.Frequency((target is null ? 1 : 8, Gen.Const(0L)), (3, Gen.OneOf([.. objects.Values])), (1, FuzzMessagePack.Integer))
        : Gen.Frequency((8, Gen.Const(objects[target])), (1, FuzzMessagePack.Integer));

    private static Gen<byte[]> Typed(string typeId) => Gen.Frequency((6, Gen.Const(FuzzMessagePack.Utf8(typeId))), (1, s_string));

    private static byte[] CallPayload(uint callId, long objectId, byte[] member, byte[][] args)
        => Array([FuzzMessagePack.Int64(1), FuzzMessagePack.Int64(callId), FuzzMessagePack.Int64(objectId), member, .. args]);

    private static byte[] Array(params byte[][] items) => FuzzMessagePack.Container(items.Length, isMap: false, items);

    private static Gen<byte[][]> All(Gen<byte[]>[] gens)
        => gens.Aggregate(Gen.Const(System.Array.Empty<byte[]>()), (all, next) => Gen.Select(all, next, (a, b) => (byte[][])[.. a, b]));
}
