using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Core;

/// <summary><see cref="ManagerOptions.RegisterSharedTypes"/>: what <c>multiproc serve --register</c> does with an assembly.</summary>
public sealed class SharedTypeRegistrationTests
{
    [Fact(Timeout = 30_000)]
    public async Task RegisterSharedTypes_ServesTheMarkedClassesUnderTheirContracts()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().RegisterSharedTypes(typeof(Employee).Assembly));

        IEmployee ann = await manager.CreateAsync<IEmployee>("Ann", 100m);

        Assert.Equal(105m, ann.Raise(5m));
        // Only marked classes: ICounter has implementations in the fixtures, none marked.
        await Assert.ThrowsAsync<ArgumentException>(() => manager.CreateAsync<ICounter>());
    }

    [Fact]
    public void RegisterSharedTypes_RefusesATypeIdAlreadyTaken()
    {
        ManagerOptions options = new ManagerOptions().Register<IEmployee, Employee>();

        ArgumentException error = Assert.Throws<ArgumentException>(() => options.RegisterSharedTypes(typeof(Employee).Assembly));

        Assert.Contains(typeof(IEmployee).FullName!, error.Message, StringComparison.Ordinal);
    }
}
