using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Operations;

/// <summary><see cref="Manager.InspectAsync"/>: what <c>multiproc inspect</c> prints, from a real manager with real clients.</summary>
public sealed class InspectionTests
{
    private const string EmployeeTypeId = "Multiproc.Tests.Fixtures.IEmployee";

    [Theory(Timeout = 30_000)]
    [InlineData(null)]
    [InlineData("tcp://127.0.0.1:0")]
    public async Task Inspect_ShowsObjectsNamesConnectionsHoldingsAndCallsPerMember(string? address)
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create(address));
        await using Manager client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        IEmployee ann = await client.CreateAsync<IEmployee>("Ann", 100m);
        for (int i = 0; i < 3; i++)
        {
            ann.Raise(1m);
        }

        Assert.Throws<InvalidOperationException>(() => ann.Fail("invalid"));
        await client.PublishAsync("ann", ann);
        ISharedLock heldLock = await client.CreateLockAsync();
        heldLock.Acquire();
        ISharedCondition condition = await client.CreateConditionAsync();
        condition.Acquire();
        ISharedSemaphore semaphore = await client.CreateSemaphoreAsync(5, kind: SemaphoreKind.Owned);
        semaphore.Acquire();
        semaphore.Acquire();

        ManagerInspection inspection = await manager.InspectAsync();

        Assert.Equal(1, inspection.ObjectsByType[EmployeeTypeId]);
        InspectedName name = Assert.Single(inspection.Names, n => n.Name == "ann");
        Assert.Equal(EmployeeTypeId, name.TypeId);
        Assert.Equal(SharedObject.FromProxy(ann).ObjectId, name.ObjectId);

        InspectedConnection holder = Assert.Single(inspection.Connections, c => c.LocksHeld > 0);
        Assert.Equal(2, holder.LocksHeld); // the lock, and the condition's own lock
        Assert.Equal(2, holder.PermitsHeld);
        Assert.True(holder.ReferencesOwned >= 3, $"{holder.ReferencesOwned} references");
        Assert.Equal(0, holder.CallsInFlight);
        if (address is null)
        {
            Assert.Equal("unix", holder.Endpoint);
            Assert.Equal(Environment.ProcessId, holder.ProcessId);
        }
        else
        {
            Assert.StartsWith("127.0.0.1:", holder.Endpoint, StringComparison.Ordinal);
            Assert.Null(holder.ProcessId);
        }

        Assert.Contains(inspection.Members, m => m == new InspectedMember(EmployeeTypeId, "Raise", 3, 0));
        Assert.Contains(inspection.Members, m => m == new InspectedMember(EmployeeTypeId, "Fail", 1, 1));
        Assert.Contains(inspection.Members, m => m.TypeId == "multiproc.control" && m.Member == "create" && m.Calls >= 3);
        Assert.DoesNotContain(inspection.Members, m => m.Calls == 0);
        // Held through the inspection: a collected proxy releases its reference, and a lock's last one takes its holding.
        GC.KeepAlive(heldLock);
        GC.KeepAlive(condition);
        GC.KeepAlive(semaphore);
        Assert.True(inspection.Uptime > TimeSpan.Zero);
        Assert.True(inspection.WorkingSetBytes > 0 && inspection.ManagedHeapBytes > 0);
        Assert.True(DateTimeOffset.UtcNow - inspection.StartedAt < TimeSpan.FromMinutes(5));
    }
}
