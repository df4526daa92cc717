using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Core;

public class SmokeTests
{
    [Fact(Timeout = 20_000)]
    public async Task CreateAsync_ThenCall_ReturnsResult()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IEmployee, Employee>());
        IEmployee alice = await manager.CreateAsync<IEmployee>("Alice", 50_000m);
        Assert.Equal(50_010m, alice.Raise(10m));
        Assert.Equal("Alice", alice.Name);
        Assert.Equal(50_020m, await alice.RaiseAsync(10m));
        Assert.Equal("Alice earns 50020", await alice.DescribeAsync());
    }
}
