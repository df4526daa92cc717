using System.Collections.Concurrent;

namespace Multiproc.Orleans.Tests;

/// <summary>
/// Counts the calls inside <see cref="HoldAsync"/> at once, per tag: the silos of the test clusters run in the test's
/// process, so a test reads the counts (and releases <see cref="CallBackWhenReleasedAsync"/>) through the statics.
/// </summary>
public sealed class OverlapProbe : IOverlapProbe
{
    private static readonly ConcurrentDictionary<string, Counts> s_counts = new();

    public OverlapProbe(string tag)
    {
        Tag = tag;
    }

    public string Tag { get; }

    public IOverlapProbe? Partner { get; set; }

    /// <summary>The most calls that were inside <see cref="HoldAsync"/> of the object tagged <paramref name="tag"/> at once.</summary>
    public static int MostInside(string tag) => Volatile.Read(ref CountsOf(tag).MostInside);

    /// <summary>The calls inside <see cref="HoldAsync"/> of that object now.</summary>
    public static int Inside(string tag) => Volatile.Read(ref CountsOf(tag).Inside);

    /// <summary>The calls of <see cref="HoldAsync"/> on that object that have ended.</summary>
    public static int Ended(string tag) => Volatile.Read(ref CountsOf(tag).Ended);

    /// <summary>Lets that object's <see cref="CallBackWhenReleasedAsync"/> go on.</summary>
    public static void Release(string tag) => CountsOf(tag).Released.TrySetResult();

    public Task FanOutAsync(IOverlapProbe first, IOverlapProbe second, int holdMilliseconds)
        => Task.WhenAll(first.CallBackAsync(holdMilliseconds), second.CallBackAsync(holdMilliseconds));

    public Task CallBackAsync(int holdMilliseconds) => PartnerOrThrow.HoldAsync(holdMilliseconds);

    public void StartCallBack(int holdMilliseconds) => _ = PartnerOrThrow.CallBackWhenReleasedAsync(holdMilliseconds);

    public async Task CallBackWhenReleasedAsync(int holdMilliseconds)
    {
        await CountsOf(Tag).Released.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await PartnerOrThrow.HoldAsync(holdMilliseconds);
    }

    public async Task HoldAsync(int milliseconds)
    {
        Counts counts = CountsOf(Tag);
        int inside = Interlocked.Increment(ref counts.Inside);
        int most;
        while (inside > (most = Volatile.Read(ref counts.MostInside)) && Interlocked.CompareExchange(ref counts.MostInside, inside, most) != most)
        {
        }

        TaskCompletionSource crowded = counts.Crowded;
        if (inside > 1)
        {
            crowded.TrySetResult();
        }

        // Waits on a condition (another call inside), bounded: alone, the call ends when its time is up.
        await Task.WhenAny(crowded.Task, Task.Delay(milliseconds));
        if (Interlocked.Decrement(ref counts.Inside) == 0)
        {
            Interlocked.CompareExchange(ref counts.Crowded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), crowded);
        }

        Interlocked.Increment(ref counts.Ended);
    }

    private IOverlapProbe PartnerOrThrow => Partner ?? throw new InvalidOperationException("No partner.");

    private static Counts CountsOf(string tag) => s_counts.GetOrAdd(tag, static _ => new Counts());

    private sealed class Counts
    {
        public int Inside;
        public int MostInside;
        public int Ended;
        public TaskCompletionSource Crowded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
