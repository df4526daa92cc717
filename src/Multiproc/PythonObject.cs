using System.Dynamic;
using Multiproc.Python;
using Multiproc.Python.Client;
using Multiproc.Python.Pickle;

namespace Multiproc;

/// <summary>
/// An untyped handle to one object in a CPython manager (a <see cref="PythonManager"/>'s counterpart of
/// <see cref="SharedObject"/>): call its exposed methods by their Python names, or through <c>dynamic</c>.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> Each handle holds one reference counted by the Python server: the one <c>create</c>
/// gave, the one a <c>#PROXY</c> reply gave, or one taken with <c>incref</c> when the handle arrived inside a
/// value. <see cref="Dispose"/> sends the <c>decref</c> (a finalizer is the backstop), and disposing the
/// <see cref="PythonManager"/> releases every handle still alive.</para>
/// <para><b>Calls.</b> Thread-safe: each call in flight has a call channel of its own (CPython serves a channel
/// strictly one request at a time), so a blocking call (a queue <c>get</c>) never delays the others. Arguments and
/// results are converted as docs/python.md ("The C# client") lists; a handle passed as an argument, or inside a
/// list or dictionary, arrives in Python as a proxy to the same object.</para>
/// <para><b>Failures.</b> Every call throws <see cref="ManagerUnavailableException"/> when the manager cannot be
/// reached or its connection breaks mid-call (the call may or may not have run), <see cref="ObjectDisposedException"/>
/// after <see cref="Dispose"/>, the mapped .NET exception (inner <see cref="PythonRemoteException"/>) or a
/// <see cref="PythonRemoteException"/> for what the Python method raised, and a
/// <see cref="PythonRemoteException"/> with <see cref="PythonRemoteException.RemoteTraceback"/> when the manager refuses
/// the request (a method that is not exposed, an object that is gone).</para>
/// </remarks>
public sealed class PythonObject : DynamicObject, IDisposable, IAsyncDisposable
{
    private readonly PythonClientSession _session;
    private readonly PythonToken _token;
    private readonly PyGlobal _proxyClass;
    private readonly PyDict _proxyKwargs;
    private readonly long _handle;
    private int _disposed;

    private PythonObject(PythonClientSession session, PythonToken token, IReadOnlyList<string> exposed, PyGlobal? proxyClass, PyDict? proxyKwargs)
    {
        _session = session;
        _token = token;
        Exposed = exposed;
        (PyGlobal defaultClass, PyDict defaultKwargs) = PythonProxyPickle.DefaultFor(token.TypeId, exposed);
        _proxyClass = proxyClass ?? defaultClass;
        _proxyKwargs = proxyKwargs ?? defaultKwargs;
        _handle = session.Hold(token);
    }

    /// <summary>Finalizer: releases the reference of a handle that was never disposed.</summary>
    ~PythonObject()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && !_session.IsDisposed)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.session.Release(state.handle), (session: _session, handle: _handle), preferLocal: false);
        }
    }

    /// <summary>Gets the typeid the object was created under (<c>list</c>, <c>Queue</c>, a user's typeid, <c>Iterator</c> …).</summary>
    public string TypeId => _token.TypeId;

    /// <summary>Gets the object's id in the Python manager.</summary>
    public string Id => _token.Id;

    /// <summary>Gets the method names the manager exposes for this object (empty when it did not say, as for a proxy received inside a value).</summary>
    public IReadOnlyList<string> Exposed { get; }

    /// <summary>Gets the address of the manager that holds the object.</summary>
    public string ManagerAddress => _session.Address;

    /// <summary>Calls a method by its Python name and returns the converted result.</summary>
    /// <param name="method">The Python method name, exactly (<c>append</c>, <c>__getitem__</c>, <c>raise_</c>).</param>
    /// <param name="args">The positional arguments.</param>
    /// <returns>The result: a .NET value, a <see cref="PythonObject"/> for a proxy, or a <see cref="OpaquePythonValue"/>.</returns>
    /// <exception cref="ArgumentException">An argument has no Python form.</exception>
    public Task<object?> InvokeAsync(string method, params object?[] args)
        => InvokeAsync(method, args, null, CancellationToken.None);

    /// <summary>Calls a method by its Python name and converts the result to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The result type (numbers, string, bool, byte[], decimal, dates, arrays, lists, dictionaries, tuples, <see cref="PythonObject"/>, <see cref="object"/>).</typeparam>
    /// <param name="method">The Python method name, exactly.</param>
    /// <param name="args">The positional arguments.</param>
    /// <returns>The converted result.</returns>
    /// <exception cref="InvalidCastException">The result does not convert to <typeparamref name="T"/>.</exception>
    public Task<T> InvokeAsync<T>(string method, params object?[] args)
        => InvokeAsync<T>(method, args, null, CancellationToken.None);

    /// <summary>Calls a method with positional and keyword arguments (<c>q.get(timeout=0.3)</c>).</summary>
    /// <param name="method">The Python method name, exactly.</param>
    /// <param name="args">The positional arguments.</param>
    /// <param name="keywordArguments">The keyword arguments by Python parameter name, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">
    /// Stops waiting: the call's channel is closed, the task is cancelled, and the call may still run in Python
    /// (a blocked <c>get</c> that later takes an item loses it; the typed queue adapter waits in slices instead).
    /// </param>
    /// <returns>The converted result.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task<object?> InvokeAsync(string method, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? keywordArguments, CancellationToken cancellationToken = default)
        => InvokeAsync<object?>(method, args, keywordArguments, cancellationToken);

    /// <summary>Calls a method with positional and keyword arguments and converts the result to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="method">The Python method name, exactly.</param>
    /// <param name="args">The positional arguments.</param>
    /// <param name="keywordArguments">The keyword arguments by Python parameter name, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting, as for <see cref="InvokeAsync(string, IReadOnlyList{object?}, IReadOnlyDictionary{string, object?}?, CancellationToken)"/>.</param>
    /// <returns>The converted result.</returns>
    /// <exception cref="InvalidCastException">The result does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task<T> InvokeAsync<T>(string method, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? keywordArguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
        ThrowIfDisposed();
        PyTuple encoded = PythonValueEncoder.EncodeArgs(args);
        PyDict kwargs = PythonValueEncoder.EncodeKwargs(keywordArguments);
        return RunAsync(() => PythonValueConverter.To<T>(Call(method, encoded, kwargs, cancellationToken)), waits: true, cancellationToken);
    }

    /// <summary>Calls a method synchronously and returns the converted result.</summary>
    /// <param name="method">The Python method name, exactly.</param>
    /// <param name="args">The positional arguments.</param>
    /// <returns>The result.</returns>
    public object? Invoke(string method, params object?[] args) => Invoke<object?>(method, args);

    /// <summary>Calls a method synchronously and converts the result to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="method">The Python method name, exactly.</param>
    /// <param name="args">The positional arguments.</param>
    /// <returns>The converted result.</returns>
    /// <exception cref="InvalidCastException">The result does not convert to <typeparamref name="T"/>.</exception>
    public T Invoke<T>(string method, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        return PythonValueConverter.To<T>(Call(method, args));
    }

    /// <summary>Returns an interface-typed proxy over this handle: each member calls the Python method of its snake-case
    /// name (docs/python.md, "Names": <c>Raise</c> → <c>raise_</c>, property <c>Salary</c> → <c>get_salary</c>); an awaitable
    /// method's <c>Async</c> suffix is dropped (<c>RaiseAsync</c> → <c>raise_</c>).</summary>
    /// <typeparam name="TInterface">A public interface; its methods may be synchronous or return <see cref="Task"/>/<see cref="ValueTask"/>
    /// (a <see cref="CancellationToken"/> parameter cancels the wait and is not sent). <see cref="IDisposable.Dispose"/> disposes this handle.</typeparam>
    /// <returns>The proxy, sharing this handle's reference.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="TInterface"/> is not an interface.</exception>
    public TInterface As<TInterface>()
        where TInterface : class
    {
        ThrowIfDisposed();
        return PythonInterfaceProxy.Create<TInterface>(this);
    }

    /// <summary>Wraps this handle as a typed list over a Python <c>list</c>; disposing the list disposes this handle.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <returns>The list adapter (docs/python.md lists the members CPython cannot provide).</returns>
    public ISharedList<T> AsList<T>() => new PythonListAdapter<T>(this);

    /// <summary>Wraps this handle as a typed dictionary over a Python <c>dict</c>; disposing the dictionary disposes this handle.</summary>
    /// <typeparam name="TKey">The key type (converted to a hashable Python value: numbers, strings, tuples …).</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <returns>The dictionary adapter (docs/python.md lists the members CPython cannot provide).</returns>
    public ISharedDictionary<TKey, TValue> AsDictionary<TKey, TValue>()
        where TKey : notnull
        => new PythonDictionaryAdapter<TKey, TValue>(this);

    /// <summary>Wraps this handle as a typed queue over a Python <c>queue.Queue</c> (typeid <c>Queue</c>, or a callable returning one); disposing the queue disposes this handle.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="capacity">The queue's <c>maxsize</c> if known (CPython exposes no way to read it); 0 for unbounded; null when unknown (<see cref="ISharedQueue{T}.Capacity"/> then throws).</param>
    /// <returns>The queue adapter (docs/python.md lists the members CPython cannot provide).</returns>
    public ISharedQueue<T> AsQueue<T>(int? capacity = null) => new PythonQueueAdapter<T>(this, capacity);

    /// <summary>Releases this handle's reference (a <c>decref</c> on the manager).</summary>
    /// <remarks>Never throws: a manager that cannot be reached has released its objects or will never need the decref.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Release(_handle);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Releases this handle's reference without blocking the caller's thread.</summary>
    /// <returns>A task that completes when the <c>decref</c> was sent.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Task.Run(() => _session.Release(_handle)).ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    /// <remarks>A method name is sent as is when the object exposes it, else in snake case (<c>Raise</c> → <c>raise_</c>);
    /// named arguments become keyword arguments (<c>q.get(timeout: 0.3)</c>).</remarks>
    public override bool TryInvokeMember(InvokeMemberBinder binder, object?[]? args, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        args ??= [];
        int named = binder.CallInfo.ArgumentNames.Count;
        var kwargs = new Dictionary<string, object?>(named);
        for (int i = 0; i < named; i++)
        {
            kwargs[binder.CallInfo.ArgumentNames[i]] = args[args.Length - named + i];
        }

        ThrowIfDisposed();
        result = Call(PythonName(binder.Name), PythonValueEncoder.EncodeArgs(args[..(args.Length - named)]), PythonValueEncoder.EncodeKwargs(kwargs), CancellationToken.None);
        return true;
    }

    /// <inheritdoc />
    /// <remarks>Reads an attribute through <c>__getattribute__</c> (a <c>Namespace</c>, a <c>Barrier</c>'s <c>parties</c>);
    /// an object that does not expose it has no readable members.</remarks>
    public override bool TryGetMember(GetMemberBinder binder, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        result = null;
        if (!Exposed.Contains("__getattribute__"))
        {
            return false;
        }

        result = Call("__getattribute__", binder.Name);
        return true;
    }

    /// <inheritdoc />
    /// <remarks>Sets an attribute through <c>__setattr__</c> (a <c>Namespace</c>).</remarks>
    public override bool TrySetMember(SetMemberBinder binder, object? value)
    {
        ArgumentNullException.ThrowIfNull(binder);
        if (!Exposed.Contains("__setattr__"))
        {
            return false;
        }

        Call("__setattr__", binder.Name, value);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"PythonObject({TypeId} {Id} at {ManagerAddress})";

    /// <summary>A handle for a proxy received inside a value: takes its own reference first.</summary>
    internal static PythonObject Received(PythonClientSession session, PythonToken token, PyGlobal proxyClass, PyDict kwargs)
    {
        session.Incref(token);
        return new PythonObject(session, token, PythonProxyPickle.ExposedOf(kwargs), proxyClass, kwargs);
    }

    /// <summary>A handle that adopts a reference the server already counted (<c>create</c>, <c>#PROXY</c>).</summary>
    internal static PythonObject Adopt(PythonClientSession session, PythonToken token, IReadOnlyList<string> exposed)
        => new(session, token, exposed, null, null);

    /// <summary>Runs a call on a thread of its own; <paramref name="waits"/> marks calls that may block for long.</summary>
    internal static Task<T> RunAsync<T>(Func<T> call, bool waits, CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<T>(cancellationToken)
            : Task.Factory.StartNew(call, CancellationToken.None, waits ? TaskCreationOptions.LongRunning : TaskCreationOptions.None, TaskScheduler.Default);

    /// <summary>Calls with positional .NET arguments; the result decoded, not converted.</summary>
    internal object? Call(string method, params object?[] args)
    {
        ThrowIfDisposed();
        return Call(method, PythonValueEncoder.EncodeArgs(args), new PyDict(), CancellationToken.None);
    }

    /// <summary>Calls with encoded arguments; the result decoded (proxies become handles), not converted.</summary>
    internal object? Call(string method, PyTuple args, PyDict kwargs, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        PythonReply reply = _session.Call(_token.Id, method, args, kwargs, cancellationToken);
        return Complete(_session, reply, $"{TypeId}.{method}()");
    }

    /// <summary>This handle as Python pickles a proxy: <c>RebuildProxy(class, token, 'pickle', kwds)</c>.</summary>
    internal PyObject ToRebuildProxy()
    {
        ThrowIfDisposed();
        return PythonProxyPickle.Write(_proxyClass, _token, _proxyKwargs);
    }

    /// <summary>The value of a reply, or the exception it carries.</summary>
    internal static object? Complete(PythonClientSession session, PythonReply reply, string context)
    {
        switch (reply.Kind)
        {
            case PythonReply.Return:
                return PythonValueDecoder.Decode(reply.Value, session);
            case PythonReply.Proxy when reply.Value is PyTuple { Count: 2 } proxy && proxy[0] is PyTuple exposed
                && PythonToken.TryRead(proxy[1], out PythonToken? token):
                session.Learn(token!);
                return Adopt(session, token!, [.. exposed.OfType<string>()]);
            case PythonReply.Proxy:
                throw new ProtocolViolationException($"The Python manager answered {context} with a #PROXY that is not (exposed, Token).");
            default:
                throw PythonErrorMapping.ToException(reply, context);
        }
    }

    private string PythonName(string name)
        => Exposed.Contains(name) || !name.Any(char.IsUpper) ? name : PythonNames.Of(name);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
