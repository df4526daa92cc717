using System.Diagnostics;

namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>
/// One silo host (this project's program) as a real OS process. It dies with the process that started
/// it (its stdin closes); disposing kills it and waits for it to be gone.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _errors = new();

    private SiloProcess(Process process, SiloHostArguments arguments)
    {
        _process = process;
        Arguments = arguments;
    }

    /// <summary>Gets the arguments the silo was started with.</summary>
    public SiloHostArguments Arguments { get; }

    /// <summary>Gets the silo's OS process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets the silo's Orleans address (<c>S127.0.0.1:port:generation</c>), from its ready line.</summary>
    public string SiloAddress { get; private set; } = "";

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the last lines of the silo's log (stderr), for a failure's message.</summary>
    public string RecentLog => _errors.ToString();

    /// <summary>Starts a silo host next to this assembly and waits for its ready line.</summary>
    /// <exception cref="InvalidOperationException">The silo exited before it was ready (the message holds its log).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first (the process is killed).</exception>
    public static async Task<SiloProcess> StartAsync(SiloHostArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string argument in arguments.ToArguments())
        {
            info.ArgumentList.Add(argument);
        }

        var silo = new SiloProcess(Process.Start(info)!, arguments);
        try
        {
            await silo.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await silo.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return silo;
    }

    /// <summary>SIGKILL: the silo dies at once, its sockets closed by the kernel.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGSTOP: the silo freezes with its sockets open (a hung machine).</summary>
    /// <remarks>A frozen silo cannot see its stdin close, so it is also killed when this process exits normally (not on SIGKILL).</remarks>
    public void Freeze()
    {
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        Signals.Send(_process.Id, Signals.Stop);
    }

    /// <summary>Waits for the process to be gone.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGKILL ends a frozen (SIGSTOPped) process too.
                _process.Kill();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
            _process.Dispose();
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) => _errors.Add(e.Data);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"The silo host exited before it was ready:{Environment.NewLine}{_errors}"));
            }
            else if (e.Data.StartsWith(Program.ReadyWord + " ", StringComparison.Ordinal))
            {
                ready.TrySetResult(e.Data.Split(' ')[2]);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        SiloAddress = await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
