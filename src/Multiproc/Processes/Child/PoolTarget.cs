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
    public void Apply(ref MessagePackReader arguments, ref MessagePackWriter result)
    {
        MethodInfo method = Resolved();
        int count = arguments.ReadArrayHeader();
        if (count != _parameters.Length)
        {
            throw new InvalidDataException($"Expected {_parameters.Length} arguments, received {count}.");
        }

        object?[] values = new object?[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = WorkerArgumentCodec.ReadValue(ref arguments, _parameters[i].ParameterType);
        }

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
