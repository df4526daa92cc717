using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Multiproc;

/// <summary>
/// What a manager serves (registered types) and how (address, key, limits).
/// </summary>
/// <remarks>
/// A mutable builder: register types, set properties, then pass it to <see cref="Manager.StartAsync"/>,
/// which takes a snapshot; later changes do not affect a running manager. Each setter validates its
/// value and throws at once, so a bad value never reaches a server.
/// </remarks>
public sealed class ManagerOptions
{
    /// <summary>The default of <see cref="MaxSharedMemoryBytes"/>: 1 GiB.</summary>
    internal const long DefaultMaxSharedMemoryBytes = 1L << 30;

    /// <summary>The default largest frame payload either side accepts (64 MiB).</summary>
    internal const int DefaultMaxFrameSize = 64 * 1024 * 1024;

    private readonly List<Registration> _registrations = [];
    private byte[]? _authKey;
    private ManagerHosting _hosting = ManagerHosting.InProcess;
    private int _maxFrameSize = DefaultMaxFrameSize;
    private int _maxPendingCallsPerConnection = 65_536;
    private TimeSpan _handshakeTimeout = TimeSpan.FromSeconds(10);
    private long _maxSharedMemoryBytes = DefaultMaxSharedMemoryBytes;
    private long? _maxOutgoingBytesPerConnection;
    private TimeSpan _sendStallTimeout = TimeSpan.FromSeconds(30);
    private int _maxPendingHandshakes = 128;
    private TimeProvider _timeProvider = TimeProvider.System;
    private X509Certificate2? _serverCertificate;

    /// <summary>Gets or sets the address to listen on: <c>unix:/path</c>, <c>tcp://host:port</c> or <c>tls://host:port</c> (port 0 picks a free port).</summary>
    /// <remarks>
    /// Default <see langword="null"/>: a Unix socket in a fresh 0700 directory under the temp directory.
    /// A <c>tls://</c> address needs <see cref="ServerCertificate"/>; the key handshake then runs inside TLS
    /// (docs/tls.md). <see cref="Manager.StartAsync"/> fails with <see cref="ArgumentException"/> when a
    /// <c>tls://</c> address has no certificate, or a certificate is set for another kind of address.
    /// </remarks>
    public string? Address { get; set; }

    /// <summary>Gets the address of the Python-protocol listener <see cref="ServePython"/> set, or null when Python clients are not served.</summary>
    public string? PythonAddress { get; private set; }

    /// <summary>Gets or sets whether the Python listener refuses CPython 3.8–3.11 clients, whose handshake answers with HMAC-MD5. Default false.</summary>
    /// <remarks>
    /// HMAC-MD5 is accepted on the Python listener only, because stock clients before 3.12 can do nothing else
    /// (docs/python.md, "Security"); the native protocol is SHA-256 only whatever this says. Set it when every
    /// Python client is 3.12 or later.
    /// </remarks>
    public bool PythonRequiresSha256 { get; set; }

    /// <summary>Gets or sets whether a Python client's <c>shutdown</c> request stops the manager. Default false: the request fails with <c>RemoteError</c>.</summary>
    /// <remarks>A CPython server stops for any authenticated client that asks; a manager owned by a .NET program usually should not.
    /// When allowed, a <see cref="ManagerHosting.ChildProcess"/> manager stops; an in-process owner is unaffected.</remarks>
    public bool PythonClientsMayShutDown { get; set; }

    /// <summary>Also serves stock CPython <c>multiprocessing</c> clients (3.8–3.13) on <paramref name="address"/>, with the same key and objects (docs/python.md).</summary>
    /// <param name="address"><c>tcp://host:port</c> (port 0 picks a free port; <see cref="Manager.PythonAddress"/> tells which) or <c>unix:/path</c>.
    /// It must differ from <see cref="Address"/>: both protocols speak first, so they cannot share a port.</param>
    /// <returns>These options, for chaining.</returns>
    /// <remarks>
    /// A Python client connects with <c>SyncManager(address=('127.0.0.1', port), authkey=key).connect()</c>, or a
    /// <c>BaseManager</c> subclass that registers typeids, and uses <c>list</c>, <c>dict</c>, <c>Queue</c>,
    /// <c>JoinableQueue</c>, <c>Namespace</c>, <c>Value</c>, <c>Array</c>, <c>Lock</c>, <c>RLock</c>,
    /// <c>Semaphore</c>, <c>BoundedSemaphore</c>, <c>Condition</c>, <c>Event</c>, <c>Barrier</c>, the registered
    /// classes (members under snake_case names) and published names as typeids. <see cref="Manager.StartAsync"/>
    /// fails with <see cref="ArgumentException"/> when the address is malformed or <c>tls://</c>, or when a
    /// registered class has two members under one Python name, and with <see cref="System.Net.Sockets.SocketException"/>
    /// when it cannot be bound. With <see cref="ManagerHosting.ChildProcess"/> the child process serves it (a port 0 is
    /// chosen by the owner before the child starts).
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="address"/> is null or empty.</exception>
    public ManagerOptions ServePython(string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        PythonAddress = address;
        return this;
    }

    /// <summary>Gets or sets the certificate a <c>tls://</c> manager presents; it must have its private key. Default none.</summary>
    /// <remarks>
    /// The owner's <see cref="Manager.Address"/> then carries the certificate's SHA-256 (<c>tls://host:port?sha256=…</c>),
    /// so worker processes, a <see cref="ManagerHosting.ChildProcess"/> owner and the <c>multiproc</c> tool check the
    /// certificate by that pin rather than by a callback they cannot run. A <see cref="ManagerHosting.ChildProcess"/>
    /// manager receives the certificate, private key included, over its private bootstrap pipe.
    /// </remarks>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public X509Certificate2? ServerCertificate
    {
        get => _serverCertificate;
        set
        {
            if (value is { HasPrivateKey: false })
            {
                throw new ArgumentException("The server certificate must have its private key.", nameof(value));
            }

            _serverCertificate = value;
        }
    }

    /// <summary>
    /// Gets or sets how a <c>tls://</c> manager checks client certificates. Default <see langword="null"/>:
    /// it asks for none, and the key alone admits a client.
    /// </summary>
    /// <remarks>
    /// When set, the manager asks every client for a certificate during the TLS handshake, and admits a
    /// connection only when this returns true (a client that sent none arrives with a null certificate).
    /// It runs on a handshake thread and must not block. Worker processes connect without a client
    /// certificate, so a callback that requires one keeps proxies from being passed to workers; and a
    /// delegate cannot be sent to a <see cref="ManagerHosting.ChildProcess"/> manager, which refuses it.
    /// </remarks>
    public RemoteCertificateValidationCallback? ClientCertificateValidationCallback { get; set; }

    /// <summary>Gets or sets the authentication key; default <see langword="null"/>: 32 random bytes.</summary>
    /// <exception cref="ArgumentException">The key is shorter than 16 bytes.</exception>
    public byte[]? AuthKey
    {
        get => _authKey;
        set
        {
            if (value is { Length: < 16 })
            {
                throw new ArgumentException("AuthKey must be at least 16 bytes.", nameof(value));
            }

            _authKey = value;
        }
    }

    /// <summary>Gets or sets where the server runs; default <see cref="ManagerHosting.InProcess"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="ManagerHosting"/> value.</exception>
    public ManagerHosting Hosting
    {
        get => _hosting;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Not a ManagerHosting value.");
            }

            _hosting = value;
        }
    }

    /// <summary>Gets or sets the largest message either side accepts, in bytes; default 64 MiB.</summary>
    /// <remarks>A larger frame closes the connection that sent it; the manager keeps serving everyone else.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1024 bytes.</exception>
    public int MaxFrameSize
    {
        get => _maxFrameSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            _maxFrameSize = value;
        }
    }

    /// <summary>Gets or sets how many calls one connection may have in flight; default 65,536. More are refused with <see cref="InvalidOperationException"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public int MaxPendingCallsPerConnection
    {
        get => _maxPendingCallsPerConnection;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxPendingCallsPerConnection = value;
        }
    }

    /// <summary>
    /// Gets or sets how many bytes of replies the manager holds for one connection whose client does not read
    /// them; default 4 × <see cref="MaxFrameSize"/> (256 MiB with the default frame limit), at least 1 MiB.
    /// </summary>
    /// <remarks>
    /// While half of this is waiting, the manager stops reading that connection's requests until a quarter
    /// remains (backpressure); a reply that would pass the limit drops the connection (its references, locks
    /// and permits are released; the client sees <see cref="ManagerUnavailableException"/>), and so does a
    /// client that takes none of its replies for 30 seconds. A value below <see cref="MaxFrameSize"/> is raised
    /// to it when the manager starts, so the largest reply always fits.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Less than 64 KiB.</exception>
    public long MaxOutgoingBytesPerConnection
    {
        get => _maxOutgoingBytesPerConnection ?? Math.Max(4L * _maxFrameSize, 1024 * 1024);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64 * 1024);
            _maxOutgoingBytesPerConnection = value;
        }
    }

    /// <summary>Gets or sets how long a client with replies waiting may take none of them before its connection is dropped; default 30 seconds (tests shorten it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or over one hour.</exception>
    internal TimeSpan SendStallTimeout
    {
        get => _sendStallTimeout;
        set
        {
            RequirePositive(value, TimeSpan.FromHours(1));
            _sendStallTimeout = value;
        }
    }

    /// <summary>Gets or sets how long a new connection has to complete authentication, from accept to the last byte; default 10 seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or over one hour.</exception>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        set
        {
            RequirePositive(value, TimeSpan.FromHours(1));
            _handshakeTimeout = value;
        }
    }

    /// <summary>Gets or sets how many connections may be in the handshake at once; default 128.</summary>
    /// <remarks>
    /// A connection that arrives when this many have not finished authenticating closes the oldest of
    /// them, so strangers that connect and never authenticate cannot use up the manager's threads,
    /// descriptors or memory, and a real client (which answers at once) still gets in. Handshakes
    /// hold no thread; one dedicated thread accepts and runs them all.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 or more than 65,535.</exception>
    public int MaxPendingHandshakes
    {
        get => _maxPendingHandshakes;
        set
        {
            // One poll covers the pending sockets and the listener; Socket.Select takes at most 65,536.
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 65_535);
            _maxPendingHandshakes = value;
        }
    }

    /// <summary>Gets or sets the most bytes of shared memory (RAM-backed <c>/dev/shm</c>) that shared arrays created through this manager may hold at once; default 1 GiB.</summary>
    /// <remarks>
    /// <para>Every <see cref="Manager.CreateArrayAsync{T}"/> (and the untyped <c>multiproc:array</c> create) reserves its
    /// block's size, rounded up to whole pages, before anything is allocated; a create that would go over the limit is
    /// refused with <see cref="InsufficientMemoryException"/> and allocates nothing. The bytes come back when the block is
    /// removed (its last reference released, or the manager shut down). 0 refuses every shared array.</para>
    /// <para>Blocks made directly with <see cref="SharedMemory.Create"/> or <see cref="SharedArray{T}.Create"/> belong to
    /// the calling process and do not count. The filesystem's own size still applies: a block larger than what is free in
    /// <c>/dev/shm</c> fails to allocate.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative.</exception>
    public long MaxSharedMemoryBytes
    {
        get => _maxSharedMemoryBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxSharedMemoryBytes = value;
        }
    }

    /// <summary>Gets or sets the logger factory for the server's diagnostics; default none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock for every time-based decision of the server (handshake deadlines, heartbeats, wait timeouts, grace periods); default <see cref="TimeProvider.System"/>.</summary>
    /// <remarks>Tests substitute a manual clock to make expiry deterministic. Not sent to a <see cref="ManagerHosting.ChildProcess"/> server, which uses the system clock.</remarks>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _timeProvider = value;
        }
    }

    internal IReadOnlyList<Registration> Registrations => _registrations;

    /// <summary>Registers a class that proxies reach through <typeparamref name="TInterface"/>; each create makes a new instance.</summary>
    /// <param name="typeId">The name clients create it by; default the interface's full name.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException">The interface has members that cannot cross processes (ref/out parameters, generic methods, delegates...), or the type id is taken.</exception>
    public ManagerOptions Register<TInterface, TImplementation>(string? typeId = null)
        where TInterface : class
        where TImplementation : class, TInterface
    {
        RequireInterface(typeof(TInterface));
        return Add(new Registration(typeId ?? typeof(TInterface).FullName!, typeof(TInterface), typeof(TImplementation), null));
    }

    /// <summary>Registers a factory (Python's <c>callable</c>); a factory that returns one captured instance shares that instance.</summary>
    /// <param name="factory">Called for each create; it takes no arguments.</param>
    /// <param name="typeId">The name clients create it by; default the interface's full name.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException">The interface cannot be shared, or the type id is taken.</exception>
    public ManagerOptions Register<TInterface>(Func<TInterface> factory, string? typeId = null)
        where TInterface : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        RequireInterface(typeof(TInterface));
        return Add(new Registration(typeId ?? typeof(TInterface).FullName!, typeof(TInterface), null, factory));
    }

    /// <summary>Registers a class without an interface; clients use <see cref="SharedObject"/> (untyped or <c>dynamic</c>).</summary>
    /// <param name="implementationType">A non-abstract class; its public instance methods are callable.</param>
    /// <param name="typeId">The name clients create it by.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException">The class cannot be shared, or the type id is taken.</exception>
    public ManagerOptions Register(Type implementationType, string typeId)
    {
        ArgumentNullException.ThrowIfNull(implementationType);
        ArgumentException.ThrowIfNullOrEmpty(typeId);
        if (!implementationType.IsClass || implementationType.IsAbstract)
        {
            throw new ArgumentException($"{implementationType.FullName} must be a non-abstract class.", nameof(implementationType));
        }

        return Add(new Registration(typeId, implementationType, implementationType, null));
    }

    /// <summary>Registers every public class of <paramref name="assembly"/> marked <see cref="SharedTypeAttribute"/>.</summary>
    /// <param name="assembly">The assembly to search (its exported types only).</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException">
    /// A marked class is abstract or does not implement its contract, a contract is not an interface
    /// or cannot be shared, or a type id is taken. The message names the class.
    /// </exception>
    /// <exception cref="System.Reflection.ReflectionTypeLoadException">The assembly's types cannot be loaded (a dependency is missing).</exception>
    public ManagerOptions RegisterSharedTypes(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (Type type in assembly.GetExportedTypes())
        {
            foreach (SharedTypeAttribute shared in type.GetCustomAttributes(typeof(SharedTypeAttribute), inherit: false).Cast<SharedTypeAttribute>())
            {
                if (!type.IsClass || type.IsAbstract || !shared.Contract.IsAssignableFrom(type))
                {
                    throw new ArgumentException($"{type.FullName} is marked [SharedType(typeof({shared.Contract.Name}))] but is not a non-abstract class implementing it.", nameof(assembly));
                }

                RequireInterface(shared.Contract);
                Add(new Registration(shared.Id ?? shared.Contract.FullName!, shared.Contract, type, null));
            }
        }

        return this;
    }

    internal ManagerOptions Add(Registration registration)
    {
        ContractShape.Validate(registration.Contract);
        if (_registrations.Any(r => r.TypeId == registration.TypeId))
        {
            throw new ArgumentException($"The type id '{registration.TypeId}' is already registered.");
        }

        _registrations.Add(registration);
        return this;
    }

    internal static void RequirePositive(TimeSpan value, TimeSpan max, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Must be positive and at most {max}.");
        }
    }

    private static void RequireInterface(Type type)
    {
        if (!type.IsInterface)
        {
            throw new ArgumentException($"{type.FullName} is not an interface; proxies implement interfaces. Use Register(Type, string) for a class without one.");
        }
    }
}
