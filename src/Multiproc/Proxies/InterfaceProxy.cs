using System.Reflection;

namespace Multiproc.Proxies;

/// <summary>
/// The base of every generated interface proxy: each interface call becomes one remote call
/// through the proxy's <see cref="SharedObject"/> handle.
/// </summary>
/// <remarks>
/// Synchronous methods block the calling thread for the reply; Task/ValueTask methods never block.
/// Dispose/DisposeAsync release the proxy's reference instead of calling the object.
/// </remarks>
internal class InterfaceProxy : DispatchProxy, IProxy, IDisposable, IAsyncDisposable
{
    private ProxyContract _contract = null!;
    private SharedObject _handle = null!;

    SharedObject IProxy.Handle => _handle;

    /// <summary>Releases this proxy's reference to the shared object.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases this proxy's reference to the shared object.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"Proxy({_handle.TypeId}#{_handle.ObjectId})";

    internal void Initialize(ProxyContract contract, SharedObject handle)
    {
        _contract = contract;
        _handle = handle;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        ProxyMethod method = _contract[targetMethod];
        if (method.IsRelease)
        {
            _handle.Dispose();
            return targetMethod.ReturnType == typeof(ValueTask) ? ValueTask.CompletedTask : null;
        }

        args ??= [];
        var arguments = new CallArguments(args, method.WireIndices, method.Writers);
        CancellationToken cancellationToken = method.CancellationTokenIndex >= 0 ? (CancellationToken)args[method.CancellationTokenIndex]! : default;
        ICallChannel connection = _handle.ChannelForCall();
        if (method.IsAsync)
        {
            return method.Shape(connection.CallAsync(_handle.TypeId, _handle.ObjectId, method.Key, arguments, cancellationToken), connection.SerializerOptions);
        }

        return connection.Call(_handle.TypeId, _handle.ObjectId, method.Key, arguments, cancellationToken).Decode(method.ResultReader, connection.SerializerOptions);
    }
}
