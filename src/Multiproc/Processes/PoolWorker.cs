using System.Buffers;
using System.Net.Sockets;
using MessagePack;

namespace Multiproc.Processes;

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
    private readonly ChildProcess _child;
    private readonly NetworkStream _stream;
    private readonly FrameReader _reader;
    private readonly FrameBuffer _frame = new(4096);
    private readonly HashSet<int> _defined = [];
    private readonly object _sendLock = new();
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PoolScheduler? _scheduler;

    private PoolWorker(ChildProcess child, NetworkStream stream, FrameReader reader)
    {
        _child = child;
        _stream = stream;
        _reader = reader;
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
    /// <exception cref="RemoteException">The initializer threw.</exception>
    /// <exception cref="WorkerCrashedException">The worker exited while starting.</exception>
    public static async Task<PoolWorker> StartAsync(byte[]? initializer, CancellationToken cancellationToken)
    {
        ChildProcess child = ChildProcess.Start(new WorkerBootstrap { IsPool = true, Initializer = initializer });
        NetworkStream? stream = null;
        try
        {
            Socket? socket = await child.ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (socket is not null)
            {
                stream = new NetworkStream(socket, ownsSocket: true);
                var reader = new FrameReader(stream, 64 * 1024);
                var first = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (first is { Kind: WorkerFrameKind.Ready })
                {
                    return new PoolWorker(child, stream, reader);
                }

                if (first is { Kind: WorkerFrameKind.Error } error)
                {
                    throw RemoteError.Read(error.Body);
                }
            }

            await child.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
            throw child.CreateCrashException("while starting");
        }
        catch
        {
            stream?.Dispose();
            child.Dispose();
            throw;
        }
    }

    /// <summary>Starts the reader thread; answers and the loss go to <paramref name="scheduler"/>.</summary>
    public void Run(PoolScheduler scheduler)
    {
        _scheduler = scheduler;
        var thread = new Thread(ReadLoop) { IsBackground = true, Name = $"Multiproc pool worker {Id}" };
        thread.Start();
    }

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

            _frame.Begin(task.Kind);
            WriteId(id);
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

    /// <summary>Releases a worker that never ran (the pool failed to start).</summary>
    public void Abandon()
    {
        _child.Kill();
        _stream.Dispose();
        _child.Dispose();
    }

    private void WriteId(int id)
    {
        var writer = new MessagePackWriter(_frame.Body);
        writer.Write(id);
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
        PoolScheduler scheduler = _scheduler!;
        try
        {
            while (_reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body))
            {
                PoolTask? finished = scheduler.OnTaskFinished(this);
                if (finished is null)
                {
                    continue;
                }

                try
                {
                    if (kind == WorkerFrameKind.Error)
                    {
                        finished.Fail(RemoteError.Read(body));
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

        if (!_child.Exited.Wait(TimeSpan.FromSeconds(5)))
        {
            _child.Kill();
            _child.Exited.Wait(TimeSpan.FromSeconds(30));
        }

        scheduler.OnWorkerLost(this);
        _stream.Dispose();
        _child.Dispose();
        _lost.TrySetResult();
    }
}
