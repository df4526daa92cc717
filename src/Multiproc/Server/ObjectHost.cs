using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Multiproc.Protocol;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>
/// The server seam: the object table, the registered types, hand-overs and dispatch, and the
/// sessions of the clients that call them, independent of any listener or wire protocol.
/// </summary>
/// <remarks>
/// <para>A front end (the native socket listener, <see cref="ManagerServer"/>; later a Python-protocol
/// listener) opens a <see cref="ServerSession"/> per client channel and feeds it calls. Everything a
/// call reaches (objects, names, leases, owned references, caller identity) lives here or in the
/// session, so a second front end serves the same objects without another restructure. Unit tests
/// drive it with an in-memory session and no socket.</para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed partial class ObjectHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, ServerSession> _sessions = new();
    private readonly ConcurrentDictionary<string, MemberCounter> _controlCounters = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _shutdownRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextSessionId;
    private long _calls;
    private long _errors;
    // Guards the move of a closing session's byte counts into these totals, so an observer never
    // sees them in both places or in neither (a monotonic counter must not dip).
    private readonly Lock _bytesLock = new();
    private long _closedBytesReceived;
    private long _closedBytesSent;
    private int _disposed;

    public ObjectHost(ManagerSettings settings)
    {
        Settings = settings;
        Logger = settings.LoggerFactory?.CreateLogger("Multiproc.Server") ?? NullLogger.Instance;
        Table = new ObjectTable(Logger);
        Clock = ServerClock.For(settings.TimeProvider);
        Handovers = new Handovers(Table, Clock);
        Registry = new TypeRegistry(settings.Registrations);
        MemoryQuota = new SharedMemoryQuota(settings.MaxSharedMemoryBytes);
        StartedAt = settings.TimeProvider.GetUtcNow();
        ServerMetrics.Track(this);
    }

    /// <summary>Gets how long calls took, since start.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Gets when the host started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets the settings snapshot taken at start; the live options object is never read again.</summary>
    public ManagerSettings Settings { get; }

    public ILogger Logger { get; }

    /// <summary>Gets the clock for the server's timers: the configured one, whose timers fire on server threads when it is the system's.</summary>
    public TimeProvider Clock { get; }

    public ObjectTable Table { get; }

    public Handovers Handovers { get; }

    public TypeRegistry Registry { get; }

    /// <summary>Gets the budget that shared arrays created through this manager draw on.</summary>
    public SharedMemoryQuota MemoryQuota { get; }

    /// <summary>Gets the id announced to clients; a proxy only travels to its own manager.</summary>
    public Guid ServerId { get; } = Guid.NewGuid();

    /// <summary>Gets the open sessions (a moment's view: enumerated without locking, unlike <c>Values</c>).</summary>
    public IEnumerable<ServerSession> Sessions => _sessions.Select(static pair => pair.Value);

    /// <summary>Gets how many leased results the clients have yet to acknowledge (diagnostics and tests).</summary>
    public int OpenLeases => Sessions.Sum(session => session.Leases.Count);

    /// <summary>Gets a task that completes when a client asks the manager to shut down (child-process hosting).</summary>
    public Task ShutdownRequested => _shutdownRequested.Task;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Gets the calls admitted since start.</summary>
    public long CallCount => Interlocked.Read(ref _calls);

    /// <summary>Gets the sessions open now.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Gets the bytes received and sent by every session since start, closed ones included.</summary>
    public (long Received, long Sent) BytesTransferred
    {
        get
        {
            lock (_bytesLock)
            {
                long received = _closedBytesReceived;
                long sent = _closedBytesSent;
                foreach (ServerSession session in Sessions)
                {
                    received += session.BytesReceived;
                    sent += session.BytesSent;
                }

                return (received, sent);
            }
        }
    }

    /// <summary>Gives out the id of a new session (unique for the host's lifetime).</summary>
    public long NextSessionId() => Interlocked.Increment(ref _nextSessionId);

    /// <summary>Registers an opened session; false (the caller closes it) when the host is shutting down.</summary>
    public bool TryAdd(ServerSession session)
    {
        _sessions[session.Id] = session;
        if (IsDisposed)
        {
            // Shutdown walked the sessions before this one was added.
            _sessions.TryRemove(session.Id, out _);
            return false;
        }

        return true;
    }

    /// <summary>Forgets a closed session; its unadopted hand-overs start their grace period.</summary>
    public void OnSessionClosed(ServerSession session)
    {
        lock (_bytesLock)
        {
            if (_sessions.TryRemove(session.Id, out _))
            {
                _closedBytesReceived += session.BytesReceived;
                _closedBytesSent += session.BytesSent;
            }
        }

        Handovers.ReleaseOwnedBy(session.Id);
    }

    public void RequestShutdown() => _shutdownRequested.TrySetResult();

    public void CountCall() => Interlocked.Increment(ref _calls);

    /// <summary>Gets the counter of a control member (create, publish...).</summary>
    public MemberCounter ControlCounter(string member) => _controlCounters.GetOrAdd(member, static _ => new MemberCounter());

    /// <summary>Gets the calls and errors of every member of every registered type and of the control object.</summary>
    public IEnumerable<InspectedMember> MemberCounts()
        => Registry.Bindings
            .SelectMany(binding => binding.Methods.Select(method => new InspectedMember(binding.TypeId, method.Name, method.Counter.Calls, method.Counter.Errors)))
            .GroupBy(member => (member.TypeId, member.Member))
            .Select(g => new InspectedMember(g.Key.TypeId, g.Key.Member, g.Sum(m => m.Calls), g.Sum(m => m.Errors)))
            .Concat(_controlCounters.Select(pair => new InspectedMember(ControlTypeId, pair.Key, pair.Value.Calls, pair.Value.Errors)));

    /// <summary>The type id under which control calls are counted and timed.</summary>
    public const string ControlTypeId = ProtocolConstants.ControlTypeId;

    public void CountError() => Interlocked.Increment(ref _errors);

    public ManagerStats GetStats()
        => new(Table.Count, _sessions.Count, Table.ReferenceCount, Table.PublishedCount,
            CallCount, Interlocked.Read(ref _errors), Table.CountByType());

    /// <summary>Closes every session (their callers see the manager go away) and disposes the objects the manager created.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        ServerMetrics.Forget(this);
        foreach (ServerSession session in Sessions)
        {
            session.Close();
        }

        Table.Clear();
        // Objects released by the closing sessions are disposed on the pool; shutdown waits for them
        // (bounded, so a user's Dispose that hangs cannot hang the owner).
        try
        {
            await Table.WhenDisposalsDoneAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDisposalsSlow(Logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown went on without waiting longer for objects still being disposed.")]
    private static partial void LogDisposalsSlow(ILogger logger);
}
