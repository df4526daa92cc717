using System.Linq.Expressions;
using System.Reflection;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Server.Dispatch;

/// <summary>
/// One callable member of a shared type, precompiled: argument readers, an invoker delegate, a result writer.
/// </summary>
/// <remarks>Built once per registered type; a call costs no reflection.</remarks>
internal sealed class ServerMethod
{
    private readonly MethodInfo _method;
    private readonly Type _contract;

    private ServerMethod(MethodInfo method, Type contract)
    {
        Key = MemberKey.For(method);
        Name = method.Name;
        ParameterInfo[] parameters = method.GetParameters();
        ParameterCount = parameters.Length;
        CancellationTokenIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
        CallerIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(Caller));
        ParameterInfo[] wire = [.. parameters.Where(p => p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(Caller))];
        WireParameters = wire;
        ArgumentReaders = [.. wire.Select(p => ValueCodec.GetReader(p.ParameterType))];
        Type result = ContractShape.UnwrapAwaitable(method.ReturnType);
        // A Leased<T> result is sent as a T (its lease stays on the server).
        ResultType = result.IsGenericType && result.GetGenericTypeDefinition() == typeof(Leased<>) ? result.GetGenericArguments()[0] : result;
        ResultWriter = ResultType == typeof(void) ? null : ValueCodec.GetWriter(ResultType);
        Awaiter = AwaitableAdapter.For(method.ReturnType);
        _method = method;
        _contract = contract;
        Signature = $"{contract.Name}.{Key}";
    }

    public string Key { get; }

    public string Name { get; }

    public string Signature { get; }

    public int ParameterCount { get; }

    /// <summary>Gets the position of the CancellationToken parameter, or -1; it is never sent as data.</summary>
    public int CancellationTokenIndex { get; }

    /// <summary>Gets the position of the <see cref="Caller"/> parameter, or -1; supplied by the server.</summary>
    public int CallerIndex { get; }

    public IReadOnlyList<ParameterInfo> WireParameters { get; }

    public ValueReader[] ArgumentReaders { get; }

    public Type ResultType { get; }

    /// <summary>Gets the writer of the result, or null for void/Task/ValueTask.</summary>
    public ValueWriter? ResultWriter { get; }

    /// <summary>Gets the adapter that awaits a Task/ValueTask result, or null for synchronous methods.</summary>
    public Func<object?, ValueTask<object?>>? Awaiter { get; }

    /// <summary>Gets the compiled call, compiled at the first call of this member.</summary>
    /// <remarks>
    /// Not when the type is bound: a manager binds every built-in type as it starts, and compiling
    /// ~100 expression trees (each then JIT-compiled) made a child-process manager's start ~100 ms
    /// slower, for members most programs never call (docs/performance.md). Two threads may compile
    /// the same member at once; one result is kept.
    /// </remarks>
    public Func<object, object?[], object?> Invoker => field ?? CompiledInvoker.Publish(ref field, CompileInvoker(_method, _contract));

    /// <summary>Gets this member's calls and errors (inspection).</summary>
    public MemberCounter Counter { get; } = new();

    /// <summary>Gets whether calls of this method currently run on the reader thread.</summary>
    public InlinePolicy Inline { get; } = new();

    public static ServerMethod Create(MethodInfo method, Type contract) => new(method, contract);

    private static Func<object, object?[], object?> CompileInvoker(MethodInfo method, Type contract)
    {
        ParameterExpression target = Expression.Parameter(typeof(object), "target");
        ParameterExpression args = Expression.Parameter(typeof(object?[]), "args");
        Expression instance = Expression.Convert(target, method.DeclaringType!.IsAssignableFrom(contract) ? contract : method.DeclaringType);
        Expression[] arguments = [.. method.GetParameters().Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType))];
        Expression call = Expression.Call(instance, method, arguments);
        Expression body = method.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Constant(null, typeof(object)))
            : Expression.Convert(call, typeof(object));
        return Expression.Lambda<Func<object, object?[], object?>>(body, target, args).Compile();
    }
}
