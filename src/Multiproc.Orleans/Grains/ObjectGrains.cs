using MessagePack;
using Multiproc.Orleans.Silo;
using Multiproc.Orleans.Wire;

namespace Multiproc.Orleans.Grains;

/// <summary>Picks the grain of an object id: a waiting built-in's (<see cref="WaitingObjectIds"/>) or any other object's.</summary>
internal static class ObjectGrains
{
    /// <summary>Returns the grain that holds <paramref name="objectId"/>.</summary>
    public static ISharedObjectGrain Get(IGrainFactory grains, long objectId)
        => WaitingObjectIds.IsWaiting(objectId) ? grains.GetGrain<IWaitingObjectGrain>(objectId) : grains.GetGrain<ISharedObjectGrain>(objectId);

    /// <summary>Returns the grain a <c>create</c> Call message goes to: <paramref name="randomId"/>, marked by the type it creates.</summary>
    /// <exception cref="MessagePackSerializationException">The bytes are not a Call message.</exception>
    public static ISharedObjectGrain ForCreate(IGrainFactory grains, long randomId, byte[] call)
    {
        var reader = new MessagePackReader(call);
        CallHeader header = CallPayload.ReadHeader(ref reader);
        bool waiting = header.ArgumentCount >= 1 && reader.NextMessagePackType == MessagePackType.String && BuiltInTypeIds.IsWaiting(reader.ReadString() ?? string.Empty);
        return Get(grains, WaitingObjectIds.Mark(randomId, waiting));
    }
}
