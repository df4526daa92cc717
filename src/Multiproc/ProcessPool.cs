using System.Collections.Concurrent;
using System.Reflection;
using Multiproc.Processes.Channel;
using Multiproc.Processes.Pool;

namespace Multiproc;

/// <summary>
/// A fixed number of warm worker processes that run functions and map them over items, like
/// Python's <c>multiprocessing.Pool</c>.
/// </summary>
/// <remarks>
/// <para>
/// Targets follow the rules of <see cref="WorkerProcess"/>: static methods or lambdas that capture
/// nothing, arguments and results copied with MessagePack as the target's declared types. Workers
/// start once and stay: each runs one task at a time (an apply call or a chunk of map items) sent
/// over a Unix socket, caching resolved targets.
/// </para>
/// <para>
/// A worker that dies (killed, <see cref="Environment.FailFast(string)"/>) fails only the task it
/// held, with <see cref="WorkerCrashedException"/>, and is replaced; the pool keeps working.
/// Members are thread-safe. Dispose the pool to stop its workers: queued work fails with
/// <see cref="ObjectDisposedException"/>, idle workers exit at once, busy ones get
/// <see cref="ProcessPoolOptions.ShutdownTimeout"/> and are then killed.
/// </para>
/// </remarks>
public sealed partial class ProcessPool : IAsyncDisposable
{
    private readonly PoolScheduler _scheduler;
    private readonly ConcurrentDictionary<(MethodInfo, Type?), RegisteredTarget> _targets = new();
    private int _nextTargetId;

    private ProcessPool(int workerCount, PoolScheduler scheduler)
    {
        WorkerCount = workerCount;
        _scheduler = scheduler;
    }

    /// <summary>Gets the number of workers the pool keeps running.</summary>
    public int WorkerCount { get; }

    /// <summary>Gets the process ids of the workers currently taking tasks (they change as workers are replaced).</summary>
    internal int[] WorkerProcessIds => _scheduler.WorkerIds;

    /// <summary>Starts a pool of <paramref name="workerCount"/> worker processes and waits until each ran its initializer.</summary>
    /// <param name="workerCount">The number of workers, at least 1; <see cref="Environment.ProcessorCount"/> is the usual choice.</param>
    /// <param name="options">The initializer and recycling options, or <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">Abandons the start; workers already started are stopped.</param>
    /// <returns>The started pool.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workerCount"/> is less than 1, or an option is negative.</exception>
    /// <exception cref="ArgumentException">The initializer captures state, or its argument cannot be sent to a worker.</exception>
    /// <exception cref="ManagerUnavailableException">The initializer's argument is a proxy whose manager is gone.</exception>
    /// <exception cref="RemoteException">The initializer threw a non-BCL exception in a worker (a BCL exception arrives as its own type).</exception>
    /// <exception cref="WorkerCrashedException">A worker exited while starting.</exception>
    public static async Task<ProcessPool> StartAsync(int workerCount, ProcessPoolOptions? options = null, CancellationToken cancellationToken = default)
    {
        SupportedPlatform.ThrowIfUnsupported();
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        options ??= new ProcessPoolOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTasksPerWorker, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ShutdownTimeout, TimeSpan.Zero, nameof(options));
        PoolInitializer? initializer = options.InitializerTarget is null
            ? null
            : new PoolInitializer(options.InitializerTarget, options.InitializerArguments, nameof(options.Initializer));
        var scheduler = new PoolScheduler(initializer, options.MaxTasksPerWorker, options.ShutdownTimeout);
        try
        {
            await scheduler.StartAsync(workerCount, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            initializer?.Dispose();
            throw;
        }

        return new ProcessPool(workerCount, scheduler);
    }

    /// <summary>Runs <paramref name="target"/> in a worker.</summary>
    /// <typeparam name="TResult">The result type, copied back from the worker.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="cancellationToken">Abandons the call: if a worker already runs it, it finishes there and its result is dropped.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The target captures state.</exception>
    /// <exception cref="RemoteException">The target threw a non-BCL exception in the worker (a BCL exception arrives as its own type, with the worker's stack).</exception>
    /// <exception cref="WorkerCrashedException">The worker died while running the call.</exception>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    public Task<TResult> ApplyAsync<TResult>(Func<TResult> target, CancellationToken cancellationToken = default)
        => Apply<TResult>(target, [], cancellationToken);

    /// <summary>Runs <paramref name="target"/> with one argument in a worker.</summary>
    /// <typeparam name="T1">The parameter type.</typeparam>
    /// <typeparam name="TResult">The result type, copied back from the worker.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The argument, copied to the worker.</param>
    /// <param name="cancellationToken">Abandons the call: if a worker already runs it, it finishes there and its result is dropped.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The target captures state, or the argument cannot be encoded.</exception>
    /// <exception cref="RemoteException">The target threw a non-BCL exception in the worker (a BCL exception arrives as its own type, with the worker's stack).</exception>
    /// <exception cref="WorkerCrashedException">The worker died while running the call.</exception>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    public Task<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> target, T1 arg1, CancellationToken cancellationToken = default)
        => Apply<TResult>(target, [arg1], cancellationToken);

    /// <summary>Runs <paramref name="target"/> with two arguments in a worker.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="TResult">The result type, copied back from the worker.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="arg1">The first argument, copied to the worker.</param>
    /// <param name="arg2">The second argument, copied to the worker.</param>
    /// <param name="cancellationToken">Abandons the call: if a worker already runs it, it finishes there and its result is dropped.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an argument cannot be encoded.</exception>
    /// <exception cref="RemoteException">The target threw a non-BCL exception in the worker (a BCL exception arrives as its own type, with the worker's stack).</exception>
    /// <exception cref="WorkerCrashedException">The worker died while running the call.</exception>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    public Task<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, TResult> target, T1 arg1, T2 arg2, CancellationToken cancellationToken = default)
        => Apply<TResult>(target, [arg1, arg2], cancellationToken);

    /// <summary>Stops the workers: queued work fails, idle workers exit, busy ones are killed after the shutdown timeout.</summary>
    /// <returns>A task that completes when every worker process has exited.</returns>
    public ValueTask DisposeAsync() => _scheduler.DisposeAsync();

    private Task<TResult> Apply<TResult>(Delegate target, ReadOnlySpan<object?> arguments, CancellationToken cancellationToken)
    {
        RegisteredTarget registered = Register(target);
        byte[] encoded = WorkerArgumentCodec.EncodeArguments(registered.Method.Method, arguments);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        var task = new ApplyTask<TResult>(registered, encoded, cancellationToken);
        _scheduler.Submit(task);
        return task.Task;
    }

    private RegisteredTarget Register(Delegate target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.HasSingleTarget)
        {
            TargetMethod.FromDelegate(target, nameof(target));
        }

        (MethodInfo, Type?) key = (target.Method, target.Target?.GetType());
        if (_targets.TryGetValue(key, out RegisteredTarget? registered))
        {
            return registered;
        }

        TargetMethod method = TargetMethod.FromDelegate(target, nameof(target));
        return _targets.GetOrAdd(key, _ => new RegisteredTarget(Interlocked.Increment(ref _nextTargetId), method, method.EncodeIdentity()));
    }
}
