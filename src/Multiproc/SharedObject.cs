using System.Dynamic;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Multiproc.Transport;

namespace Multiproc;

/// <summary>
/// An untyped handle to one shared object in a manager: the thing under every proxy.
/// Call members by name, or through <c>dynamic</c>.
/// </summary>
/// <remarks>
/// <para>Each handle owns one reference; <see cref="Dispose"/> releases it (a finalizer is the backstop),
/// and the object lives while any reference, name or container holds it.</para>
/// <para>Thread-safe: calls from many threads and tasks share the process's channel.
/// Members are matched by name and argument count; arguments are sent by their runtime types.</para>
/// </remarks>
public sealed class SharedObject : DynamicObject, IDisposable, IAsyncDisposable, IEquatable<SharedObject>
{
    private readonly ICallChannel _channel;
    private int _disposed;

    internal SharedObject(ICallChannel channel, long objectId, string typeId)
    {
        _channel = channel;
        ObjectId = objectId;
        TypeId = typeId;
    }

    /// <summary>Finalizer: releases the reference of a handle that was never disposed.</summary>
    ~SharedObject()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && !_channel.IsBroken)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.channel.Release(state.id), (channel: _channel, id: ObjectId), preferLocal: false);
        }
    }

    /// <summary>Gets the object's id in its manager.</summary>
    public long ObjectId { get; }

    /// <summary>Gets the type id the object was registered under.</summary>
    public string TypeId { get; }

    /// <summary>Gets the address of the manager that holds the object.</summary>
    public string ManagerAddress => _channel.Address;

    internal ICallChannel Channel => _channel;

    /// <summary>Returns the handle under a typed proxy (or the handle itself).</summary>
    /// <param name="proxy">A proxy returned by Multiproc.</param>
    /// <returns>The handle; disposing it releases the proxy too.</returns>
    /// <exception cref="ArgumentException"><paramref name="proxy"/> is not a Multiproc proxy.</exception>
    public static SharedObject FromProxy(object proxy)
        => proxy as SharedObject ?? (proxy as IProxy)?.Handle
            ?? throw new ArgumentException($"A {proxy?.GetType().Name ?? "null"} is not a Multiproc proxy.", nameof(proxy));

    /// <summary>Calls a member and returns its result as <typeparamref name="T"/>.</summary>
    /// <param name="member">The method name (property getters are <c>get_Name</c>).</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    /// <exception cref="MissingMethodException">The object has no such member for that many arguments.</exception>
    /// <exception cref="ArgumentException">A <see cref="CancellationToken"/> is among <paramref name="args"/>: use the overload that takes one.</exception>
    public Task<T> InvokeAsync<T>(string member, params object?[] args) => InvokeAsync<T>(member, CallArgumentList.FromParams(args), CancellationToken.None);

    /// <summary>Calls a member with a cancellation token and returns its result as <typeparamref name="T"/>.</summary>
    /// <param name="member">The method name.</param>
    /// <param name="args">The arguments, in order.</param>
    /// <param name="cancellationToken">
    /// Cancels the wait at once, and asks the manager to cancel the call. If the call had already
    /// removed a value for this caller (a queue item, a popped element), the late reply gives it back.
    /// </param>
    /// <returns>The result.</returns>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    /// <exception cref="MissingMethodException">The object has no such member for that many arguments.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<T> InvokeAsync<T>(string member, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(member);
        ArgumentNullException.ThrowIfNull(args);
        ICallChannel channel = ChannelForCall();
        Reply reply = await channel.CallAsync(TypeId, ObjectId, member, new CallArguments(args as object?[] ?? [.. args]), cancellationToken).ConfigureAwait(false);
        return (T)reply.Decode(ValueCodec<T>.Reader, channel.SerializerOptions)!;
    }

    /// <summary>Calls a member that returns nothing (or whose result is not needed).</summary>
    /// <param name="member">The method name.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>A task that completes when the call has run.</returns>
    /// <exception cref="ArgumentException">A <see cref="CancellationToken"/> is among <paramref name="args"/>: use the overload that takes one.</exception>
    public Task InvokeAsync(string member, params object?[] args) => InvokeAsync(member, CallArgumentList.FromParams(args), CancellationToken.None);

    /// <summary>Calls a member that returns nothing, with a cancellation token.</summary>
    /// <param name="member">The method name.</param>
    /// <param name="args">The arguments, in order.</param>
    /// <param name="cancellationToken">Cancels the wait at once, and asks the manager to cancel the call.</param>
    /// <returns>A task that completes when the call has run.</returns>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task InvokeAsync(string member, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(member);
        ArgumentNullException.ThrowIfNull(args);
        ICallChannel channel = ChannelForCall();
        Reply reply = await channel.CallAsync(TypeId, ObjectId, member, new CallArguments(args as object?[] ?? [.. args]), cancellationToken).ConfigureAwait(false);
        reply.Decode(null, channel.SerializerOptions);
    }

    /// <summary>Calls a member synchronously and returns its result as <typeparamref name="T"/>.</summary>
    /// <param name="member">The method name.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public T Invoke<T>(string member, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(member);
        ICallChannel channel = ChannelForCall();
        return (T)channel.Call(TypeId, ObjectId, member, new CallArguments(CallArgumentList.FromParams(args))).Decode(ValueCodec<T>.Reader, channel.SerializerOptions)!;
    }

    /// <summary>Returns a typed proxy over this handle (sharing its reference).</summary>
    /// <typeparam name="TInterface">An interface the object implements.</typeparam>
    /// <returns>The proxy.</returns>
    public TInterface As<TInterface>()
        where TInterface : class
    {
        ThrowIfDisposed();
        return ProxyFactory.Create<TInterface>(this);
    }

    /// <summary>Releases this handle's reference to the object.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Release(ObjectId);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Releases this handle's reference to the object.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override bool TryInvokeMember(InvokeMemberBinder binder, object?[]? args, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        result = Invoke<object?>(binder.Name, args ?? []);
        return true;
    }

    /// <inheritdoc />
    public override bool TryGetMember(GetMemberBinder binder, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        result = Invoke<object?>("get_" + binder.Name);
        return true;
    }

    /// <inheritdoc />
    public override bool TrySetMember(SetMemberBinder binder, object? value)
    {
        ArgumentNullException.ThrowIfNull(binder);
        Invoke<object?>("set_" + binder.Name, value);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(SharedObject? other)
        => other is not null && other.ObjectId == ObjectId && other._channel.ServerId == _channel.ServerId;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SharedObject other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ObjectId, _channel.ServerId);

    /// <inheritdoc />
    public override string ToString() => $"SharedObject({TypeId}#{ObjectId} at {ManagerAddress})";

    internal void ThrowIfDisposed()
        => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    internal ICallChannel ChannelForCall()
    {
        ThrowIfDisposed();
        return _channel;
    }
}
