using MessagePack;

namespace Multiproc.Proxies;

/// <summary>
/// The client call seam beneath every proxy: call member M of object X with these arguments, get a
/// reply or an error, cancel it; release what the caller holds.
/// </summary>
/// <remarks>
/// <para><see cref="ClientConnection"/> is the native implementation (one socket to one manager).
/// Another backend (an Orleans cluster client) implements this and registers its address scheme
/// with <see cref="ChannelSchemes"/>, so <c>Manager.ConnectAsync</c>, proxies, and worker processes
/// reconnecting from a bootstrap all reach it by address. Proxies, <see cref="SharedObject"/>,
/// <see cref="ControlChannel"/> and the value codecs see only this.</para>
/// <para>Replies are MessagePack payloads (<see cref="Reply"/>, docs/protocol.md §3), and arguments
/// are written with <see cref="SerializerOptions"/>, so a backend reuses the proxies' codecs as they are.</para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
internal interface ICallChannel : IDisposable
{
    /// <summary>Gets the address the channel was opened with, scheme included (what a worker reconnects from).</summary>
    string Address { get; }

    /// <summary>Gets the key that authenticates to that address (it travels to workers through private channels only).</summary>
    ReadOnlyMemory<byte> AuthKey { get; }

    /// <summary>Gets the identity of the object host behind the channel; a proxy only travels to its own host.</summary>
    Guid ServerId { get; }

    /// <summary>Gets whether the channel has failed for good (every call fails fast with <see cref="ManagerUnavailableException"/>).</summary>
    bool IsBroken { get; }

    /// <summary>Gets the options arguments are written and replies read with (references become this channel's proxies).</summary>
    MessagePackSerializerOptions SerializerOptions { get; }

    /// <summary>
    /// Gets the longest a single waiting call may wait on the host, or null for no limit. A backend
    /// whose calls time out (a cluster's response timeout) sets it; a waiting built-in then waits in
    /// slices no longer than this, and calls again until the caller's own timeout (<see cref="BuiltIns.SlicedWait"/>).
    /// </summary>
    TimeSpan? MaxWaitSlice { get; }

    /// <summary>Calls a member and blocks until the reply arrives.</summary>
    /// <exception cref="ManagerUnavailableException">The channel broke.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the call is abandoned.</exception>
    Reply Call(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken = default);

    /// <summary>Calls a member; the reply is awaited, never blocking a thread.</summary>
    /// <exception cref="ManagerUnavailableException">The channel broke.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the call is abandoned.</exception>
    ValueTask<Reply> CallAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken = default);

    /// <summary>Calls a member and blocks until the host settles it, even after <paramref name="cancellationToken"/> fires (which asks the host to cancel).</summary>
    Reply CallUntilSettled(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken);

    /// <summary>Calls a member and awaits the host settling it, even after <paramref name="cancellationToken"/> fires (which asks the host to cancel).</summary>
    ValueTask<Reply> CallUntilSettledAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken);

    /// <summary>Drops references the caller holds; fire-and-forget. A backend without reference counts ignores it.</summary>
    void Release(long objectId, int count = 1);

    /// <summary>Turns a reference the caller holds into a descriptor another process can adopt; the object stays alive meanwhile.</summary>
    /// <exception cref="ManagerUnavailableException">The channel broke.</exception>
    Task<HandoverDescriptor> HandOverAsync(SharedObject handle, CancellationToken cancellationToken);

    /// <summary>Adopts a reference another process handed over to this channel's host: the caller now holds it.</summary>
    /// <exception cref="ManagerUnavailableException">The channel broke.</exception>
    /// <exception cref="KeyNotFoundException">The descriptor was already adopted, or its grace period ended.</exception>
    Task<SharedObject> AdoptAsync(HandoverDescriptor descriptor, CancellationToken cancellationToken);

    /// <summary>The blocking form of <see cref="AdoptAsync"/>, for the worker channel's pre-pass, whose thread waits anyway.</summary>
    /// <remarks>A new worker process pays for no task machinery on its start-up path (docs/performance.md).</remarks>
    /// <exception cref="ManagerUnavailableException">The channel broke.</exception>
    /// <exception cref="KeyNotFoundException">The descriptor was already adopted, or its grace period ended.</exception>
    SharedObject Adopt(HandoverDescriptor descriptor);
}
