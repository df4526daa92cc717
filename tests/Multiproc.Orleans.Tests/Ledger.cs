using System.Collections.Concurrent;

namespace Multiproc.Orleans.Tests;

/// <summary>
/// Counts its calls per tag in statics the test reads (the silos of the test clusters run in the test's process), so
/// a test knows a call's user code has run, and holds <see cref="AddWhenReleasedAsync"/> until the test releases it.
/// </summary>
public sealed class Ledger : ILedger
{
    private static readonly ConcurrentDictionary<string, Counts> s_counts = new();
    private int _total;

    public Ledger(string tag)
    {
        Tag = tag;
    }

    public string Tag { get; }

    public int Total
    {
        get
        {
            Interlocked.Increment(ref CountsOf(Tag).Reads);
            return _total;
        }
    }

    /// <summary>The calls of <see cref="Add"/> the ledger tagged <paramref name="tag"/> has run.</summary>
    public static int Adds(string tag) => Volatile.Read(ref CountsOf(tag).Adds);

    /// <summary>The reads of <see cref="Total"/> that ledger has run.</summary>
    public static int Reads(string tag) => Volatile.Read(ref CountsOf(tag).Reads);

    /// <summary>Whether that ledger's <see cref="AddWhenReleasedAsync"/> is waiting for its release.</summary>
    public static bool IsWaiting(string tag) => Volatile.Read(ref CountsOf(tag).Waiting) > 0;

    /// <summary>Lets that ledger's <see cref="AddWhenReleasedAsync"/> go on.</summary>
    public static void Release(string tag) => CountsOf(tag).Released.TrySetResult();

    public int Add(int amount)
    {
        _total += amount;
        Interlocked.Increment(ref CountsOf(Tag).Adds);
        return _total;
    }

    public async Task<int> AddWhenReleasedAsync(int amount)
    {
        Counts counts = CountsOf(Tag);
        Interlocked.Increment(ref counts.Waiting);
        await counts.Released.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _total += amount;
        return _total;
    }

    private static Counts CountsOf(string tag) => s_counts.GetOrAdd(tag, static _ => new Counts());

    private sealed class Counts
    {
        public int Adds;
        public int Reads;
        public int Waiting;
        public readonly TaskCompletionSource Released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
