using Multiproc;

/// <summary>
/// Role <c>hold-lock ADDRESS KEYHEX LOCKNAME QUEUENAME</c>: acquires the lock, prints "locked", then
/// blocks in a take on the queue; when the take ends it tries to release the lock and prints how
/// both went ("took"/"released" or the exception type names).
/// </summary>



internal static class HoldLockRole
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using Manager manager = await Manager.ConnectAsync(args[1], Convert.FromHexString(args[2]));
        ISharedLock held = await manager.LookupAsync<ISharedLock>(args[3]);
        ISharedQueue<byte[]> queue = await manager.LookupAsync<ISharedQueue<byte[]>>(args[4]);
        held.Acquire();
        Console.WriteLine("locked");
        string take = Outcome(() => queue.Take(), "took");
        string release = Outcome(held.Release, "released");
        Console.WriteLine($"{take} {release}");
        return 0;
    }

    private static string Outcome(Action action, string success)
    {
        try
        {
            action();
            return success;
        }
#pragma warning disable CA1031 // The outcome is reported to the test, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex.GetType().Name;
        }
    }
}
