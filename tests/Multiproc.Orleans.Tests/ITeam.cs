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
}
