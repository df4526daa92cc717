using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

public sealed class Team : ITeam
{
    public IEmployee? Lead { get; set; }

    public decimal RaiseLead(decimal amount) => (Lead ?? throw new InvalidOperationException("No lead.")).Raise(amount);

    public Task<decimal> RaiseLeadAsync(decimal amount) => (Lead ?? throw new InvalidOperationException("No lead.")).RaiseAsync(amount);

    public ITeam? Partner { get; set; }

    public int Bounce(int depth) => depth == 0 ? 0 : (Partner ?? throw new InvalidOperationException("No partner.")).Bounce(depth - 1) + 1;

    public async Task<int> BounceAsync(int depth)
        => depth == 0 ? 0 : await (Partner ?? throw new InvalidOperationException("No partner.")).BounceAsync(depth - 1) + 1;

    public int CallPartnerRelay() => (Partner ?? throw new InvalidOperationException("No partner.")).Relay();

    public int Relay() => (Partner ?? throw new InvalidOperationException("No partner.")).BounceAsync(1).GetAwaiter().GetResult();

    public Task<bool> AskPartnerToDeleteThisAsync() => (Partner ?? throw new InvalidOperationException("No partner.")).DeletePartnerAsync();

    public Task<bool> DeletePartnerAsync() => OrleansManager.DeleteAsync(Partner ?? throw new InvalidOperationException("No partner."));
}
