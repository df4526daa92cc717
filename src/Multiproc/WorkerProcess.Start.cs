using Multiproc.Processes.Channel;
using Multiproc.Processes.Launch;

namespace Multiproc;

/// <content>Starting workers: one overload per target shape, 0 to 4 arguments.</content>
public partial class WorkerProcess
{
    /// <summary>Starts a worker process that runs <paramref name="target"/>.</summary>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <returns>The running worker.</returns>
    /// <exception cref="ArgumentException">The target captures state (the message names what) or cannot be found by another process.</exception>
    public static WorkerProcess Start(Action target) => StartAction(target, []);

    /// <summary>Starts a worker process that runs <paramref name="target"/> with one argument.</summary>
    /// <typeparam name="T1">The parameter type.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The argument, copied to the worker.</param>
    /// <returns>The running worker.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess Start<T1>(Action<T1> target, T1 arg1) => StartAction(target, [arg1]);

    /// <summary>Starts a worker process that runs <paramref name="target"/> with two arguments.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The first argument, copied to the worker.</param>
    /// <param name="arg2">The second argument, copied to the worker.</param>
    /// <returns>The running worker.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess Start<T1, T2>(Action<T1, T2> target, T1 arg1, T2 arg2) => StartAction(target, [arg1, arg2]);

    /// <summary>Starts a worker process that runs <paramref name="target"/> with three arguments.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="T3">The third parameter type.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The first argument, copied to the worker.</param>
    /// <param name="arg2">The second argument, copied to the worker.</param>
    /// <param name="arg3">The third argument, copied to the worker.</param>
    /// <returns>The running worker.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess Start<T1, T2, T3>(Action<T1, T2, T3> target, T1 arg1, T2 arg2, T3 arg3)
        => StartAction(target, [arg1, arg2, arg3]);

    /// <summary>Starts a worker process that runs <paramref name="target"/> with four arguments.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="T3">The third parameter type.</typeparam>
    /// <typeparam name="T4">The fourth parameter type.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The first argument, copied to the worker.</param>
    /// <param name="arg2">The second argument, copied to the worker.</param>
    /// <param name="arg3">The third argument, copied to the worker.</param>
    /// <param name="arg4">The fourth argument, copied to the worker.</param>
    /// <returns>The running worker.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess Start<T1, T2, T3, T4>(Action<T1, T2, T3, T4> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4)
        => StartAction(target, [arg1, arg2, arg3, arg4]);

    /// <summary>Starts a worker process that runs the function <paramref name="target"/>.</summary>
    /// <typeparam name="TResult">The result type, copied back to this process.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <returns>The running worker; await <see cref="WorkerProcess{TResult}.Result"/> for the value.</returns>
    /// <exception cref="ArgumentException">The target captures state (the message names what) or cannot be found by another process.</exception>
    public static WorkerProcess<TResult> Start<TResult>(Func<TResult> target) => StartFunc<TResult>(target, []);

    /// <summary>Starts a worker process that runs the function <paramref name="target"/> with one argument.</summary>
    /// <typeparam name="T1">The parameter type.</typeparam>
    /// <typeparam name="TResult">The result type, copied back to this process.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The argument, copied to the worker.</param>
    /// <returns>The running worker; await <see cref="WorkerProcess{TResult}.Result"/> for the value.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess<TResult> Start<T1, TResult>(Func<T1, TResult> target, T1 arg1) => StartFunc<TResult>(target, [arg1]);

    /// <summary>Starts a worker process that runs the function <paramref name="target"/> with two arguments.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="TResult">The result type, copied back to this process.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The first argument, copied to the worker.</param>
    /// <param name="arg2">The second argument, copied to the worker.</param>
    /// <returns>The running worker; await <see cref="WorkerProcess{TResult}.Result"/> for the value.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess<TResult> Start<T1, T2, TResult>(Func<T1, T2, TResult> target, T1 arg1, T2 arg2)
        => StartFunc<TResult>(target, [arg1, arg2]);

    /// <summary>Starts a worker process that runs the function <paramref name="target"/> with three arguments.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="T3">The third parameter type.</typeparam>
    /// <typeparam name="TResult">The result type, copied back to this process.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The first argument, copied to the worker.</param>
    /// <param name="arg2">The second argument, copied to the worker.</param>
    /// <param name="arg3">The third argument, copied to the worker.</param>
    /// <returns>The running worker; await <see cref="WorkerProcess{TResult}.Result"/> for the value.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess<TResult> Start<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> target, T1 arg1, T2 arg2, T3 arg3)
        => StartFunc<TResult>(target, [arg1, arg2, arg3]);

    /// <summary>Starts a worker process that runs the function <paramref name="target"/> with four arguments.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="T3">The third parameter type.</typeparam>
    /// <typeparam name="T4">The fourth parameter type.</typeparam>
    /// <typeparam name="TResult">The result type, copied back to this process.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The first argument, copied to the worker.</param>
    /// <param name="arg2">The second argument, copied to the worker.</param>
    /// <param name="arg3">The third argument, copied to the worker.</param>
    /// <param name="arg4">The fourth argument, copied to the worker.</param>
    /// <returns>The running worker; await <see cref="WorkerProcess{TResult}.Result"/> for the value.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded (the message names which); no process was started.</exception>
    public static WorkerProcess<TResult> Start<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> target, T1 arg1, T2 arg2, T3 arg3, T4 arg4)
        => StartFunc<TResult>(target, [arg1, arg2, arg3, arg4]);

    private static WorkerProcess StartAction(Delegate target, ReadOnlySpan<object?> arguments)
    {
        (TargetMethod method, LaunchedProcess child) = Launch(target, arguments);
        return new WorkerProcess(method, child);
    }

    private static WorkerProcess<TResult> StartFunc<TResult>(Delegate target, ReadOnlySpan<object?> arguments)
    {
        (TargetMethod method, LaunchedProcess child) = Launch(target, arguments);
        return new WorkerProcess<TResult>(method, child);
    }

    private static (TargetMethod Method, LaunchedProcess Child) Launch(Delegate target, ReadOnlySpan<object?> arguments)
    {
        StartupTrace.Mark("parent: Start called");
        SupportedPlatform.ThrowIfUnsupported();
        TargetMethod method = TargetMethod.FromDelegate(target, nameof(target));
        var bootstrap = new WorkerBootstrap
        {
            Target = method.EncodeIdentity(),
            Arguments = arguments.Length == 0 ? null : WorkerArgumentCodec.EncodeArguments(method.Method, arguments),
            Trace = WorkerTrace.Capture(),
        };
        return (method, LaunchedProcess.Start(bootstrap));
    }
}
