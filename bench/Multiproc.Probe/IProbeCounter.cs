namespace Multiproc.Probe;

/// <summary>The user class the probe calls: one int in, one int out.</summary>
public interface IProbeCounter
{
    int Add(int delta);

    Task<int> AddAsync(int delta);
}

/// <summary>The shared implementation.</summary>
public sealed class ProbeCounter : IProbeCounter
{
    private int _value;

    public int Add(int delta) => _value += delta;

    public Task<int> AddAsync(int delta) => Task.FromResult(_value += delta);
}
