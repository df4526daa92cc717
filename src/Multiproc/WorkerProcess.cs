using System.Net.Sockets;
using Multiproc.Processes.Channel;
using Multiproc.Processes.Launch;

namespace Multiproc;

/// <summary>
/// A method running in its own worker process, like Python's <c>multiprocessing.Process</c>.
/// </summary>
/// <remarks>
/// <para>
/// Start one with <see cref="Start(Action)"/> or its overloads. The target is a static method or a
/// lambda that captures nothing; its arguments are copied to the worker (MessagePack, encoded as the
/// target's declared parameter types). The worker is <c>dotnet exec</c> of the running application's
/// runtimeconfig and deps file, so the user's <c>Main</c> needs no change and the worker loads the
/// target's assembly by name.
/// </para>
/// <para>
/// The worker's stdout and stderr are this process's own (inherited, so lines interleave as they are
/// written). Its stdin is not: Multiproc uses it to send the target and to notice this process going
/// away, so the worker exits when this process exits for any reason, including being killed.
/// Dispose a worker to kill it if it still runs. In the worker, the entry assembly is Multiproc.
/// </para>
/// <para>
/// Outcome: <see cref="Completion"/> completes once the process exited: successfully if the target
/// returned, faulted with the exception it threw (exit code 1: a BCL exception as its own type with the
/// worker's stack attached, any other type as <see cref="RemoteException"/>), or with
/// <see cref="WorkerCrashedException"/> if the process exited without reporting (for example
/// <see cref="Environment.Exit(int)"/> or <see cref="Kill"/>). Members are thread-safe.
/// </para>
/// </remarks>
public partial class WorkerProcess : IAsyncDisposable, IDisposable
{
    private static int s_started;

    private readonly LaunchedProcess _child;
    private readonly TaskCompletionSource<byte[]> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private protected WorkerProcess(TargetMethod target, LaunchedProcess child)
    {
        _child = child;
        Name = $"Worker-{Interlocked.Increment(ref s_started)} ({target.DisplayName})";
        Completion = MonitorAsync();
        Observe(Completion);
    }

    /// <summary>Gets the worker's process id.</summary>
    public int Id => _child.Id;

    /// <summary>Gets a name for logs: a sequence number and the target, such as <c>Worker-3 (Program.Work)</c>.</summary>
    public string Name { get; }

    /// <summary>Gets whether the worker process has exited.</summary>
    public bool HasExited => _child.HasExited;

    /// <summary>Gets the worker's exit code: 0 when the target returned, 1 when it threw, or the code it exited with.</summary>
    /// <exception cref="InvalidOperationException">The worker has not exited.</exception>
    public int ExitCode => HasExited ? _child.ExitCode : throw new InvalidOperationException($"{Name} has not exited.");

    /// <summary>Gets a task that completes when the worker has exited, faulting if the target did not return normally.</summary>
    /// <remarks>
    /// Faults with the target's exception (a BCL type as itself, else <see cref="RemoteException"/>) or <see cref="WorkerCrashedException"/>
    /// (the process exited before reporting). Unlike <see cref="WaitForExitAsync"/>, awaiting it throws on failure.
    /// </remarks>
    public Task Completion { get; }

    /// <summary>Gets the task completed by the target's outcome: its encoded result or why there is none.</summary>
    private protected Task<byte[]> Outcome => _outcome.Task;

    /// <summary>Waits until the worker process has exited, whatever the outcome.</summary>
    /// <param name="cancellationToken">Stops waiting (the worker keeps running).</param>
    /// <exception cref="OperationCanceledException">The wait was canceled.</exception>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _child.Exited.WaitAsync(cancellationToken);

    /// <summary>Waits up to <paramref name="timeout"/> for the worker process to exit.</summary>
    /// <returns><see langword="true"/> if it exited.</returns>
    public bool WaitForExit(TimeSpan timeout) => _child.Exited.Wait(timeout);

    /// <summary>Kills the worker process immediately (its own workers see it go and exit); does nothing if it exited.</summary>
    public void Kill() => _child.Kill();

    /// <summary>Kills the worker if it still runs, waits for it to exit and releases its resources.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Kills the worker if it still runs, waits asynchronously for it to exit and releases its resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            Kill();
            await _child.Exited.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the worker; kills it first if it still runs.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _child.Dispose();
        }
    }

    /// <summary>Marks a task's failure as observed: a worker's failure is reported through its members, not as unobserved.</summary>
    private protected static void Observe(Task task)
        => task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task MonitorAsync()
    {
        try
        {
            using Socket? socket = await _child.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
            if (socket is not null)
            {
                using var stream = new NetworkStream(socket, ownsSocket: false);
                var reader = new WorkerFrameReader(stream, 256);
                if (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } frame)
                {
                    _ = frame.Kind == WorkerFrameKind.Error
                        ? _outcome.TrySetException(WorkerRemoteError.Read(frame.Body))
                        : _outcome.TrySetResult(frame.Body.ToArray());
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException)
        {
            // The channel broke: the process is exiting; its exit code says how.
        }

        await _child.Exited.ConfigureAwait(false);
        _outcome.TrySetException(_child.CreateCrashException("before returning a result"));
        await _outcome.Task.ConfigureAwait(false);
    }
}
