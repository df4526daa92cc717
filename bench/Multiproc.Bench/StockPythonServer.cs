using System.Diagnostics;

namespace Multiproc.Bench;

/// <summary>CPython's own SyncManager server (bench/cpython/stock_server.py) in its own process; stopped on dispose.</summary>
internal sealed class StockPythonServer : IDisposable
{
    private readonly Process _process;

    private StockPythonServer(Process process, string address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>Gets the address a stock client connects to: <c>127.0.0.1:port</c> or a Unix socket path.</summary>
    public string Address { get; }

    /// <summary>Starts the server on <paramref name="where"/> (<c>tcp</c>, or a Unix socket path) with <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">The server did not print its address within 30 s (it is killed).</exception>
    public static StockPythonServer Start(string interpreter, string script, string where, ReadOnlySpan<byte> key)
    {
        var info = new ProcessStartInfo(interpreter) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(where);
        info.ArgumentList.Add(Convert.ToHexString(key));
        var process = Process.Start(info)!;
        Task<string?> line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(30)) || line.Result is not { } address)
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException($"{script} did not print its address within 30 s.");
        }

        return new StockPythonServer(process, address);
    }

    public void Dispose()
    {
        // The script exits when its stdin closes.
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
