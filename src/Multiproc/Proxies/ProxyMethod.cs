using System.Reflection;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Proxies;

/// <summary>
/// One interface method as the proxy calls it: the member key, which arguments go on the wire and
/// how, where the CancellationToken is, and how to shape the reply into the declared return type.
/// </summary>
internal sealed class ProxyMethod
{
    private static readonly MethodInfo s_taskOf = typeof(ProxyMethod).GetMethod(nameof(AsTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_valueTaskOf = typeof(ProxyMethod).GetMethod(nameof(AsValueTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<ValueTask<Reply>, ValueReader?, MessagePackSerializerOptions, object>? _asyncShape;

    public ProxyMethod(MethodInfo method)
    {
        Key = MemberKey.For(method);
        ParameterInfo[] parameters = method.GetParameters();
        CancellationTokenIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
        WireIndices = [.. Enumerable.Range(0, parameters.Length).Where(i => i != CancellationTokenIndex)];
        Writers = [.. WireIndices.Select(i => ValueCodec.GetWriter(parameters[i].ParameterType))];
        Type resultType = ContractShape.UnwrapAwaitable(method.ReturnType);
        ResultReader = resultType == typeof(void) ? null : ValueCodec.GetReader(resultType);
        IsRelease = method.DeclaringType == typeof(IDisposable) || method.DeclaringType == typeof(IAsyncDisposable);
        _asyncShape = ShapeFor(method.ReturnType, resultType);
    }

    public string Key { get; }

    public int CancellationTokenIndex { get; }

    public int[] WireIndices { get; }

    public ValueWriter[] Writers { get; }

    public ValueReader? ResultReader { get; }

    /// <summary>Gets whether this is Dispose/DisposeAsync, which releases the proxy instead of calling the object.</summary>
    public bool IsRelease { get; }

    public bool IsAsync => _asyncShape is not null;

    public object Shape(ValueTask<Reply> pending, MessagePackSerializerOptions options) => _asyncShape!(pending, ResultReader, options);

    private static Func<ValueTask<Reply>, ValueReader?, MessagePackSerializerOptions, object>? ShapeFor(Type returnType, Type resultType)
    {
        if (returnType == typeof(Task))
        {
            return static (p, r, o) => AsTask(p, o);
        }

        if (returnType == typeof(ValueTask))
        {
            return static (p, r, o) => new ValueTask(AsTask(p, o));
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return s_taskOf.MakeGenericMethod(resultType).CreateDelegate<Func<ValueTask<Reply>, ValueReader?, MessagePackSerializerOptions, object>>();
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return s_valueTaskOf.MakeGenericMethod(resultType).CreateDelegate<Func<ValueTask<Reply>, ValueReader?, MessagePackSerializerOptions, object>>();
        }

        return null;
    }

    private static async Task AsTask(ValueTask<Reply> pending, MessagePackSerializerOptions options)
        => (await pending.ConfigureAwait(false)).Decode(null, options);

    private static Task<T> AsTaskOf<T>(ValueTask<Reply> pending, ValueReader? reader, MessagePackSerializerOptions options)
        => AwaitTyped<T>(pending, reader, options);

#pragma warning disable CA1859 // Bound to a delegate returning object.
    private static object AsValueTaskOf<T>(ValueTask<Reply> pending, ValueReader? reader, MessagePackSerializerOptions options)
        => new ValueTask<T>(AwaitTyped<T>(pending, reader, options));
#pragma warning restore CA1859

    private static async Task<T> AwaitTyped<T>(ValueTask<Reply> pending, ValueReader? reader, MessagePackSerializerOptions options)
        => (T)(await pending.ConfigureAwait(false)).Decode(reader, options)!;
}
