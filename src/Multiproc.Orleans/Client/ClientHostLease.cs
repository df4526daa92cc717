using Microsoft.Extensions.Hosting;

namespace Multiproc.Orleans.Client;

/// <summary>The Orleans client host a connect-by-address started: stopped and disposed with its channel.</summary>
internal sealed class ClientHostLease(IHost host) : IDisposable
{
    // Stopping closes the gateway connections; a cluster that is already gone must not hold Dispose longer.
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(5);

    public void Dispose()
    {
        using var timeout = new CancellationTokenSource(s_stopTimeout);
        try
        {
            host.StopAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Timed out: disposing below tears the rest down.
        }
        finally
        {
            host.Dispose();
        }
    }
}
