using MessagePack;
using Multiproc.Protocol;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Seams;

/// <summary>
/// The server seam without a socket: an <see cref="ObjectHost"/> fed by in-memory sessions
/// creates objects, dispatches calls, and keeps ownership, references and leases per session.
/// </summary>
public sealed class ObjectHostTests : ObjectHostTestBase
{
    [Fact(Timeout = 20_000)]
    public async Task CreateThenCall_ThroughAnInMemorySession_RunsOnTheOneObject()
    {
        InMemorySession session = InMemorySession.Open(Host);

        long counter = ObjectHostTestsReading.Reference(await session.CallAsync(ProtocolConstants.ControlObjectId, ControlMembers.Create, typeof(ICounter).FullName));
        await session.CallAsync(counter, "IncrementSlowly");
        byte[] value = await session.CallAsync(counter, "get_Value");

        Assert.Equal(1, ReadResult<int>(value, session));
        Assert.Equal(1, Host.GetStats().ObjectCount);
    }

    [Fact(Timeout = 20_000)]
    public async Task Close_ReleasesTheReferencesTheSessionOwned()
    {
        InMemorySession session = InMemorySession.Open(Host);
        await session.CallAsync(ProtocolConstants.ControlObjectId, ControlMembers.Create, typeof(ICounter).FullName);
        Assert.Equal(1, Host.GetStats().ObjectCount);

        session.Close();

        await TestTimeout.UntilAsync(() => Task.FromResult(Host.GetStats().ObjectCount == 0), because: "the closed session's reference was not released");
        Assert.Equal(0, Host.GetStats().ConnectionCount);
    }

    [Fact(Timeout = 20_000)]
    public async Task Lock_IsOwnedByTheSessionThatAcquiredIt_AndFreedWhenThatSessionCloses()
    {
        InMemorySession owner = InMemorySession.Open(Host);
        InMemorySession other = InMemorySession.Open(Host);
        long lockId = ObjectHostTestsReading.Reference(await owner.CallAsync(ProtocolConstants.ControlObjectId, ControlMembers.Create, BuiltInTypes.Lock, false));
        // The other session needs its own reference to call the object: publish, then look up.
        await owner.CallAsync(ProtocolConstants.ControlObjectId, ControlMembers.Publish, "gate", lockId, false);
        Assert.Equal(lockId, ObjectHostTestsReading.Reference(await other.CallAsync(ProtocolConstants.ControlObjectId, ControlMembers.Lookup, "gate")));

        byte[] acquired = await owner.CallAsync(lockId, "Acquire", TimeSpan.Zero);
        byte[] refused = await other.CallAsync(lockId, LockMembers.Release);

        Assert.True(ReadResult<long>(acquired, owner) > 0);
        Assert.Equal(MessageKind.Error, ObjectHostTestsReading.Kind(refused));
        Assert.True(ReadResult<bool>(await other.CallAsync(lockId, LockMembers.IsLocked), other));

        owner.Close();

        await TestTimeout.UntilAsync(
            async () => !ReadResult<bool>(await other.CallAsync(lockId, LockMembers.IsLocked), other),
            because: "the lock of the closed session was not freed");
    }

    private static T ReadResult<T>(byte[] reply, InMemorySession session)
    {
        var reader = new MessagePackReader(reply);
        reader.ReadArrayHeader();
        Assert.Equal(MessageKind.Result, (MessageKind)reader.ReadByte());
        reader.ReadUInt32();
        return MessagePackSerializer.Deserialize<T>(ref reader, session.SerializerOptions);
    }
}

/// <summary>Reads the parts of reply payloads the seam tests check.</summary>
internal static class ObjectHostTestsReading
{
    public static MessageKind Kind(byte[] reply)
    {
        var reader = new MessagePackReader(reply);
        reader.ReadArrayHeader();
        return (MessageKind)reader.ReadByte();
    }

    /// <summary>Reads the object id out of a reply whose value is a reference (ext 42, [objectId, typeId]).</summary>
    public static long Reference(byte[] reply)
    {
        var reader = new MessagePackReader(reply);
        reader.ReadArrayHeader();
        Assert.Equal(MessageKind.Result, (MessageKind)reader.ReadByte());
        reader.ReadUInt32();
        ExtensionHeader header = reader.ReadExtensionFormatHeader();
        Assert.Equal(42, header.TypeCode);
        reader.ReadArrayHeader();
        return reader.ReadInt64();
    }
}
