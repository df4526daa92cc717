using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Launch;

/// <summary>
/// A started worker process seen from its parent: the OS process, its stdin (bootstrap, then the
/// liveness signal) and the socket it connects back on.
/// </summary>
/// <remarks>
/// The parent keeps the child's stdin open for the child's whole life: the child exits when it
/// reads end-of-file there, which happens when the parent closes it or dies. Running children are
/// rooted in a static set so a collected <see cref="WorkerProcess"/> never closes that pipe early.
/// </remarks>
internal sealed class LaunchedProcess : IDisposable
{
    private static readonly ConcurrentDictionary<LaunchedProcess, bool> s_running = new();
    private static long s_started;

    private readonly Process _process;
    private readonly WorkerListener _listener;
    private int _exitCode;

    private LaunchedProcess(Process process, WorkerListener listener)
    {
        _process = process;
        _listener = listener;
        Id = process.Id;
        s_running[this] = true;
        Exited = WatchExitAsync();
    }

    /// <summary>Gets how many worker processes this process started so far.</summary>
    public static long StartedCount => Interlocked.Read(ref s_started);

    /// <summary>Gets the process id.</summary>
    public int Id { get; }

    /// <summary>Gets a task that completes when the process has exited.</summary>
    public Task Exited { get; }

    /// <summary>Gets whether the process has exited (and <see cref="ExitCode"/> is known).</summary>
    public bool HasExited => Exited.IsCompleted;

    /// <summary>Gets the exit code; valid once <see cref="Exited"/> completed, also after disposal.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Starts a worker and sends it <paramref name="bootstrap"/> (completed with socket, token and command).</summary>
    public static LaunchedProcess Start(WorkerBootstrap bootstrap)
    {
        WorkerHostCommand command = WorkerHostCommand.Current;
        var listener = new WorkerListener();
        bootstrap.SocketPath = listener.SocketPath;
        bootstrap.Token = listener.Token;
        bootstrap.HostCommand = command;
        var frame = new WorkerFrameBuffer(512);
        bootstrap.WriteFrame(frame);

        Process process;
        try
        {
            process = Process.Start(command.CreateStartInfo(longLived: bootstrap.IsPool))
                ?? throw new InvalidOperationException("The worker process did not start.");
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        StartupTrace.Mark("parent: process started");
        Interlocked.Increment(ref s_started);
        var child = new LaunchedProcess(process, listener);
        try
        {
            Stream input = process.StandardInput.BaseStream;
            frame.WriteTo(input);
            input.Flush();
            StartupTrace.Mark("parent: bootstrap sent");
        }
        catch (IOException)
        {
            // The child died before reading its bootstrap; Exited reports how.
        }

        return child;
    }

    /// <summary>Waits for the worker to connect back; <see langword="null"/> if it exited without connecting. Call once.</summary>
    public Task<Socket?> ConnectAsync(CancellationToken cancellationToken) => _listener.AcceptAsync(Exited, cancellationToken);

    /// <summary>Creates the exception for a worker that exited (<see cref="Exited"/> completed) early.</summary>
    public WorkerCrashedException CreateCrashException(string when)
        => new($"Worker process {Id} exited with code {ExitCode} {when}.", ExitCode);

    /// <summary>Closes the child's stdin: the child treats this as its parent going away and exits.</summary>
    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Dispose();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Kills the process if it still runs.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>Kills the process if it runs, waits (bounded) for it to exit and releases it.</summary>
    public void Dispose()
    {
        if (!HasExited)
        {
            Kill();
            Exited.Wait(TimeSpan.FromSeconds(30));
        }

        CloseInput();
        _listener.Dispose();
        _process.Dispose();
    }

    private async Task WatchExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            Volatile.Write(ref _exitCode, _process.ExitCode);
        }
        finally
        {
            s_running.TryRemove(this, out _);
        }
    }
}
