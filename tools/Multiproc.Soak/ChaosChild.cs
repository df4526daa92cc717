using System.Diagnostics;
using System.Text;

namespace Multiproc.Soak;

/// <summary>This executable re-launched in a chaos role; its stdout lines go to a callback as they arrive.</summary>
/// <remarks>
/// Lines written to a pipe survive the writer's death, so a worker's record of what it did reaches the driver even
/// when the worker is SIGKILLed right after writing it. Disposing kills the process if it still runs.
/// </remarks>
internal sealed class ChaosChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    private ChaosChild(Process process, Action<string> onLine)
    {
        _process = process;
        _stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                onLine(line);
            }
        });
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChaosChild Start(string role, IEnumerable<string> arguments, Action<string> onLine)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChaosChild).Assembly.Location);
        }

        info.ArgumentList.Add(role);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new ChaosChild(Process.Start(info)!, onLine);
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Closes the child's stdin: the chaos roles take that as "finish and exit".</summary>
    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }
    }

    /// <summary>SIGKILL: no cleanup runs in the child.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Waits for the exit and for every line it wrote; returns the exit code, or null if it did not exit in time.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            await _stdout.WaitAsync(cancel.Token).ConfigureAwait(false);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public Task<string> ErrorsAsync() => _stderr;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
