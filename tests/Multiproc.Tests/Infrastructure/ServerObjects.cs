using Multiproc.Server;

namespace Multiproc.Tests.Infrastructure;

/// <summary>Reaches the manager-side object behind a proxy, for asserting server state.</summary>
internal static class ServerObjects
{
    public static T Get<T>(Manager owner, object proxy)
    {
        ManagerServer server = owner.OwnedServer ?? throw new InvalidOperationException("Only an owning manager has a server.");
        Assert.True(server.Host.Table.TryGet(SharedObject.FromProxy(proxy).ObjectId, out ObjectEntry entry));
        return (T)entry.Instance;
    }
}
