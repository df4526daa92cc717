using System.Diagnostics;
using System.Threading.Channels;

namespace Multiproc.Tests.Python;

/// <summary>A CPython script run as a real process: lines of its output on demand, killed (with its tree) on dispose.</summary>
internal sealed class PythonScript : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _errors = [];

    private PythonScript(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.Add(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets what the script wrote to stderr so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_errors)
            {
                return string.Join('\n', _errors);
            }
        }
    }

    /// <summary>Gets a value indicating whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="source"/> under <paramref name="interpreter"/> with <paramref name="arguments"/> as <c>sys.argv[1:]</c>.</summary>
    public static PythonScript Start(PythonInterpreter interpreter, string source, params string[] arguments)
        => Launch(interpreter, ["-c", source, .. arguments]);

    /// <summary>Starts the script file <paramref name="path"/> under <paramref name="interpreter"/> with <paramref name="arguments"/> as <c>sys.argv[1:]</c>.</summary>
    /// <remarks>Run from a file, <c>__main__</c> has a path, so the spawn start method can re-import it in children.</remarks>
    public static PythonScript StartFile(PythonInterpreter interpreter, string path, params string[] arguments)
        => Launch(interpreter, [path, .. arguments]);

    /// <summary>Reads the lines the script prints until it closes its stdout.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public IAsyncEnumerable<string> ReadAllLinesAsync(CancellationToken cancellationToken) => _lines.Reader.ReadAllAsync(cancellationToken);

    private static PythonScript Launch(PythonInterpreter interpreter, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(interpreter.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-u");
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new PythonScript(Process.Start(info)!);
    }

    /// <summary>Reads the next line the script prints, within <paramref name="timeout"/>.</summary>
    /// <exception cref="InvalidOperationException">The script ended without printing one (its stderr is in the message).</exception>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancel.Token) && _lines.Reader.TryRead(out string? line))
            {
                return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The Python script printed nothing within {timeout}. stderr: {StandardError}");
        }

        await WaitForExitAsync(timeout);
        throw new InvalidOperationException($"The Python script exited ({_process.ExitCode}) without printing a line. stderr: {StandardError}");
    }

    /// <summary>Waits for the script to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the script at once (SIGKILL: no cleanup, no goodbye to its peers) and waits until it has gone.</summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        _process.Kill();
        await WaitForExitAsync(timeout);
    }

    /// <summary>Kills the script if it still runs and waits until it has gone.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(10_000);
        Assert.True(_process.HasExited, "The Python process did not exit after Kill.");
        _process.Dispose();
    }
}
