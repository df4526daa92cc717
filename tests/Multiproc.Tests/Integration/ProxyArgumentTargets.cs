using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Integration;

/// <summary>Worker targets that receive proxies as plain arguments.</summary>
public static class ProxyArgumentTargets
{
    public static void DrainInto(ISharedList<int> source, ISharedDictionary<string, int> totals)
    {
        while (source.TryPop(out int item))
        {
            totals.Increment("sum", item);
            totals.Increment("count", 1);
        }
    }

    public static decimal RaiseEveryone(Team team, decimal amount)
    {
        decimal total = 0;
        foreach (IEmployee member in team.Members)
        {
            total += member.Raise(amount);
        }

        return total;
    }

    public static int LockAndHold(ISharedLock gate, ISharedEvent acquired)
    {
        gate.Acquire();
        acquired.Set();
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    public static ISharedList<string> CreateInWorker(ISharedList<ISharedList<string>> shelf)
    {
        ISharedList<string> mine = shelf[0];
        mine.Add("from worker " + Environment.ProcessId);
        return mine;
    }

    public static int CountFields(object value) => ((IDictionary<object, object>)value).Count;

    public static long SumArray(SharedArray<long> numbers)
    {
        long sum = 0;
        foreach (long n in numbers.Span)
        {
            sum += n;
        }

        numbers[0] = -1;
        return sum;
    }
}

/// <summary>A record holding proxies: it travels to a worker as one argument, each proxy a reference.</summary>
public sealed record Team(string Name, IEmployee[] Members);
