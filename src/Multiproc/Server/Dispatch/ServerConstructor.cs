using System.Linq.Expressions;
using System.Reflection;
using Multiproc.Serialization;

namespace Multiproc.Server.Dispatch;

/// <summary>A public constructor of a registered class, compiled, with its argument readers.</summary>
/// <remarks>
/// Parameters of type <see cref="TimeProvider"/> (the server's clock, so built-in objects time their
/// waits with it) and <see cref="SharedMemoryQuota"/> (internal, so only built-in types can declare
/// one) are supplied by the server, never read from the wire.
/// </remarks>
internal sealed class ServerConstructor
{
    private readonly ConstructorInfo _constructor;
    private readonly int _clockIndex;
    private readonly int _quotaIndex;
    private readonly int _parameterCount;

    public ServerConstructor(ConstructorInfo constructor)
    {
        ParameterInfo[] all = constructor.GetParameters();
        _parameterCount = all.Length;
        _clockIndex = Array.FindIndex(all, p => p.ParameterType == typeof(TimeProvider));
        _quotaIndex = Array.FindIndex(all, p => p.ParameterType == typeof(SharedMemoryQuota));
        Parameters = [.. all.Where(p => p.ParameterType != typeof(TimeProvider) && p.ParameterType != typeof(SharedMemoryQuota))];
        ArgumentReaders = [.. Parameters.Select(p => ValueCodec.GetReader(p.ParameterType))];
        _constructor = constructor;
        Signature = $"{constructor.DeclaringType!.Name}({string.Join(", ", Parameters.Select(p => p.ParameterType.Name))})";
    }

    /// <summary>Gets the parameters sent on the wire (server-supplied ones excluded).</summary>
    public IReadOnlyList<ParameterInfo> Parameters { get; }

    public ValueReader[] ArgumentReaders { get; }

    public string Signature { get; }

    /// <summary>Gets the compiled constructor, compiled at its first use (see <see cref="ServerMethod.Invoker"/>).</summary>
    private Func<object?[], object> Invoker => field ?? CompiledInvoker.Publish(ref field, Compile(_constructor));

    /// <summary>Constructs an instance from the wire arguments, supplying the server's clock and shared-memory quota where asked for.</summary>
    public object Construct(object?[] wireArguments, TimeProvider clock, SharedMemoryQuota quota)
    {
        if (_clockIndex < 0 && _quotaIndex < 0)
        {
            return Invoker(wireArguments);
        }

        object?[] all = new object?[_parameterCount];
        for (int i = 0, wire = 0; i < all.Length; i++)
        {
            all[i] = i == _clockIndex ? clock : i == _quotaIndex ? quota : wireArguments[wire++];
        }

        return Invoker(all);
    }

    private static Func<object?[], object> Compile(ConstructorInfo constructor)
    {
        ParameterExpression args = Expression.Parameter(typeof(object?[]), "args");
        Expression[] arguments = [.. constructor.GetParameters().Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType))];
        return Expression.Lambda<Func<object?[], object>>(Expression.New(constructor, arguments), args).Compile();
    }
}
