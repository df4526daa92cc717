using System.Linq.Expressions;
using System.Reflection;
using Multiproc.Serialization;

namespace Multiproc.Server;

/// <summary>A public constructor of a registered class, compiled, with its argument readers.</summary>
/// <remarks>
/// A parameter of type <see cref="SharedMemoryQuota"/> (internal, so only built-in types can declare
/// one) is supplied by the server and never read from the wire.
/// </remarks>
internal sealed class ServerConstructor
{
    public ServerConstructor(ConstructorInfo constructor)
    {
        ParameterInfo[] parameters = constructor.GetParameters();
        ParameterCount = parameters.Length;
        QuotaIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(SharedMemoryQuota));
        Parameters = [.. parameters.Where(p => p.ParameterType != typeof(SharedMemoryQuota))];
        ArgumentReaders = [.. Parameters.Select(p => ValueCodec.GetReader(p.ParameterType))];
        ParameterExpression args = Expression.Parameter(typeof(object?[]), "args");
        Expression[] arguments = [.. parameters.Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType))];
        Invoker = Expression.Lambda<Func<object?[], object>>(Expression.New(constructor, arguments), args).Compile();
        Signature = $"{constructor.DeclaringType!.Name}({string.Join(", ", Parameters.Select(p => p.ParameterType.Name))})";
    }

    /// <summary>Gets the parameters sent on the wire, in order.</summary>
    public IReadOnlyList<ParameterInfo> Parameters { get; }

    public ValueReader[] ArgumentReaders { get; }

    /// <summary>Gets the length of the array <see cref="Invoker"/> takes (wire and server-supplied parameters).</summary>
    public int ParameterCount { get; }

    /// <summary>Gets the position of the <see cref="SharedMemoryQuota"/> parameter, or -1.</summary>
    public int QuotaIndex { get; }

    public Func<object?[], object> Invoker { get; }

    public string Signature { get; }

    /// <summary>Places the decoded wire arguments and the server-supplied ones where the constructor takes them.</summary>
    public object?[] Arrange(object?[] wireArguments, SharedMemoryQuota quota)
    {
        if (QuotaIndex < 0)
        {
            return wireArguments;
        }

        object?[] arguments = new object?[ParameterCount];
        for (int i = 0, wire = 0; i < arguments.Length; i++)
        {
            arguments[i] = i == QuotaIndex ? quota : wireArguments[wire++];
        }

        return arguments;
    }
}
