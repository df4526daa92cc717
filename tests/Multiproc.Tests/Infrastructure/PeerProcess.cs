using System.Diagnostics;

namespace Multiproc.Tests.Infrastructure;

/// <summary>
/// The peer test program (tests/Multiproc.Tests.Peer) running as a real OS process.
/// Disposing kills it and asserts it is gone.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static PeerProcess Start(params string[] arguments) => StartWith(_ => { }, arguments);

    /// <summary>Starts the peer after <paramref name="configure"/> has adjusted the start info (environment, a shell wrapper).</summary>
    public static PeerProcess StartWith(Action<ProcessStartInfo> configure, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Multiproc.Tests.Peer.dll"));
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        configure(info);
        return new PeerProcess(Process.Start(info)!);
    }

    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        => await _process.StandardOutput.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException(
            $"The peer exited early: {await _process.StandardError.ReadToEndAsync(cancellationToken)}");

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public Task<string> ReadErrorsAsync(CancellationToken cancellationToken) => _process.StandardError.ReadToEndAsync(cancellationToken);

    /// <summary>Reads one line of standard output; null once the process has closed it (exited or was killed).</summary>
    public ValueTask<string?> ReadLineOrEndAsync(CancellationToken cancellationToken) => _process.StandardOutput.ReadLineAsync(cancellationToken);

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        Assert.True(_process.WaitForExit(10_000), $"peer {_process.Id} did not exit");
        _process.Dispose();
    }
}
