using System.Buffers;
using System.Net.Sockets;
using MessagePack;
using Multiproc.Processes.Channel;
using Multiproc.Processes.Launch;

namespace Multiproc.Processes.Pool;

/// <summary>A pool's warm worker process seen from the parent: its socket, its reader thread, the task it holds.</summary>
/// <remarks>
/// A worker holds at most one task. Sends happen under a lock (the scheduler and disposal may both
/// write). The reader thread hands each answer to the scheduler, which dispatches the next task
/// before the answer is decoded, so the worker never waits on the parent's decoding. When the
/// channel ends the reader waits for the process to exit (killing it if it lingers), reports the
/// loss, and releases everything; <see cref="Lost"/> then completes.
/// </remarks>
internal sealed class PoolWorker
{
    private readonly LaunchedProcess _child;
    private readonly NetworkStream _stream;
    private readonly WorkerFrameReader _reader;
    private readonly WorkerFrameBuffer _frame = new(4096);
    private readonly HashSet<int> _defined = [];
    private readonly object _sendLock = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PoolScheduler?> _scheduler = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The stream is released by the reader thread when the channel ends (see Release).
    private PoolWorker(LaunchedProcess child, NetworkStream stream)
    {
        _child = child;
        _stream = stream;
        _reader = new WorkerFrameReader(stream, 64 * 1024);
    }

    /// <summary>Gets the process id.</summary>
    public int Id => _child.Id;

    /// <summary>Gets or sets the task the worker holds; guarded by the scheduler's lock.</summary>
    public PoolTask? Current { get; set; }

    /// <summary>Gets or sets how many tasks the worker finished; guarded by the scheduler's lock.</summary>
    public int CompletedTasks { get; set; }

    /// <summary>Gets a task that completes when the process has exited.</summary>
    public Task Exited => _child.Exited;

    /// <summary>Gets a task that completes once the worker is gone and released.</summary>
    public Task Lost => _lost.Task;

    /// <summary>Starts a worker process and waits until its initializer ran.</summary>
    /// <exception cref="RemoteException">The initializer threw a type other than the BCL exceptions, which arrive as themselves.</exception>
    /// <exception cref="WorkerCrashedException">The worker exited while starting.</exception>
    /// <exception cref="ArgumentException">The initializer's argument cannot be sent to a worker.</exception>
    /// <exception cref="ManagerUnavailableException">The initializer's argument is a proxy whose manager is gone.</exception>
    /// <remarks>
    /// The socket is only ever used synchronously, by the reader thread and by senders: an
    /// asynchronous read would switch it to non-blocking mode and add a thread hop to every answer.
    /// </remarks>
    public static async Task<PoolWorker> StartAsync(PoolInitializer? initializer, CancellationToken cancellationToken)
    {
        LaunchedProcess child = LaunchedProcess.Start(new WorkerBootstrap
        {
            IsPool = true,
            Initializer = initializer?.Identity,
            Arguments = initializer?.EncodeArguments(),
        });
        PoolWorker? worker = null;
        try
        {
            Socket? socket = await child.ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (socket is null)
            {
                await child.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
                throw child.CreateCrashException("while starting");
            }

            worker = new PoolWorker(child, new NetworkStream(socket, ownsSocket: true));
            var thread = new Thread(worker.ReadLoop) { IsBackground = true, Name = $"Multiproc pool worker {child.Id}" };
            thread.Start();
            await worker._ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return worker;
        }
        catch when (worker is not null)
        {
            worker.Abandon();
            throw;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>Hands the worker's answers and its loss to <paramref name="scheduler"/>.</summary>
    public void Run(PoolScheduler scheduler) => _scheduler.TrySetResult(scheduler);

    /// <summary>Sends a started task, preceded by its target's identity the first time.</summary>
    /// <remarks>A send that fails means the worker is dying; the reader thread reports the task with the crash.</remarks>
    public void Send(PoolTask task)
    {
        lock (_sendLock)
        {
            _frame.Clear();
            int id = task.Target.Id;
            if (_defined.Add(id))
            {
                _frame.Begin(WorkerFrameKind.DefineTarget);
                WriteId(id);
                _frame.Body.Write(task.Target.Identity);
                _frame.End();
            }

            _frame.Begin(WorkerTrace.TaskKind(task.Kind, traced: task.Trace is not null));
            WriteId(id);
            if (task.Trace is { } trace)
            {
                WriteTrace(trace);
            }

            _frame.Body.Write(task.Body.Span);
            _frame.End();
            TryWriteFrames();
        }
    }

    /// <summary>Asks the worker to exit after the task it holds, if any.</summary>
    public void Stop()
    {
        lock (_sendLock)
        {
            _frame.Clear();
            _frame.Append(WorkerFrameKind.Stop, []);
            TryWriteFrames();
        }
    }

    /// <summary>Kills the worker process.</summary>
    public void Kill() => _child.Kill();

    /// <summary>Creates the exception for the task a crashed worker held.</summary>
    public WorkerCrashedException CreateCrashException() => _child.CreateCrashException("while running a task");

    /// <summary>Kills a worker that never joined a pool (the pool failed to start); its reader releases it.</summary>
    public void Abandon()
    {
        _scheduler.TrySetResult(null);
        _child.Kill();
    }

    private void WriteId(int id)
    {
        var writer = new MessagePackWriter(_frame.Body);
        writer.Write(id);
        writer.Flush();
    }

    private void WriteTrace(TraceContext trace)
    {
        var writer = new MessagePackWriter(_frame.Body);
        trace.Write(ref writer);
        writer.Flush();
    }

    private void TryWriteFrames()
    {
        try
        {
            _stream.Write(_frame.WrittenMemory.Span);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private void ReadLoop()
    {
        try
        {
            if (!ReadReady())
            {
                return;
            }

            PoolScheduler? scheduler = null;
            while (_reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body))
            {
                // An answer means a task was sent, which only happens once the worker joined its scheduler.
                scheduler ??= _scheduler.Task.Result!;
                PoolTask? finished = scheduler.OnTaskFinished(this);
                if (finished is null)
                {
                    continue;
                }

                try
                {
                    if (kind == WorkerFrameKind.Error)
                    {
                        finished.Fail(WorkerRemoteError.Read(body));
                    }
                    else
                    {
                        finished.Complete(body);
                    }
                }
                catch (Exception ex)
                {
                    // A progress callback threw: that is the operation's failure, not the worker's.
                    finished.Fail(ex);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
        }
        finally
        {
            Release();
        }
    }

    private bool ReadReady()
    {
        try
        {
            if (!_reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body))
            {
                return false;
            }

            if (kind == WorkerFrameKind.Ready)
            {
                _ready.TrySetResult();
                return true;
            }

            if (kind == WorkerFrameKind.Error)
            {
                _ready.TrySetException(WorkerRemoteError.Read(body));
            }

            return false;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            return false;
        }
    }

    // The channel ended: the worker exited, was stopped or was killed.
    private void Release()
    {
        if (!_child.Exited.Wait(TimeSpan.FromSeconds(5)))
        {
            _child.Kill();
            _child.Exited.Wait(TimeSpan.FromSeconds(30));
        }

        _ready.TrySetException(_child.CreateCrashException("while starting"));
        if (_ready.Task.IsCompletedSuccessfully)
        {
            _scheduler.Task.Wait();
            _scheduler.Task.Result?.OnWorkerLost(this);
        }

        _stream.Dispose();
        _child.Dispose();
        _lost.TrySetResult();
    }
}
