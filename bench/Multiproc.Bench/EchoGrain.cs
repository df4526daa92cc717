namespace Multiproc.Bench;

/// <summary>
/// The echo grain: no state, no reentrancy attribute, so its calls take turns as a shared object's
/// do; what is left is Orleans' own messaging and scheduling.
/// </summary>
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> Echo(int value) => Task.FromResult(value);

    public Task<int> ProcessId() => Task.FromResult(Environment.ProcessId);
}
