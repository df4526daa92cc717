using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>
/// The members of the control object (id 0): decoded on the session's reader thread, run on the pool.
/// </summary>
/// <remarks>Member names and argument lists are listed in docs/protocol.md.</remarks>
internal static class ControlCalls
{

    private static readonly ValueWriter s_boolWriter = ValueCodec.GetWriter(typeof(bool));
    private static readonly ValueWriter s_stringWriter = ValueCodec.GetWriter(typeof(string));
    private static readonly ValueWriter s_statsWriter = ValueCodec.GetWriter(typeof(ManagerStats));
    private static readonly ValueWriter s_inspectionWriter = ValueCodec.GetWriter(typeof(ManagerInspection));

    public static ControlCall Prepare(ServerSession session, uint callId, string member, ref MessagePackReader reader, int argumentCount)
    {
        ControlCall call = PrepareCall(session, callId, member, ref reader, argumentCount);
        call.Member = member;
        return call;
    }

    private static ControlCall PrepareCall(ServerSession session, uint callId, string member, ref MessagePackReader reader, int argumentCount)
    {
        ObjectHost server = session.Host;
        switch (member)
        {
            case ControlMembers.Create:
                return PrepareCreate(session, callId, ref reader, argumentCount);
            case ControlMembers.Publish:
                Expect(member, argumentCount, 3);
                string publishName = ReadName(ref reader);
                ObjectEntry published = Find(server, reader.ReadInt64());
                bool replace = reader.ReadBoolean();
                return new ControlCall(session, callId, () => (server.Table.Publish(publishName, published, replace), s_boolWriter));
            case ControlMembers.Lookup:
                Expect(member, argumentCount, 1);
                string lookupName = ReadName(ref reader);
                return new ControlCall(session, callId, () =>
                {
                    ObjectEntry entry = server.Table.Lookup(lookupName) ?? throw new KeyNotFoundException($"No object is published as '{lookupName}'.");
                    return (Reference(session, entry), ReferenceWriter);
                });
            case ControlMembers.Unpublish:
                Expect(member, argumentCount, 1);
                string unpublishName = ReadName(ref reader);
                return new ControlCall(session, callId, () => (server.Table.Unpublish(unpublishName), s_boolWriter));
            case ControlMembers.Stats:
                return new ControlCall(session, callId, () => (server.GetStats(), s_statsWriter));
            case ControlMembers.Inspect:
                return new ControlCall(session, callId, () => (ServerInspection.Build(server), s_inspectionWriter));
            case ControlMembers.Handover:
                Expect(member, argumentCount, 1);
                ObjectEntry handed = Find(server, reader.ReadInt64());
                return new ControlCall(session, callId, () => (server.Handovers.Add(session, handed), s_stringWriter));
            case ControlMembers.Adopt:
                Expect(member, argumentCount, 1);
                string token = reader.ReadString() ?? string.Empty;
                return new ControlCall(session, callId, () =>
                {
                    ObjectEntry entry = server.Handovers.Take(token);
                    session.AdoptReference(entry);
                    return (entry, ReferenceWriter);
                });
            case ControlMembers.Shutdown:
                return new ControlCall(session, callId, () =>
                {
                    server.RequestShutdown();
                    return (null, null);
                });
            default:
                throw new MissingMethodException($"The manager has no control member '{member}'.");
        }
    }

    private static ControlCall PrepareCreate(ServerSession session, uint callId, ref MessagePackReader reader, int argumentCount)
    {
        if (argumentCount < 1)
        {
            throw new ArgumentException("create needs a type id.");
        }

        string typeId = reader.ReadString() ?? string.Empty;
        if (!session.Host.Registry.TryGet(typeId, out SharedTypeBinding binding))
        {
            throw new ArgumentException($"No type is registered as '{typeId}'. Register it in ManagerOptions of the manager that serves it.");
        }

        int count = argumentCount - 1;
        if (binding.Registration.Factory is { } factory)
        {
            if (count != 0)
            {
                throw new ArgumentException($"'{typeId}' is registered with a factory, which takes no arguments; {count} were given.");
            }

            return new ControlCall(session, callId, () =>
                (Register(session, factory.DynamicInvoke() ?? throw new InvalidOperationException($"The factory of '{typeId}' returned null."), binding, false), ReferenceWriter));
        }

        ServerConstructor constructor = ChooseConstructor(binding, ref reader, count, session.SerializerOptions, out object?[] arguments);
        return new ControlCall(session, callId, () => (Register(session, constructor.Construct(arguments, session.Host.Clock, session.Host.MemoryQuota), binding, true), ReferenceWriter));
    }

    private static ServerConstructor ChooseConstructor(SharedTypeBinding binding, ref MessagePackReader reader, int count, MessagePackSerializerOptions options, out object?[] arguments)
    {
        Exception? lastError = null;
        foreach (ServerConstructor constructor in binding.Constructors)
        {
            if (constructor.Parameters.Count != count)
            {
                continue;
            }

            MessagePackReader attempt = reader;
            arguments = new object?[count];
            bool decoded = true;
            for (int i = 0; i < count && decoded; i++)
            {
                decoded = ArgumentDecoder.TryRead(constructor.ArgumentReaders[i], constructor.Parameters[i], i, constructor.Signature, ref attempt, options, out arguments[i], out lastError);
            }

            if (decoded)
            {
                return constructor;
            }
        }

        throw lastError ?? new MissingMethodException(
            $"'{binding.TypeId}' has no public constructor taking {count} argument(s); it has: {string.Join(", ", binding.Constructors.Select(c => c.Signature))}.");
    }

    private static ObjectEntry Register(ServerSession session, object instance, SharedTypeBinding binding, bool created)
    {
        ObjectEntry entry = session.Host.Table.AddReference(instance, binding, created);
        session.AdoptReference(entry);
        return entry;
    }

    private static ObjectEntry Reference(ServerSession session, ObjectEntry entry)
    {
        if (!session.Host.Table.TryAddReference(entry))
        {
            throw new ObjectDisposedException(null, "The object was released.");
        }

        session.AdoptReference(entry);
        return entry;
    }

    private static void ReferenceWriter(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
    {
        var entry = (ObjectEntry)value!;
        ReferenceAwareFormatter<object>.WriteReference(ref writer, entry.Id, entry.Binding.TypeId);
    }

    private static ObjectEntry Find(ObjectHost server, long objectId)
        => server.Table.TryGet(objectId, out ObjectEntry entry)
            ? entry
            : throw new KeyNotFoundException($"No shared object with id {objectId}: it was released or never existed.");

    private static string ReadName(ref MessagePackReader reader)
    {
        string? name = reader.ReadString();
        return string.IsNullOrEmpty(name) ? throw new ArgumentException("A name must not be empty.") : name;
    }

    private static void Expect(string member, int actual, int expected)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{member} takes {expected} argument(s), not {actual}.");
        }
    }
}
