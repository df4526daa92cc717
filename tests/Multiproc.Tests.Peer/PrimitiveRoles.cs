using System.Globalization;
using Multiproc;

/// <summary>
/// Peer roles that hold or churn a lock or semaphore until the test SIGKILLs the process.
/// </summary>
/// <remarks>
/// Roles (arguments: ROLE ADDRESS KEYHEX NAME [COUNT]):
///   sem-hold   acquires COUNT permits of semaphore NAME, prints "held", waits to be killed
///   sem-loop   acquires and releases semaphore NAME forever; prints "looping" after the first round
///   lock-hold  acquires lock NAME, prints its fencing token, waits to be killed
/// </remarks>
internal static class PrimitiveRoles
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using Manager manager = await Manager.ConnectAsync(args[1], Convert.FromHexString(args[2]));
        switch (args[0])
        {
            case "sem-hold":
                {
                    ISharedSemaphore semaphore = await manager.LookupAsync<ISharedSemaphore>(args[3]);
                    int count = int.Parse(args[4], CultureInfo.InvariantCulture);
                    for (int i = 0; i < count; i++)
                    {
                        semaphore.Acquire();
                    }

                    Console.WriteLine("held");
                    await Console.In.ReadToEndAsync();
                    return 0;
                }

            case "sem-loop":
                {
                    ISharedSemaphore semaphore = await manager.LookupAsync<ISharedSemaphore>(args[3]);
                    for (long round = 0; ; round++)
                    {
                        semaphore.Acquire();
                        semaphore.Release();
                        if (round == 0)
                        {
                            Console.WriteLine("looping");
                        }
                    }
                }

            case "lock-hold":
                {
                    ISharedLock lk = await manager.LookupAsync<ISharedLock>(args[3]);
                    long token = lk.Acquire();
                    Console.WriteLine(token.ToString(CultureInfo.InvariantCulture));
                    await Console.In.ReadToEndAsync();
                    return 0;
                }

            default:
                Console.Error.WriteLine($"unknown role {args[0]}");
                return 2;
        }
    }
}
