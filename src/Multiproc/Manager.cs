using Multiproc.Hosting;
using Multiproc.Proxies;
using Multiproc.Server;
using Multiproc.Transport;

namespace Multiproc;

/// <summary>
/// A manager of shared objects: start one (and own it) or connect to one by address and key, then
/// create, publish and look up objects and get proxies to them.
/// </summary>
/// <remarks>
/// <para>All members are thread-safe. Every process talks to a manager over one multiplexed
/// connection; async calls pipeline on it.</para>
/// <para>Disposing the owner (the <see cref="StartAsync"/> result) shuts the server down: calls from
/// any process then fail with <see cref="ManagerUnavailableException"/>. Disposing a connector
/// (<see cref="ConnectAsync(string, ReadOnlyMemory{byte}, ConnectOptions?, CancellationToken)"/>) only closes its connection, releasing every reference it held.</para>
/// </remarks>
public sealed partial class Manager : IAsyncDisposable
{
    private readonly ManagerServer? _server;
    private readonly ICallChannel _connection;
    private readonly ControlChannel _control;
    private WorkerProcess? _host;
    private string? _hostDirectory;
    private string? _hostPythonAddress;
    private int _disposed;

    private Manager(ManagerServer? server, ICallChannel connection)
    {
        _server = server;
        _connection = connection;
        _control = new ControlChannel(connection);
    }

    /// <summary>Gets the address other processes connect to: <c>unix:/path</c> or <c>tcp://host:port</c>.</summary>
    public string Address => _connection.Address;

    /// <summary>Gets the address stock CPython clients connect to (<see cref="ManagerOptions.ServePython"/>), with the real port, for example <c>tcp://127.0.0.1:41234</c>; null when Python clients are not served or this is a connector.</summary>
    public string? PythonAddress => _server?.PythonAddress ?? _hostPythonAddress;

    /// <summary>Gets the authentication key other processes need to connect.</summary>
    public ReadOnlyMemory<byte> AuthKey => _connection.AuthKey;

    /// <summary>Gets whether this instance owns the server (started it) rather than connecting to it.</summary>
    public bool IsOwner => _server is not null || _host is not null;

    /// <summary>Gets the process id of the manager's server: this process, or its child process with <see cref="ManagerHosting.ChildProcess"/>; 0 for a connector.</summary>
    public int ServerProcessId => _host?.Id ?? (_server is not null ? Environment.ProcessId : 0);

    internal ICallChannel Channel => _connection;

    /// <summary>Creates a manager over any call channel (a backend other than a manager's socket, or an in-memory one in tests).</summary>
    internal static Manager Over(ICallChannel channel) => new(null, channel);

    /// <summary>Gets the server of an owning manager (null for a connector); tests inspect objects through it.</summary>
    internal ManagerServer? OwnedServer => _server;

    /// <summary>Starts a manager that serves <paramref name="options"/>' registered types, and connects to it.</summary>
    /// <param name="options">Registrations, address, key and limits; default: no user types, a fresh Unix socket, a random key.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The owning manager.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound.</exception>
    public static async Task<Manager> StartAsync(ManagerOptions? options = null, CancellationToken cancellationToken = default)
    {
        SupportedPlatform.ThrowIfUnsupported();
        options ??= new ManagerOptions();
        if (options.Hosting == ManagerHosting.ChildProcess)
        {
            (WorkerProcess host, ClientConnection hosted, string? directory, string? pythonAddress) = await StartHostAsync(options, cancellationToken).ConfigureAwait(false);
            return new Manager(null, hosted) { _host = host, _hostDirectory = directory, _hostPythonAddress = pythonAddress };
        }

        ManagerSettings settings = ManagerSettings.From(options);
        ManagerServer server = Hosting.ServerComposition.Start(settings);
        try
        {
            ClientConnection connection = await ClientConnection.ConnectAsync(
                ManagerHost.OwnerAddress(server.Address, settings), server.AuthKey, ManagerHost.OwnerConnectSettings(settings), cancellationToken).ConfigureAwait(false);
            return new Manager(server, connection);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects to a running manager.</summary>
    /// <param name="address"><c>unix:/path</c> or <c>tcp://host:port</c>.</param>
    /// <param name="authKey">The manager's key.</param>
    /// <param name="options">The connect timeout, liveness timeout and frame limit; default <see cref="ConnectOptions"/>' defaults.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>A connector; disposing it closes only this connection.</returns>
    /// <exception cref="FormatException">The address is malformed.</exception>
    /// <exception cref="ManagerUnavailableException">Nothing listens at the address, or nothing answered within <see cref="ConnectOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The key is wrong.</exception>
    /// <exception cref="ProtocolViolationException">The peer is not a manager of this protocol version.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Manager> ConnectAsync(string address, ReadOnlyMemory<byte> authKey, ConnectOptions? options = null, CancellationToken cancellationToken = default)
    {
        SupportedPlatform.ThrowIfUnsupported();
        ConnectSettings settings = options is null ? ConnectSettings.Default : ConnectSettings.From(options);
        ICallChannel channel = await ChannelSchemes.ConnectAsync(address, authKey.ToArray(), settings, cancellationToken).ConfigureAwait(false);
        return new Manager(null, channel);
    }

    /// <summary>Connects to a running manager with the default <see cref="ConnectOptions"/>.</summary>
    /// <param name="address"><c>unix:/path</c> or <c>tcp://host:port</c>.</param>
    /// <param name="authKey">The manager's key.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>A connector; disposing it closes only this connection.</returns>
    /// <exception cref="FormatException">The address is malformed.</exception>
    /// <exception cref="ManagerUnavailableException">Nothing listens at the address, or nothing answered within the default connect timeout.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The key is wrong.</exception>
    /// <exception cref="ProtocolViolationException">The peer is not a manager of this protocol version.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<Manager> ConnectAsync(string address, ReadOnlyMemory<byte> authKey, CancellationToken cancellationToken)
        => ConnectAsync(address, authKey, null, cancellationToken);

    /// <summary>Creates a shared object of the type registered for <typeparamref name="TInterface"/> and returns its proxy.</summary>
    /// <typeparam name="TInterface">The registered interface; its full name is the type id.</typeparam>
    /// <param name="args">Constructor arguments; the manager picks the public constructor they fit.</param>
    /// <returns>A proxy implementing <typeparamref name="TInterface"/>.</returns>
    /// <exception cref="ArgumentException">No such type is registered, no constructor fits the arguments, or a <see cref="CancellationToken"/> is among them (use the overload that takes one).</exception>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">This manager was disposed.</exception>
    public Task<TInterface> CreateAsync<TInterface>(params object?[] args)
        where TInterface : class
        => CreateAsync<TInterface>(CallArgumentList.FromParams(args ?? []), CancellationToken.None);

    /// <summary>Creates a shared object of the type registered for <typeparamref name="TInterface"/>, with a cancellation token.</summary>
    /// <typeparam name="TInterface">The registered interface; its full name is the type id.</typeparam>
    /// <param name="args">Constructor arguments, in order.</param>
    /// <param name="cancellationToken">Cancels the wait (the object may still be created, and is then released).</param>
    /// <returns>A proxy implementing <typeparamref name="TInterface"/>.</returns>
    /// <exception cref="ArgumentException">No such type is registered, or no constructor fits the arguments.</exception>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">This manager was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TInterface> CreateAsync<TInterface>(IReadOnlyList<object?> args, CancellationToken cancellationToken)
        where TInterface : class
    {
        SharedObject handle = await CreateAsync(typeof(TInterface).FullName!, args, cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<TInterface>(handle);
    }

    /// <summary>Creates a shared object by type id and returns its untyped handle.</summary>
    /// <param name="typeId">The type id it was registered under.</param>
    /// <param name="args">Constructor arguments.</param>
    /// <returns>The handle; use <see cref="SharedObject.InvokeAsync{T}(string, object?[])"/> or <c>dynamic</c>.</returns>
    /// <exception cref="ArgumentException">No such type is registered, no constructor fits the arguments, or a <see cref="CancellationToken"/> is among them (use the overload that takes one).</exception>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">This manager was disposed.</exception>
    public Task<SharedObject> CreateAsync(string typeId, params object?[] args)
        => CreateAsync(typeId, CallArgumentList.FromParams(args ?? []), CancellationToken.None);

    /// <summary>Creates a shared object by type id, with a cancellation token, and returns its untyped handle.</summary>
    /// <param name="typeId">The type id it was registered under.</param>
    /// <param name="args">Constructor arguments, in order.</param>
    /// <param name="cancellationToken">Cancels the wait (the object may still be created, and is then released).</param>
    /// <returns>The handle.</returns>
    /// <exception cref="ArgumentException">No such type is registered, or no constructor fits the arguments.</exception>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">This manager was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SharedObject> CreateAsync(string typeId, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeId);
        ArgumentNullException.ThrowIfNull(args);
        ThrowIfDisposed();
        return _control.CreateAsync(typeId, args as object?[] ?? [.. args], cancellationToken);
    }

    /// <summary>Publishes a shared object under a name, replacing what the name held.</summary>
    /// <param name="name">The name other processes look it up by.</param>
    /// <param name="proxy">A proxy or <see cref="SharedObject"/> of this manager.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the name is bound.</returns>
    /// <remarks>A published object stays alive until it is unpublished, even with no proxies left.</remarks>
    public Task PublishAsync(string name, object proxy, CancellationToken cancellationToken = default)
        => PublishCoreAsync(name, proxy, replace: true, cancellationToken);

    /// <summary>Publishes a shared object under a name unless the name is taken (create-or-join races).</summary>
    /// <param name="name">The name.</param>
    /// <param name="proxy">A proxy or <see cref="SharedObject"/> of this manager.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True if this call bound the name (or it was already bound to the same object); false if it is taken.</returns>
    public Task<bool> TryPublishAsync(string name, object proxy, CancellationToken cancellationToken = default)
        => PublishCoreAsync(name, proxy, replace: false, cancellationToken);

    /// <summary>Looks up a published object and returns a new proxy to it.</summary>
    /// <typeparam name="T">The interface to proxy, or <see cref="SharedObject"/>.</typeparam>
    /// <param name="name">The published name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The proxy.</returns>
    /// <exception cref="KeyNotFoundException">Nothing is published under the name.</exception>
    public async Task<T> LookupAsync<T>(string name, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfDisposed();
        SharedObject handle = await _control.LookupAsync(name, cancellationToken).ConfigureAwait(false);
        return typeof(T) == typeof(SharedObject) ? (T)(object)handle : ProxyFactory.Create<T>(handle);
    }

    /// <summary>Removes a name; the object lives on while other references hold it.</summary>
    /// <param name="name">The published name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True if the name was bound.</returns>
    public Task<bool> UnpublishAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfDisposed();
        return _control.UnpublishAsync(name, cancellationToken);
    }

    /// <summary>Returns counts of objects, connections, references and calls.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A snapshot.</returns>
    public Task<ManagerStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _control.GetStatsAsync(cancellationToken);
    }

    /// <summary>
    /// Returns what the manager holds and serves in detail: objects by type, published names, each
    /// connection (process, endpoint, references, calls in flight, locks and permits held), calls and
    /// errors per member, uptime and memory. What <c>multiproc inspect</c> prints.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A snapshot; each part is read at a slightly different moment.</returns>
    /// <exception cref="ManagerUnavailableException">The manager is gone.</exception>
    /// <exception cref="ObjectDisposedException">This manager was disposed.</exception>
    public Task<ManagerInspection> InspectAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _control.InspectAsync(cancellationToken);
    }

    /// <summary>Shuts the server down (owner) or closes this connection (connector).</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_host is not null)
        {
            await StopHostAsync(_host, _connection, _hostDirectory).ConfigureAwait(false);
            return;
        }

        _connection.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> PublishCoreAsync(string name, object proxy, bool replace, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(proxy);
        SharedObject handle = SharedObject.FromProxy(proxy);
        handle.ThrowIfDisposed();
        if (handle.Channel.ServerId != _connection.ServerId)
        {
            throw new ArgumentException("The proxy belongs to a different manager.", nameof(proxy));
        }

        ThrowIfDisposed();
        return await _control.PublishAsync(name, handle.ObjectId, replace, cancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
