using System.Reflection;
using MessagePack;
using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Child;

/// <summary>A target resolved inside a pool worker, cached by the id the parent gave it.</summary>
/// <remarks>A target that failed to resolve keeps the failure and reports it for every task that uses it.</remarks>
internal sealed class PoolTarget
{
    private readonly MethodInfo? _method;
    private readonly object? _instance;
    private readonly ParameterInfo[] _parameters = [];
    private readonly Exception? _resolveError;
    private MapInvoker? _mapInvoker;

    /// <summary>Resolves an identity encoded by <see cref="TargetMethod.EncodeIdentity"/>.</summary>
    public PoolTarget(ReadOnlySpan<byte> identity)
    {
        try
        {
            _method = TargetMethod.DecodeIdentity(identity);
            _instance = TargetMethod.CreateInstance(_method);
            _parameters = _method.GetParameters();
        }
        catch (Exception ex)
        {
            _resolveError = ex;
        }
    }

    /// <summary>Decodes an argument array, invokes the target and writes its result.</summary>
    /// <remarks><paramref name="result"/> writes inside the caller's <see cref="OutgoingReferences"/> scope.</remarks>
    public void Apply(ref MessagePackReader arguments, ref MessagePackWriter result)
    {
        MethodInfo method = Resolved();
        object?[] values = WorkerArgumentCodec.DecodeArguments(_parameters, ref arguments);
        object? value = WorkerEntryPoint.Invoke(method, _instance, values);
        if (method.ReturnType == typeof(void))
        {
            result.WriteNil();
        }
        else
        {
            WorkerArgumentCodec.WriteValue(ref result, method.ReturnType, value);
        }
    }

    /// <summary>Runs the target over a chunk of items.</summary>
    public void Map(ref MessagePackReader items, ref MessagePackWriter results)
    {
        MethodInfo method = Resolved();
        _mapInvoker ??= MapInvoker.Create(method, _instance);
        _mapInvoker.Invoke(ref items, ref results);
    }

    private MethodInfo Resolved()
        => _resolveError is not null
            ? throw new TargetInvocationException($"The worker could not load its target: {_resolveError.Message}", _resolveError)
            : _method!;
}
