using System.Diagnostics;

namespace Multiproc.Processes.Pool;

/// <summary>Hands pool tasks to idle workers, replaces lost and retired workers, and stops them all.</summary>
/// <remarks>
/// One lock guards the queue and the worker sets; sends happen outside it. Tasks run in submission
/// order, one per worker at a time. A worker that dies fails only the task it held (with
/// <see cref="WorkerCrashedException"/>) and is replaced; if no worker is left and none can be
/// started, the pool faults and fails everything queued, so nothing waits forever.
/// <para>Over 300 lines on purpose: one lock and one documented invariant cover task hand-out,
/// worker loss and replacement, and shutdown (the architecture review found it cohesive).</para>
/// </remarks>
internal sealed class PoolScheduler
{
    // The public type users see in the message; the scheduler sits beneath it and does not name it.
    private const string PoolName = "ProcessPool";

    private readonly object _gate = new();
    private readonly Queue<PoolTask> _pending = new();
    private readonly List<PoolWorker> _idle = [];
    private readonly HashSet<PoolWorker> _active = [];
    private readonly HashSet<PoolWorker> _all = [];
    private readonly List<Task> _starting = [];
    private readonly PoolInitializer? _initializer;
    private readonly int _maxTasksPerWorker;
    private readonly TimeSpan _shutdownTimeout;
    private Exception? _fault;

    // Replacements started and not yet finished; the pool faults when the last one fails with no worker left.
    private int _replacing;
    private bool _disposed;

    public PoolScheduler(PoolInitializer? initializer, int maxTasksPerWorker, TimeSpan shutdownTimeout)
    {
        _initializer = initializer;
        _maxTasksPerWorker = maxTasksPerWorker;
        _shutdownTimeout = shutdownTimeout;
    }

    /// <summary>Gets the process ids of the workers currently taking tasks.</summary>
    public int[] WorkerIds
    {
        get
        {
            lock (_gate)
            {
                return _active.Select(w => w.Id).ToArray();
            }
        }
    }

    /// <summary>Starts <paramref name="count"/> workers; if any fails, stops the others and throws its exception.</summary>
    public async Task StartAsync(int count, CancellationToken cancellationToken)
    {
        Task<PoolWorker>[] starts = Enumerable.Range(0, count).Select(_ => PoolWorker.StartAsync(_initializer, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        catch
        {
            foreach (Task<PoolWorker> start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                start.Result.Abandon();
            }

            throw;
        }

        foreach (Task<PoolWorker> start in starts)
        {
            Add(start.Result);
        }
    }

    /// <summary>Queues a task, or hands it to an idle worker.</summary>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    /// <exception cref="InvalidOperationException">The pool lost all its workers and could not replace them.</exception>
    public void Submit(PoolTask task)
    {
        PoolWorker? worker;
        lock (_gate)
        {
#pragma warning disable CA1513 // ThrowIf(bool, object) would name this internal type, not the pool the user disposed.
            if (_disposed)
            {
                throw new ObjectDisposedException(PoolName);
            }
#pragma warning restore CA1513

            if (_fault is not null)
            {
                throw new InvalidOperationException("The pool lost its workers and could not start new ones.", _fault);
            }

            _pending.Enqueue(task);
            worker = _idle.Count > 0 ? _idle[^1] : null;
            if (worker is null || !TryAssign(worker))
            {
                return;
            }

            _idle.RemoveAt(_idle.Count - 1);
        }

        worker.Send(worker.Current!);
    }

    /// <summary>Called by a worker's reader for each answer: takes the finished task and dispatches the next.</summary>
    public PoolTask? OnTaskFinished(PoolWorker worker)
    {
        PoolTask? finished;
        bool retire = false;
        bool send;
        lock (_gate)
        {
            finished = worker.Current;
            worker.Current = null;
            worker.CompletedTasks++;
            if (_disposed || !_active.Contains(worker))
            {
                return finished;
            }

            if (_maxTasksPerWorker > 0 && worker.CompletedTasks >= _maxTasksPerWorker)
            {
                _active.Remove(worker);
                retire = true;
                send = false;
            }
            else
            {
                send = TryAssign(worker);
                if (!send)
                {
                    _idle.Add(worker);
                }
            }
        }

        if (retire)
        {
            worker.Stop();
            StartReplacement();
        }
        else if (send)
        {
            worker.Send(worker.Current!);
        }

        return finished;
    }

    /// <summary>Called by a worker's reader once its process exited: fails the task it held and replaces it.</summary>
    public void OnWorkerLost(PoolWorker worker)
    {
        PoolTask? held;
        bool replace;
        bool disposed;
        lock (_gate)
        {
            held = worker.Current;
            worker.Current = null;
            replace = _active.Remove(worker) && !_disposed;
            _idle.Remove(worker);
            _all.Remove(worker);
            disposed = _disposed;
        }

        held?.Fail(disposed ? new ObjectDisposedException(PoolName, "The pool was disposed while the task ran.") : worker.CreateCrashException());
        if (replace)
        {
            StartReplacement();
        }
    }

    /// <summary>Fails queued tasks, stops idle workers, gives busy ones the shutdown timeout, then kills what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        PoolTask[] pending;
        Task[] starting;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = [.. _pending];
            _pending.Clear();
            starting = [.. _starting];
        }

        foreach (PoolTask task in pending)
        {
            task.Fail(new ObjectDisposedException(PoolName, "The pool was disposed before the task ran."));
        }

        await Task.WhenAll(starting).ConfigureAwait(false);
        PoolWorker[] workers;
        lock (_gate)
        {
            workers = [.. _all];
        }

        foreach (PoolWorker worker in workers)
        {
            worker.Stop();
        }

        try
        {
            await Task.WhenAll(workers.Select(w => w.Exited)).WaitAsync(_shutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (PoolWorker worker in workers)
            {
                worker.Kill();
            }
        }

        try
        {
            await Task.WhenAll(workers.Select(w => w.Lost)).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            Debug.Assert(workers.All(w => w.Exited.IsCompleted), "Every pool worker has exited.");
        }
        finally
        {
            // No worker can start any more: the initializer's references go back to their managers.
            _initializer?.Dispose();
        }
    }

    private bool TryAssign(PoolWorker worker)
    {
        while (_pending.TryDequeue(out PoolTask? task))
        {
            if (task.TryStart())
            {
                worker.Current = task;
                return true;
            }
        }

        return false;
    }

    private void Add(PoolWorker worker)
    {
        bool send;
        bool disposed;
        lock (_gate)
        {
            _all.Add(worker);
            disposed = _disposed;
            send = false;
            if (!disposed)
            {
                _active.Add(worker);
                send = TryAssign(worker);
                if (!send)
                {
                    _idle.Add(worker);
                }
            }
        }

        worker.Run(this);
        if (disposed)
        {
            worker.Stop();
        }
        else if (send)
        {
            worker.Send(worker.Current!);
        }
    }

    private void StartReplacement()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _replacing++;
                Task replacement = ReplaceAsync();
                _starting.Add(replacement);
                _ = replacement.ContinueWith(t => { lock (_gate) { _starting.Remove(t); } }, TaskScheduler.Default);
            }
        }
    }

    private async Task ReplaceAsync()
    {
        await Task.Yield();
        PoolWorker worker;
        try
        {
            worker = await PoolWorker.StartAsync(_initializer, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            PoolTask[] orphaned = [];
            lock (_gate)
            {
                // Counted here, under the lock, so that of several replacements failing at once the last one faults the pool.
                _replacing--;
                if (_active.Count == 0 && _replacing == 0 && !_disposed)
                {
                    _fault = ex;
                    orphaned = [.. _pending];
                    _pending.Clear();
                }
            }

            var fault = new InvalidOperationException("The pool lost its workers and could not start new ones.", ex);
            foreach (PoolTask task in orphaned)
            {
                task.Fail(fault);
            }

            return;
        }

        Add(worker);
        lock (_gate)
        {
            _replacing--;
        }
    }
}
