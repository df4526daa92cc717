using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Core.QuickStart;

// The README's quick start, compiled and run, so the first code a user copies works.
public interface IEmployee
{
    string Name { get; }

    decimal Raise(decimal amount);
}

public sealed class Employee(string name, decimal salary) : IEmployee
{
    public string Name => name;

    public decimal Raise(decimal amount) => salary += amount;
}

public class QuickStartTests
{
    [Fact(Timeout = 30_000)]
    public async Task ReadmeQuickStart_RunsAsWritten()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IEmployee, Employee>());
        IEmployee alice = await manager.CreateAsync<IEmployee>("Alice", 50_000m);
        ISharedList<IEmployee> staff = await manager.CreateListAsync<IEmployee>([alice]);
        ISharedDictionary<string, int> hits = await manager.CreateDictionaryAsync<string, int>();
        await manager.PublishAsync("staff", staff);

        await using Manager other = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        ISharedList<IEmployee> found = await other.LookupAsync<ISharedList<IEmployee>>("staff");
        found[0].Raise(10m);
        hits.Increment("raises", 1);

        Assert.Equal(50_010m, alice.Raise(0m));
        Assert.Equal(1, hits["raises"]);
    }
}
