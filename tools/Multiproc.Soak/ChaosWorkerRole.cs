using System.Globalization;

namespace Multiproc.Soak;

/// <summary>
/// A chaos worker process: reads the manager's address and key from stdin, looks up the shared objects, and runs
/// random operations until stdin closes (or the driver SIGKILLs it), recording each step on stdout.
/// </summary>
internal static class ChaosWorkerRole
{
    /// <param name="args">The incarnation number and the random seed.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        long incarnation = long.Parse(args[0], CultureInfo.InvariantCulture);
        int seed = int.Parse(args[1], CultureInfo.InvariantCulture);
        string address = Console.ReadLine() ?? throw new InvalidOperationException("No address on stdin.");
        byte[] key = Convert.FromHexString(Console.ReadLine() ?? throw new InvalidOperationException("No key on stdin."));
        using var stop = new CancellationTokenSource();
        // A generous connect timeout: on a machine this busy a connect can take seconds, and startup is not under test.
        await using Manager manager = await Manager.ConnectAsync(address, key, new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(60) });
        var worker = new ChaosWorker(manager, incarnation, new Random(seed), stop.Token);
        await worker.ConnectAsync();
        await worker.WarmUpAsync();

        // A spare waits here, connected, until the driver sends "go" (or closes stdin: exit without working).
        ChaosOutput.Emit("ready");
        if (await Console.In.ReadLineAsync() is null)
        {
            ChaosOutput.Emit("bye");
            return 0;
        }

        _ = Task.Run(async () =>
        {
            await Console.In.ReadToEndAsync().ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
        });
        ChaosOutput.Emit("work");
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await worker.StepAsync();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }

        await worker.ReleaseTemporariesAsync();
        ChaosOutput.Emit("bye");
        return 0;
    }
}
