using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

/// <summary>An object that calls other shared objects from inside the cluster (grain to grain).</summary>
public interface ITeam
{
    IEmployee? Lead { get; set; }

    /// <summary>Raises the lead through its proxy, blocking (a synchronous call from one grain to another).</summary>
    decimal RaiseLead(decimal amount);

    /// <summary>Raises the lead through its proxy, awaited.</summary>
    Task<decimal> RaiseLeadAsync(decimal amount);

    /// <summary>Gets or sets the team this one calls back and forth (a cycle of references).</summary>
    ITeam? Partner { get; set; }

    /// <summary>Calls the partner with depth - 1 until depth 0, blocking in each call; returns the number of hops.</summary>
    int Bounce(int depth);

    /// <summary>Calls the partner with depth - 1 until depth 0, awaiting each call; returns the number of hops.</summary>
    Task<int> BounceAsync(int depth);

    /// <summary>Calls the partner's <see cref="Relay"/>, blocking.</summary>
    int CallPartnerRelay();

    /// <summary>Blocks on the partner's <see cref="BounceAsync"/> (sync over async in the object's own code).</summary>
    int Relay();

    /// <summary>Awaits the partner's <see cref="DeletePartnerAsync"/>: the partner deletes this object while this call runs.</summary>
    Task<bool> AskPartnerToDeleteThisAsync();

    /// <summary>Deletes the partner (<see cref="OrleansManager.DeleteAsync"/>, on a cluster only).</summary>
    Task<bool> DeletePartnerAsync();
}
