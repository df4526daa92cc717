using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Hardening;

/// <summary>The manager-side <see cref="IChainSource"/>: a buggy user class that returns cycles.</summary>
public sealed class ChainSource : IChainSource
{
    public Chain Cycle() => Chain.Cycle();

    public object CycleAsObject()
    {
        var list = new List<object>();
        list.Add(list);
        return list;
    }

    public Chain Deep(int links) => Chain.Build(links);

    public int Length(Chain chain) => chain.Length();

    public int Ping() => 1;

    public async Task<Chain> DeepAfterCancelAsync(int links, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ignoring the cancellation is the point: the reply arrives after the caller gave up.
        }

        return Chain.Build(links, new Tracked($"late-{links}"));
    }
}
