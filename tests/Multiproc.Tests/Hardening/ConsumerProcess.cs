using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// A peer process running the <c>consume</c> role on a published queue of longs, with every item it
/// printed collected as it arrives (also after the process was killed).
/// </summary>
internal sealed class ConsumerProcess : IDisposable
{
    private readonly PeerProcess _peer;
    private readonly ConcurrentQueue<long> _printed = new();

    private ConsumerProcess(PeerProcess peer, string mode)
    {
        _peer = peer;
        Mode = mode;
        Reading = CollectAsync();
    }

    public string Mode { get; }

    public IReadOnlyCollection<long> Printed => _printed;

    /// <summary>Gets a task that completes once the process has closed its output (exited or was killed).</summary>
    public Task Reading { get; }

    public bool WasKilled { get; private set; }

    public static ConsumerProcess Start(Manager manager, string queueName, string mode)
        => new(PeerProcess.Start("consume", manager.Address, Convert.ToHexString(manager.AuthKey.Span), queueName, mode), mode);

    /// <summary>SIGKILL: the process dies at once, whatever it was doing.</summary>
    public void Kill()
    {
        WasKilled = true;
        _peer.Kill();
    }

    /// <summary>SIGSTOP: the process stops running (it reads and acknowledges nothing) but its socket stays open.</summary>
    public void Freeze()
    {
        using Process stop = Process.Start("kill", ["-STOP", _peer.Id.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(stop.WaitForExit(10_000), "kill -STOP did not finish");
        Assert.Equal(0, stop.ExitCode);
    }

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _peer.WaitForExitAsync(cancellationToken);

    public void Dispose() => _peer.Dispose();

    private async Task CollectAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await _peer.ReadLineOrEndAsync(timeout.Token) is { } line)
        {
            _printed.Enqueue(long.Parse(line, CultureInfo.InvariantCulture));
        }
    }
}
