using Microsoft.Extensions.Hosting;

namespace Multiproc.Bench;

/// <summary>
/// Everything the cluster mode started (processes, clients, managers), disposed in reverse order on
/// the way out, whether the run succeeded or not. A start still under way is awaited first, so a
/// cluster that came up after a failure elsewhere is stopped too.
/// </summary>
internal sealed class OwnedResources : IAsyncDisposable
{
    private readonly List<object> _owned = [];
    private readonly List<Task> _pending = [];

    public T Add<T>(T resource)
        where T : class
    {
        lock (_owned)
        {
            _owned.Add(resource);
        }

        return resource;
    }

    public Task<T> Add<T>(Task<T> starting)
        where T : class
    {
        lock (_owned)
        {
            _pending.Add(starting.ContinueWith(t => Add(t.Result), TaskContinuationOptions.OnlyOnRanToCompletion));
        }

        return starting;
    }

    /// <summary>Kills the processes at once (Ctrl+C): nothing is awaited.</summary>
    public void KillProcesses()
    {
        lock (_owned)
        {
            foreach (IDisposable process in _owned.OfType<ChildProcess>().Cast<IDisposable>().Concat(_owned.OfType<RedisServer>()))
            {
                process.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_pending).WaitAsync(TimeSpan.FromSeconds(150));
        }
        catch (Exception ex) when (ex is TaskCanceledException or TimeoutException or AggregateException or InvalidOperationException)
        {
            // A start that failed or was cancelled left nothing to add: its own cleanup stopped its silos.
        }

        object[] owned;
        lock (_owned)
        {
            owned = [.. _owned];
        }

        // Clients first (a client whose silos are gone waits to stop), then the processes.
        foreach (object resource in owned.Reverse().OrderBy(r => r is ChildProcess or LocalCluster or RedisServer))
        {
            try
            {
                switch (resource)
                {
                    case IHost host:
                        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                        {
                            await host.StopAsync(stopping.Token);
                        }

                        host.Dispose();
                        break;
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"cleanup of {resource.GetType().Name}: {ex.Message}");
            }
        }
    }
}
