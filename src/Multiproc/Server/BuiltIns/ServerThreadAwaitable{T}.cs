using System.Runtime.CompilerServices;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// Awaits a <see cref="Waiter{T}"/> and resumes on a server thread (<see cref="ServerScheduler.Shared"/>),
/// never inline in the code that completed it and never on the thread pool.
/// </summary>
/// <typeparam name="T">What a grant hands over.</typeparam>
/// <remarks>
/// Waiters complete under their primitive's lock, so registering under that same lock guarantees the
/// registration happens before completion: the task then runs the registered callback inline (it
/// only queues the continuation). A plain await of an already-completed task would instead hand the
/// continuation to the thread pool, which the callers of an in-process manager may all be blocking.
/// </remarks>
internal readonly struct ServerThreadAwaitable<T>
{
    private readonly Task<T> _task;
    private readonly Lock _lock;

    /// <param name="task">The waiter's task.</param>
    /// <param name="lock">The lock under which the task is completed.</param>
    public ServerThreadAwaitable(Task<T> task, Lock @lock)
    {
        _task = task;
        _lock = @lock;
    }

    public Awaiter GetAwaiter() => new(_task, _lock);

    /// <summary>The awaiter; the execution context is not flowed (server code only).</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion
    {
        private readonly Task<T> _task;
        private readonly Lock _lock;

        internal Awaiter(Task<T> task, Lock @lock)
        {
            _task = task;
            _lock = @lock;
        }

        public bool IsCompleted => _task.IsCompleted;

        public T GetResult() => _task.GetAwaiter().GetResult();

        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation)
        {
            ServerCall? starting = ServerCall.Starting;
            lock (_lock)
            {
                if (!_task.IsCompleted)
                {
                    _task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Resume(starting, continuation));
                    return;
                }
            }

            Resume(starting, continuation);
        }

        /// <summary>Queues the rest of the wait, or leaves it to the call if the call is still starting (see <see cref="ServerCall.TryDeferResume"/>).</summary>
        private static void Resume(ServerCall? starting, Action continuation)
        {
            if (starting is null || !starting.TryDeferResume(continuation))
            {
                ServerScheduler.Shared.Queue(static c => c(), continuation);
            }
        }
    }
}
