using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Soak;

/// <summary>
/// The manager under chaos, in a process of its own so its GC heap is its own: prints its address and key, then
/// answers each "heap" line on stdin with its live heap after a full collection; exits when stdin closes.
/// </summary>
internal static class ChaosManagerRole
{
    public static async Task<int> RunAsync()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions());
        Console.WriteLine(manager.Address);
        Console.WriteLine(Convert.ToHexString(manager.AuthKey.Span));
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "heap")
            {
                long heap = ChaosHeap.AfterFullCollection();
                using var self = Process.GetCurrentProcess();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"heap {heap} {self.Threads.Count} {self.WorkingSet64}"));
            }
        }

        return 0;
    }
}
