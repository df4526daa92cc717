using System.Globalization;

namespace Multiproc.Tests.Peer;

/// <summary>
/// Role <c>consume ADDRESS KEYHEX NAME MODE</c>: takes items from the queue of longs published as
/// NAME and prints each on its own line as soon as it is taken, until the queue is completed.
/// MODE is <c>take</c> (blocking enumeration), <c>takeasync</c> (async enumeration) or
/// <c>takemany</c> (batches of up to 8). Tests kill it at random moments (delivery under SIGKILL).
/// </summary>
internal static class ConsumeRole
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using Manager manager = await Manager.ConnectAsync(args[1], Convert.FromHexString(args[2]));
        using ISharedQueue<long> queue = await manager.LookupAsync<ISharedQueue<long>>(args[3]);
        switch (args[4])
        {
            case "take":
                foreach (long item in queue.GetConsumingEnumerable())
                {
                    Print(item);
                }

                break;
            case "takeasync":
                await foreach (long item in queue.ReadAllAsync())
                {
                    Print(item);
                }

                break;
            case "takemany":
                for (long[] batch = queue.TakeMany(8); batch.Length > 0; batch = queue.TakeMany(8))
                {
                    foreach (long item in batch)
                    {
                        Print(item);
                    }
                }

                break;
            default:
                Console.Error.WriteLine($"unknown mode {args[4]}");
                return 2;
        }

        return 0;
    }

    // Console.Out flushes every line to the pipe, so a line printed is a line the test reads even after a kill.
    private static void Print(long item) => Console.Out.WriteLine(item.ToString(CultureInfo.InvariantCulture));
}
