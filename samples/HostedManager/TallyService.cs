using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Multiproc;

namespace HostedManager;

/// <summary>
/// The host's work: three worker processes count words into one shared dictionary held by the
/// manager the host runs; then the host stops, and the manager with it.
/// </summary>
internal sealed partial class TallyService(Manager manager, IHostApplicationLifetime lifetime, ILogger<TallyService> logger) : BackgroundService
{
    private static readonly string[] s_texts =
    [
        "the quick brown fox jumps over the lazy dog",
        "the dog barks and the fox runs",
        "a lazy afternoon for the dog and the fox",
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ISharedDictionary<string, int> counts = await manager.CreateDictionaryAsync<string, int>(stoppingToken);
        WorkerProcess[] workers = [.. s_texts.Select(text => WorkerProcess.Start(Tally.CountWords, counts, text))];
        await Task.WhenAll(workers.Select(worker => worker.Completion)).WaitAsync(stoppingToken);
        foreach ((string word, int count) in counts.Snapshot().OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).Take(5))
        {
            LogCount(logger, word, count);
        }

        foreach (WorkerProcess worker in workers)
        {
            await worker.DisposeAsync();
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Word}: {Count}")]
    private static partial void LogCount(ILogger logger, string word, int count);
}
