namespace Multiproc.Orleans.Tests;

/// <summary>A persisted total whose calls a test can follow and hold (<see cref="Ledger"/>'s statics), to fail a storage write at a chosen moment.</summary>
public interface ILedger
{
    /// <summary>Gets the total (counted in <see cref="Ledger.Reads"/>).</summary>
    int Total { get; }

    /// <summary>Adds to the total (counted in <see cref="Ledger.Adds"/>) and returns it.</summary>
    int Add(int amount);

    /// <summary>Waits until the test releases this ledger (<see cref="Ledger.Release"/>), then adds to the total.</summary>
    Task<int> AddWhenReleasedAsync(int amount);
}
