using Multiproc.Memory;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Proxies;
using Multiproc.Proxies.BuiltIns;
using Multiproc.Transport;

namespace Multiproc;

/// <summary>Creation of the built-in shared objects.</summary>
public sealed partial class Manager
{
    /// <summary>Creates a shared list (Python's <c>manager.list()</c>).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">Initial items, or null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The list's proxy.</returns>
    public async Task<ISharedList<T>> CreateListAsync<T>(IEnumerable<T>? items = null, CancellationToken cancellationToken = default)
    {
        (ValueKind kind, bool nullable) = ValueKinds.Of(typeof(T));
        // A list, not an array: MessagePack writes every list as an array of items, where a byte[] would be one binary.
        List<T> initial = items is null ? [] : [.. items];
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.List, [(int)kind, nullable, initial], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedList<T>>(handle);
    }

    /// <summary>Creates a shared dictionary (Python's <c>manager.dict()</c>).</summary>
    /// <typeparam name="TKey">The key type; see <see cref="ISharedDictionary{TKey, TValue}"/> for what is supported.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The dictionary's proxy.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="TKey"/> does not encode deterministically.</exception>
    public async Task<ISharedDictionary<TKey, TValue>> CreateDictionaryAsync<TKey, TValue>(CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        KeyTypes.Validate(typeof(TKey));
        (ValueKind keyKind, _) = ValueKinds.Of(typeof(TKey));
        (ValueKind valueKind, bool nullable) = ValueKinds.Of(typeof(TValue));
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Dictionary, [(int)keyKind, (int)valueKind, nullable], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedDictionary<TKey, TValue>>(handle);
    }

    /// <summary>Creates a shared value (Python's <c>manager.Value</c>).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="initial">The initial value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The value's proxy.</returns>
    public async Task<ISharedValue<T>> CreateValueAsync<T>(T initial, CancellationToken cancellationToken = default)
    {
        (ValueKind kind, bool nullable) = ValueKinds.Of(typeof(T));
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Value, [(int)kind, nullable, initial], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedValue<T>>(handle);
    }

    /// <summary>Creates a shared namespace (Python's <c>manager.Namespace()</c>).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The namespace's proxy; also usable as <c>dynamic</c>.</returns>
    public async Task<ISharedNamespace> CreateNamespaceAsync(CancellationToken cancellationToken = default)
    {
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Namespace, [], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedNamespace>(handle);
    }

    /// <summary>Creates an array in shared memory that every process on this machine maps directly (no proxy calls per element).</summary>
    /// <typeparam name="T">An unmanaged element type.</typeparam>
    /// <param name="length">The number of elements (zero-filled).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The array; disposing it unmaps it and releases the manager's reference. The block is removed when the last reference goes or the manager shuts down.</returns>
    /// <exception cref="NotSupportedException">The manager is reached over TCP on another machine: shared memory needs the same machine.</exception>
    public async Task<SharedArray<T>> CreateArrayAsync<T>(int length, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!ManagerAddress.TryParse(_connection.Address, out ManagerAddress? address) || address is { IsUnix: false, Host: not ("127.0.0.1" or "localhost" or "::1") })
        {
            throw new NotSupportedException($"Shared arrays need the manager on this machine; this manager is reached at {_connection.Address}.");
        }

        int elementSize = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Array, [elementSize, length], cancellationToken).ConfigureAwait(false);
        try
        {
            string name = await handle.InvokeAsync<string>(ArrayMembers.Name, [], cancellationToken).ConfigureAwait(false);
            return SharedArray<T>.OpenHeld(new SharedArrayDescriptor(name, elementSize, length), handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private Task<SharedObject> CreateBuiltInAsync(string typeId, object?[] args, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _control.CreateAsync(typeId, args, cancellationToken);
    }
}
