
namespace Multiproc.Tests.Fixtures;

/// <summary>Not thread-safe on purpose: relies on the manager running its calls one at a time.</summary>
public sealed class RacyCounter : ICounter
{
    private int _value;
    private int _inside;

    public int Value => _value;

    public int IncrementSlowly()
    {
        int read = _value;
        Thread.SpinWait(2_000);
        _value = read + 1;
        return _value;
    }

    public bool Rendezvous(int parties, int timeoutMilliseconds)
    {
        Interlocked.Increment(ref _inside);
        return SpinWait.SpinUntil(() => Volatile.Read(ref _inside) >= parties, timeoutMilliseconds);
    }
}

/// <summary>The same class, opted in to overlapping calls.</summary>
[AllowConcurrentCalls]
public sealed class ConcurrentCounter : ICounter
{
    private readonly RacyCounter _inner = new();

    public int Value => _inner.Value;

    public int IncrementSlowly() => _inner.IncrementSlowly();

    public bool Rendezvous(int parties, int timeoutMilliseconds) => _inner.Rendezvous(parties, timeoutMilliseconds);
}
