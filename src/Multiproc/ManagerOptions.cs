using Microsoft.Extensions.Logging;
using Multiproc.Proxies;
using Multiproc.Server;

namespace Multiproc;

/// <summary>
/// What a manager serves (registered types) and how (address, key, limits).
/// </summary>
/// <remarks>
/// A mutable builder: register types, set properties, then pass it to <see cref="Manager.StartAsync"/>,
/// which validates it and takes a copy; later changes do not affect a running manager.
/// </remarks>
public sealed class ManagerOptions
{
    /// <summary>The default of <see cref="MaxSharedMemoryBytes"/>: 1 GiB.</summary>
    internal const long DefaultMaxSharedMemoryBytes = 1L << 30;

    private readonly List<Registration> _registrations = [];
    private long _maxSharedMemoryBytes = DefaultMaxSharedMemoryBytes;

    /// <summary>Gets or sets the address to listen on: <c>unix:/path</c> or <c>tcp://host:port</c> (port 0 picks a free port).</summary>
    /// <remarks>Default <see langword="null"/>: a Unix socket in a fresh 0700 directory under the temp directory.</remarks>
    public string? Address { get; set; }

    /// <summary>Gets or sets the authentication key; default <see langword="null"/>: 32 random bytes.</summary>
    public byte[]? AuthKey { get; set; }

    /// <summary>Gets or sets where the server runs; default <see cref="ManagerHosting.InProcess"/>.</summary>
    public ManagerHosting Hosting { get; set; } = ManagerHosting.InProcess;

    /// <summary>Gets or sets the largest message either side accepts, in bytes; default 64 MiB.</summary>
    /// <remarks>A larger frame closes the connection that sent it; the manager keeps serving everyone else.</remarks>
    public int MaxFrameSize { get; set; } = Protocol.ProtocolConstants.DefaultMaxFrameSize;

    /// <summary>Gets or sets how many calls one connection may have in flight; default 65,536. More are refused with <see cref="InvalidOperationException"/>.</summary>
    public int MaxPendingCallsPerConnection { get; set; } = 65_536;

    /// <summary>Gets or sets how long a new connection has to authenticate; default 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

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

    internal ManagerOptions Add(Registration registration)
    {
        ContractValidator.Validate(registration.Contract);
        if (_registrations.Any(r => r.TypeId == registration.TypeId))
        {
            throw new ArgumentException($"The type id '{registration.TypeId}' is already registered.");
        }

        _registrations.Add(registration);
        return this;
    }

    internal void Validate()
    {
        if (MaxFrameSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), MaxFrameSize, "MaxFrameSize must be at least 1024 bytes.");
        }

        if (MaxPendingCallsPerConnection < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPendingCallsPerConnection), MaxPendingCallsPerConnection, "Must be positive.");
        }

        if (AuthKey is { Length: < 16 })
        {
            throw new ArgumentException("AuthKey must be at least 16 bytes.", nameof(AuthKey));
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
