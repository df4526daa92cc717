using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Proxies;

/// <summary>
/// The client side of the control object (id 0) on one channel: create, publish, look up,
/// hand over, adopt, stats and shutdown, as typed calls.
/// </summary>
/// <remarks>
/// Owns nothing: the channel stays open when this is dropped. <see cref="Manager"/> is one user;
/// the worker channel's reference hand-over and the child-process host are the others.
/// </remarks>
internal sealed class ControlChannel(ICallChannel channel)
{
    private static readonly ValueReader s_sharedObjectReader = ValueCodec.GetReader(typeof(SharedObject));
    private static readonly ValueReader s_boolReader = ValueCodec.GetReader(typeof(bool));
    private static readonly ValueReader s_stringReader = ValueCodec.GetReader(typeof(string));
    private static readonly ValueReader s_statsReader = ValueCodec.GetReader(typeof(ManagerStats));
    private static readonly ValueReader s_inspectionReader = ValueCodec.GetReader(typeof(ManagerInspection));

    /// <summary>Gets the channel the calls go over.</summary>
    public ICallChannel Channel => channel;

    /// <summary>Creates an object of a registered type id with constructor arguments.</summary>
    public Task<SharedObject> CreateAsync(string typeId, object?[] args, CancellationToken cancellationToken)
    {
        object?[] values = new object?[args.Length + 1];
        values[0] = typeId;
        args.CopyTo(values, 1);
        return CallAsync<SharedObject>(ControlMembers.Create, values, s_sharedObjectReader, cancellationToken);
    }

    /// <summary>Binds a name to an object; false when <paramref name="replace"/> is false and the name is taken.</summary>
    public Task<bool> PublishAsync(string name, long objectId, bool replace, CancellationToken cancellationToken)
        => CallAsync<bool>(ControlMembers.Publish, [name, objectId, replace], s_boolReader, cancellationToken);

    /// <summary>Returns a new reference to a published object.</summary>
    public Task<SharedObject> LookupAsync(string name, CancellationToken cancellationToken)
        => CallAsync<SharedObject>(ControlMembers.Lookup, [name], s_sharedObjectReader, cancellationToken);

    /// <summary>Removes a name; true if it was bound.</summary>
    public Task<bool> UnpublishAsync(string name, CancellationToken cancellationToken)
        => CallAsync<bool>(ControlMembers.Unpublish, [name], s_boolReader, cancellationToken);

    /// <summary>Returns the manager's counts.</summary>
    public Task<ManagerStats> GetStatsAsync(CancellationToken cancellationToken)
        => CallAsync<ManagerStats>(ControlMembers.Stats, [], s_statsReader, cancellationToken);

    public Task<ManagerInspection> InspectAsync(CancellationToken cancellationToken)
        => CallAsync<ManagerInspection>(ControlMembers.Inspect, [], s_inspectionReader, cancellationToken);

    /// <summary>Turns a reference this channel owns into a token another process can adopt.</summary>
    public Task<string> HandOverAsync(long objectId, CancellationToken cancellationToken)
        => CallAsync<string>(ControlMembers.Handover, [objectId], s_stringReader, cancellationToken);

    /// <summary>Adopts a reference handed over by another process.</summary>
    public Task<SharedObject> AdoptAsync(string token, CancellationToken cancellationToken)
        => CallAsync<SharedObject>(ControlMembers.Adopt, [token], s_sharedObjectReader, cancellationToken);

    /// <summary>The blocking form of <see cref="AdoptAsync"/>.</summary>
    public SharedObject Adopt(string token)
        => (SharedObject)channel.CallControl(ControlMembers.Adopt, new CallArguments([token]))
            .Decode(s_sharedObjectReader, channel.SerializerOptions)!;

    /// <summary>Asks a manager hosted in a child process to shut down.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        Reply reply = await channel.CallControlAsync(ControlMembers.Shutdown, new CallArguments([]), cancellationToken).ConfigureAwait(false);
        reply.Decode(null, channel.SerializerOptions);
    }

    private async Task<T> CallAsync<T>(string member, object?[] args, ValueReader reader, CancellationToken cancellationToken)
    {
        Reply reply = await channel.CallControlAsync(member, new CallArguments(args), cancellationToken).ConfigureAwait(false);
        return (T)reply.Decode(reader, channel.SerializerOptions)!;
    }
}
