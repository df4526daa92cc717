using System.Reflection;

namespace Multiproc.Python.Client;

/// <summary>An interface-typed proxy over a <see cref="PythonObject"/>: each interface member calls the Python method
/// of its snake-case name (<c>Raise</c> and <c>RaiseAsync</c> → <c>raise_</c>, property <c>Salary</c> → <c>get_salary</c>/<c>set_salary</c>).</summary>
/// <remarks>Methods may return <c>void</c>, a value, <see cref="Task"/>, <see cref="Task{TResult}"/>,
/// <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>; a <see cref="CancellationToken"/> parameter is not
/// sent and cancels the wait. Results convert as <see cref="PythonObject.InvokeAsync{T}(string, object?[])"/>'s do.</remarks>
internal class PythonInterfaceProxy : DispatchProxy
{
    private PythonObject? _target;

    internal static TInterface Create<TInterface>(PythonObject target)
        where TInterface : class
    {
        if (!typeof(TInterface).IsInterface)
        {
            throw new ArgumentException($"{typeof(TInterface)} is not an interface.", nameof(TInterface));
        }

        TInterface proxy = Create<TInterface, PythonInterfaceProxy>();
        ((PythonInterfaceProxy)(object)proxy)._target = target;
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        PythonObject target = _target!;
        if (targetMethod.DeclaringType == typeof(IDisposable) && targetMethod.Name == nameof(IDisposable.Dispose))
        {
            target.Dispose();
            return null;
        }

        string name = PythonName(targetMethod);
        ParameterInfo[] parameters = targetMethod.GetParameters();
        CancellationToken cancellationToken = CancellationToken.None;
        var sent = new List<object?>(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].ParameterType == typeof(CancellationToken))
            {
                cancellationToken = (CancellationToken)args![i]!;
            }
            else
            {
                sent.Add(args![i]);
            }
        }

        Type returns = targetMethod.ReturnType;
        if (returns == typeof(Task) || returns == typeof(ValueTask))
        {
            Task done = target.InvokeAsync(name, sent, null, cancellationToken);
            return returns == typeof(Task) ? done : new ValueTask(done);
        }

        if (returns.IsGenericType && (returns.GetGenericTypeDefinition() == typeof(Task<>) || returns.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            Type result = returns.GetGenericArguments()[0];
            MethodInfo invoke = typeof(PythonInterfaceProxy).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(result);
            object task = invoke.Invoke(null, [target, name, sent, cancellationToken])!;
            return returns.GetGenericTypeDefinition() == typeof(Task<>)
                ? task
                : Activator.CreateInstance(returns, task);
        }

        object? value = target.Call(name, [.. sent]);
        return returns == typeof(void) ? null : PythonValueConverter.To(value, returns);
    }

    private static Task<T> InvokeTyped<T>(PythonObject target, string name, List<object?> args, CancellationToken cancellationToken)
        => target.InvokeAsync<T>(name, args, null, cancellationToken);

    private static string PythonName(MethodInfo method)
    {
        if (method.IsSpecialName && (method.Name.StartsWith("get_", StringComparison.Ordinal) || method.Name.StartsWith("set_", StringComparison.Ordinal)))
        {
            return method.Name[..4] + PythonNames.ToSnakeCase(method.Name[4..]);
        }

        // RaiseAsync is .NET's name for the awaitable form of Python's raise_.
        bool awaitable = typeof(Task).IsAssignableFrom(method.ReturnType) || method.ReturnType == typeof(ValueTask)
            || (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>));
        string name = awaitable && method.Name.Length > 5 && method.Name.EndsWith("Async", StringComparison.Ordinal) ? method.Name[..^5] : method.Name;
        return PythonNames.Of(name);
    }
}
