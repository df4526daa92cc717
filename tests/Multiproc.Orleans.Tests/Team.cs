using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

public sealed class Team : ITeam
{
    public IEmployee? Lead { get; set; }

    public decimal RaiseLead(decimal amount) => (Lead ?? throw new InvalidOperationException("No lead.")).Raise(amount);

    public Task<decimal> RaiseLeadAsync(decimal amount) => (Lead ?? throw new InvalidOperationException("No lead.")).RaiseAsync(amount);
}
