using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>What each pool worker runs before its first task: the method, and its arguments encoded afresh for every worker.</summary>
/// <remarks>
/// <para>
/// Encoded per worker, not once: a proxy argument is handed over to one process, and a worker that
/// replaces another (recycling, a crash) must adopt its own reference.
/// </para>
/// <para>
/// The arguments are the pool's own copy, taken when the pool starts: a proxy among them is a
/// reference the pool holds until it is disposed. The caller may dispose its proxy right after
/// <see cref="ProcessPool.StartAsync"/> returns, and a replacement worker still gets the object.
/// </para>
/// </remarks>
internal sealed class PoolInitializer : IDisposable
{
    private readonly TargetMethod _method;
    private readonly object?[] _arguments;
    private readonly IDisposable[] _references;

    /// <exception cref="ArgumentException">The initializer captures state, or an argument cannot be sent to a worker.</exception>
    /// <exception cref="ManagerUnavailableException">A proxy argument's manager is gone.</exception>
    public PoolInitializer(Delegate initializer, object?[] arguments, string parameterName)
    {
        _method = TargetMethod.FromDelegate(initializer, parameterName);
        Identity = _method.EncodeIdentity();
        if (arguments.Length == 0)
        {
            _arguments = [];
            _references = [];
        }
        else
        {
            _arguments = WorkerArgumentCodec.CopyArguments(_method.Method, arguments, out _references);
        }
    }

    /// <summary>Gets the method's identity, as a worker resolves it.</summary>
    public byte[] Identity { get; }

    /// <summary>Encodes the arguments for one worker; null when there are none.</summary>
    /// <exception cref="ArgumentException">An argument cannot be sent to a worker.</exception>
    /// <exception cref="ManagerUnavailableException">A proxy argument's manager is gone.</exception>
    public byte[]? EncodeArguments()
        => _arguments.Length == 0 ? null : WorkerArgumentCodec.EncodeArguments(_method.Method, _arguments);

    /// <summary>Releases the pool's references; called once no worker can start any more.</summary>
    public void Dispose()
    {
        foreach (IDisposable reference in _references)
        {
            reference.Dispose();
        }
    }
}
