using Multiproc.Python.Client;
using Multiproc.Python.Pickle;
using Multiproc.Transport;

namespace Multiproc;

/// <summary>
/// A client of a stock CPython manager (<c>multiprocessing.managers.BaseManager</c> or <c>SyncManager</c>, served by
/// <c>get_server().serve_forever()</c> or <c>start()</c>): create its objects by typeid and call them from .NET.
/// </summary>
/// <remarks>
/// <para>Speaks CPython's own wire protocol (pickle over <c>multiprocessing.connection</c>, both handshake
/// generations: HMAC-MD5 for CPython ≤ 3.11, <c>{sha256}</c> for 3.12+). Each admin request (create, incref, decref,
/// counts) is one connection, as CPython requires; method calls use a pool of call channels, one per call in
/// flight. See docs/python.md, "The C# client", for the value mapping and what the typed adapters can and cannot
/// do over CPython's objects.</para>
/// <para>Thread-safe. Disposing it releases (decrefs) every <see cref="PythonObject"/> still alive from it and
/// closes its channels; the Python manager keeps running.</para>
/// <para><b>Failures.</b> Every member throws <see cref="ManagerUnavailableException"/> when the manager cannot be
/// reached or a connection breaks mid-request, <see cref="System.Security.Authentication.AuthenticationException"/>
/// when the key is wrong, and <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>. A Python manager
/// that stops answering without closing its connections (a frozen process) is not detected: bound such waits with
/// a cancellation token.</para>
/// </remarks>
public sealed class PythonManager : IDisposable, IAsyncDisposable
{
    private readonly PythonClientSession _session;

    private PythonManager(PythonClientSession session) => _session = session;

    /// <summary>Gets the address this client connects to.</summary>
    public string Address => _session.Address;

    /// <summary>Connects to a CPython manager and checks the key (Python's <c>connect()</c>).</summary>
    /// <param name="address"><c>tcp://host:port</c> (Python's <c>(host, port)</c>) or <c>unix:/path</c> (an <c>AF_UNIX</c> path).</param>
    /// <param name="authKey">The manager's <c>authkey</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the connection and handshake.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not a <c>tcp://</c> or <c>unix:</c> address, or <paramref name="authKey"/> is empty.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The manager refused the key, or could not prove it holds it.</exception>
    /// <exception cref="ManagerUnavailableException">Nothing answers at <paramref name="address"/>, or it broke off or did not finish the handshake within 10 s (the TCP connect itself is bounded only by the OS and <paramref name="cancellationToken"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public static async Task<PythonManager> ConnectAsync(string address, ReadOnlyMemory<byte> authKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (authKey.IsEmpty)
        {
            throw new ArgumentException("A CPython manager needs its authkey.", nameof(authKey));
        }

        if (!ManagerAddress.TryParse(address, out ManagerAddress? parsed) || parsed.IsTls)
        {
            throw new ArgumentException($"'{address}' is not a CPython manager address; use tcp://host:port or unix:/path.", nameof(address));
        }

        var session = new PythonClientSession(parsed, authKey);
        try
        {
            PythonReply reply = await PythonObject.RunAsync(() => session.Admin("dummy", PyTuple.Empty), waits: false, cancellationToken)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            PythonObject.Complete(session, reply, "connect()");
            return new PythonManager(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Creates an object by typeid (Python's <c>manager.list(...)</c>, <c>manager.Employee(...)</c>, <c>manager.get_queue()</c>).</summary>
    /// <param name="typeId">A typeid registered on the Python side: <c>list</c>, <c>dict</c>, <c>Queue</c>, <c>Namespace</c>, <c>Value</c>, <c>Lock</c> …, a user's class or a callable (which may return an existing object).</param>
    /// <param name="args">The constructor's (or callable's) positional arguments.</param>
    /// <returns>A handle holding one reference.</returns>
    /// <exception cref="PythonRemoteException">The typeid is unknown (<see cref="PythonRemoteException.RemoteTraceback"/> has the manager's text).</exception>
    /// <exception cref="ArgumentException">An argument has no Python form, or the constructor raised <c>ValueError</c>/<c>TypeError</c>.</exception>
    public Task<PythonObject> CreateAsync(string typeId, params object?[] args) => CreateAsync(typeId, args, null, CancellationToken.None);

    /// <summary>Creates an object by typeid with positional and keyword arguments (<c>Namespace(a=1)</c>).</summary>
    /// <param name="typeId">A typeid registered on the Python side.</param>
    /// <param name="args">The positional arguments.</param>
    /// <param name="keywordArguments">The keyword arguments, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting; the object may still be created (and its reference then leaks until the manager stops).</param>
    /// <returns>A handle holding one reference.</returns>
    /// <exception cref="PythonRemoteException">The typeid is unknown.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task<PythonObject> CreateAsync(string typeId, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? keywordArguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeId);
        ArgumentNullException.ThrowIfNull(args);
        ObjectDisposedException.ThrowIf(_session.IsDisposed, this);
        PyTuple createArgs = new([typeId, .. PythonValueEncoder.EncodeArgs(args)]);
        PyDict kwargs = PythonValueEncoder.EncodeKwargs(keywordArguments);
        return PythonObject.RunAsync(() => Create(typeId, createArgs, kwargs), waits: false, cancellationToken).WaitAsync(cancellationToken);
    }

    /// <summary>Creates a Python <c>list</c> and returns it as a typed list.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The initial items, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The list; disposing it releases the reference.</returns>
    public async Task<ISharedList<T>> CreateListAsync<T>(IEnumerable<T>? items = null, CancellationToken cancellationToken = default)
    {
        object?[] args = items is null ? [] : [items.Cast<object?>().ToList()];
        PythonObject list = await CreateAsync("list", args, null, cancellationToken).ConfigureAwait(false);
        return list.AsList<T>();
    }

    /// <summary>Creates a Python <c>dict</c> and returns it as a typed dictionary.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The dictionary; disposing it releases the reference.</returns>
    public async Task<ISharedDictionary<TKey, TValue>> CreateDictionaryAsync<TKey, TValue>(CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        PythonObject dict = await CreateAsync("dict", [], null, cancellationToken).ConfigureAwait(false);
        return dict.AsDictionary<TKey, TValue>();
    }

    /// <summary>Creates a Python <c>queue.Queue</c> (typeid <c>Queue</c>) and returns it as a typed queue.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="capacity">The <c>maxsize</c>; 0 for unbounded.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The queue; disposing it releases the reference.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public async Task<ISharedQueue<T>> CreateQueueAsync<T>(int capacity = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        PythonObject queue = await CreateAsync("Queue", [capacity], null, cancellationToken).ConfigureAwait(false);
        return queue.AsQueue<T>(capacity);
    }

    /// <summary>Returns how many objects the manager tracks (Python's <c>_number_of_objects()</c>, a debug request).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The number of objects with a reference count.</returns>
    public Task<int> GetObjectCountAsync(CancellationToken cancellationToken = default)
        => AdminAsync<int>("number_of_objects", cancellationToken);

    /// <summary>Returns the manager's description of its objects and reference counts (Python's <c>_debug_info()</c>).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>CPython's free text.</returns>
    public Task<string> GetDebugInfoAsync(CancellationToken cancellationToken = default)
        => AdminAsync<string>("debug_info", cancellationToken);

    /// <summary>Releases every object handle still alive and closes the call channels.</summary>
    public void Dispose() => _session.Dispose();

    /// <summary>Releases every object handle still alive and closes the call channels, off the caller's thread.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync() => await Task.Run(_session.Dispose).ConfigureAwait(false);

    private PythonObject Create(string typeId, PyTuple args, PyDict kwargs)
    {
        PythonReply reply = _session.Admin("create", args, kwargs);
        if (reply.Kind == PythonReply.Return && reply.Value is PyTuple { Count: 2 } created && created[0] is string id && created[1] is PyTuple exposed)
        {
            return PythonObject.Adopt(_session, new PythonToken(typeId, _session.ServerAddress, id), [.. exposed.OfType<string>()]);
        }

        object? unexpected = PythonObject.Complete(_session, reply, $"create('{typeId}')");
        throw new ProtocolViolationException($"The Python manager answered create('{typeId}') with {unexpected} instead of (id, exposed).");
    }

    private Task<T> AdminAsync<T>(string request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_session.IsDisposed, this);
        return PythonObject.RunAsync(
            () => PythonValueConverter.To<T>(PythonObject.Complete(_session, _session.Admin(request, PyTuple.Empty), request + "()")),
            waits: false,
            cancellationToken).WaitAsync(cancellationToken);
    }
}
