namespace Multiproc.Orleans.Tests;

/// <summary>A small object whose type has an idle timeout on the test cluster (<see cref="ClusterFixture"/>).</summary>
public interface IScratchpad
{
    /// <summary>Adds to the total and returns it.</summary>
    int Add(int amount);

    /// <summary>Runs until cancelled: a call longer than the idle timeout.</summary>
    Task HoldAsync(CancellationToken cancellationToken);
}

/// <summary>The implementation of <see cref="IScratchpad"/>.</summary>
public sealed class Scratchpad : IScratchpad
{
    private int _total;

    /// <inheritdoc/>
    public int Add(int amount) => _total += amount;

    /// <inheritdoc/>
    public Task HoldAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
}
