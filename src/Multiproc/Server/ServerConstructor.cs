using System.Linq.Expressions;
using System.Reflection;
using Multiproc.Serialization;

namespace Multiproc.Server;

/// <summary>A public constructor of a registered class, compiled, with its argument readers.</summary>
internal sealed class ServerConstructor
{
    public ServerConstructor(ConstructorInfo constructor)
    {
        Parameters = constructor.GetParameters();
        ArgumentReaders = [.. Parameters.Select(p => ValueCodec.GetReader(p.ParameterType))];
        ParameterExpression args = Expression.Parameter(typeof(object?[]), "args");
        Expression[] arguments = [.. Parameters.Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType))];
        Invoker = Expression.Lambda<Func<object?[], object>>(Expression.New(constructor, arguments), args).Compile();
        Signature = $"{constructor.DeclaringType!.Name}({string.Join(", ", Parameters.Select(p => p.ParameterType.Name))})";
    }

    public IReadOnlyList<ParameterInfo> Parameters { get; }

    public ValueReader[] ArgumentReaders { get; }

    public Func<object?[], object> Invoker { get; }

    public string Signature { get; }
}
