using System.Reflection;

namespace Multiproc.Server.Dispatch;

/// <summary>Awaits the Task/ValueTask a shared method returned and yields its result as an object.</summary>
internal static class AwaitableAdapter
{
    private static readonly MethodInfo s_taskOf = typeof(AwaitableAdapter).GetMethod(nameof(AwaitTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_valueTaskOf = typeof(AwaitableAdapter).GetMethod(nameof(AwaitValueTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Returns null for a synchronous return type.</summary>
    public static Func<object?, ValueTask<object?>>? For(Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return AwaitTask;
        }

        if (returnType == typeof(ValueTask))
        {
            return AwaitValueTask;
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return s_taskOf.MakeGenericMethod(returnType.GetGenericArguments()).CreateDelegate<Func<object?, ValueTask<object?>>>();
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return s_valueTaskOf.MakeGenericMethod(returnType.GetGenericArguments()).CreateDelegate<Func<object?, ValueTask<object?>>>();
        }

        return null;
    }

    private static async ValueTask<object?> AwaitTask(object? task)
    {
        await ((Task)task!).ConfigureAwait(false);
        return null;
    }

    private static async ValueTask<object?> AwaitValueTask(object? task)
    {
        await ((ValueTask)task!).ConfigureAwait(false);
        return null;
    }

    private static async ValueTask<object?> AwaitTaskOf<T>(object? task) => await ((Task<T>)task!).ConfigureAwait(false);

    private static async ValueTask<object?> AwaitValueTaskOf<T>(object? task) => await ((ValueTask<T>)task!).ConfigureAwait(false);
}
