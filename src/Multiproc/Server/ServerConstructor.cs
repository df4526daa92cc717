using System.Linq.Expressions;
using System.Reflection;
using Multiproc.Serialization;

namespace Multiproc.Server;

/// <summary>A public constructor of a registered class, compiled, with its argument readers.</summary>
/// <remarks>
/// A parameter of type <see cref="TimeProvider"/> is supplied by the server (its clock), never read from
/// the wire, so built-in objects time their waits with the manager's clock.
/// </remarks>
internal sealed class ServerConstructor
{
    private readonly Func<object?[], object> _invoker;
    private readonly int _clockIndex;
    private readonly int _parameterCount;

    public ServerConstructor(ConstructorInfo constructor)
    {
        ParameterInfo[] all = constructor.GetParameters();
        _parameterCount = all.Length;
        _clockIndex = Array.FindIndex(all, p => p.ParameterType == typeof(TimeProvider));
        Parameters = [.. all.Where(p => p.ParameterType != typeof(TimeProvider))];
        ArgumentReaders = [.. Parameters.Select(p => ValueCodec.GetReader(p.ParameterType))];
        ParameterExpression args = Expression.Parameter(typeof(object?[]), "args");
        Expression[] arguments = [.. all.Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType))];
        _invoker = Expression.Lambda<Func<object?[], object>>(Expression.New(constructor, arguments), args).Compile();
        Signature = $"{constructor.DeclaringType!.Name}({string.Join(", ", Parameters.Select(p => p.ParameterType.Name))})";
    }

    /// <summary>Gets the parameters sent on the wire (server-supplied ones excluded).</summary>
    public IReadOnlyList<ParameterInfo> Parameters { get; }

    public ValueReader[] ArgumentReaders { get; }

    public string Signature { get; }

    /// <summary>Constructs an instance from the wire arguments, supplying the server's clock where asked for.</summary>
    public object Construct(object?[] wireArguments, TimeProvider clock)
    {
        if (_clockIndex < 0)
        {
            return _invoker(wireArguments);
        }

        object?[] all = new object?[_parameterCount];
        for (int i = 0, wire = 0; i < all.Length; i++)
        {
            all[i] = i == _clockIndex ? clock : wireArguments[wire++];
        }

        return _invoker(all);
    }
}
