using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>What each pool worker runs before its first task: the method, and its arguments encoded afresh for every worker.</summary>
/// <remarks>
/// Encoded per worker, not once: a proxy argument is handed over to one process, and a worker that
/// replaces another (recycling, a crash) must adopt its own reference.
/// </remarks>
internal sealed class PoolInitializer
{
    private readonly TargetMethod _method;
    private readonly object?[] _arguments;

    /// <exception cref="ArgumentException">The initializer captures state.</exception>
    public PoolInitializer(Delegate initializer, object?[] arguments, string parameterName)
    {
        _method = TargetMethod.FromDelegate(initializer, parameterName);
        _arguments = arguments;
        Identity = _method.EncodeIdentity();
    }

    /// <summary>Gets the method's identity, as a worker resolves it.</summary>
    public byte[] Identity { get; }

    /// <summary>Encodes the arguments for one worker; null when there are none.</summary>
    /// <exception cref="ArgumentException">An argument cannot be sent to a worker.</exception>
    /// <exception cref="ManagerUnavailableException">A proxy argument's manager is gone.</exception>
    public byte[]? EncodeArguments()
        => _arguments.Length == 0 ? null : WorkerArgumentCodec.EncodeArguments(_method.Method, _arguments);
}
