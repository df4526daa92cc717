using System.Diagnostics;

namespace Multiproc.Bench;

/// <summary>
/// The article's scenario (samples/Employees) timed end to end: an in-process manager, the
/// employees in a shared list, two worker processes popping until it is empty.
/// </summary>
internal static class ArticleScenario
{
    private static readonly string[] s_departments = ["Engineering", "Sales", "Support"];

    /// <summary>Seconds from creating the list to both workers finished.</summary>
    public static async Task<double> RunAsync(int count)
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IArticlePayroll, ArticlePayroll>());
        long start = Stopwatch.GetTimestamp();
        ISharedList<ArticleEmployee> employees = await manager.CreateListAsync(
            Enumerable.Range(1, count).Select(i => new ArticleEmployee($"emp{i:D5}", s_departments[i % 3], 40_000m + (i % 50) * 1_000m)));
        IArticlePayroll payroll = await manager.CreateAsync<IArticlePayroll>();
        var ledger = new ArticleLedger(
            await manager.CreateDictionaryAsync<string, decimal>(),
            await manager.CreateLockAsync(),
            await manager.CreateNamespaceAsync());
        WorkerProcess[] workers =
        [
            WorkerProcess.Start(ArticleWorker.Work, employees, payroll, ledger, "worker-1"),
            WorkerProcess.Start(ArticleWorker.Work, employees, payroll, ledger, "worker-2"),
        ];
        try
        {
            await Task.WhenAll(workers.Select(w => w.Completion));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            int processed = payroll.ProcessedBy().Values.Sum();
            if (processed != count || employees.Count != 0)
            {
                throw new InvalidOperationException($"Article scenario: {processed} of {count} employees processed, {employees.Count} left.");
            }

            return seconds;
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }
}
