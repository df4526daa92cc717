
namespace Multiproc.Bench;

/// <summary>The user class the benchmark calls: one int in, one int out.</summary>
public interface ICounter
{
    int Add(int delta);

    Task<int> AddAsync(int delta);

    /// <summary>The process the counter lives in (on a cluster: its silo's).</summary>
    int ProcessId();
}

/// <summary>The shared implementation.</summary>
public sealed class Counter : ICounter
{
    private int _value;

    public int Add(int delta) => _value += delta;

    public Task<int> AddAsync(int delta) => Task.FromResult(_value += delta);

    public int ProcessId() => Environment.ProcessId;
}
