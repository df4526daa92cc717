using System.Security.Cryptography;
using System.Text;

namespace Multiproc.Orleans.Client;

/// <summary>The <see cref="Proxies.ICallChannel.ServerId"/> of a cluster: the same on every client and silo of it.</summary>
/// <remarks>
/// Derived from Orleans' service and cluster ids, so two channels to one cluster (two clients, or a
/// client and a silo) accept each other's proxies, and a proxy of another cluster is refused.
/// </remarks>
internal static class ClusterIdentity
{
    public static Guid Of(string serviceId, string clusterId)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"multiproc-orleans\n{serviceId}\n{clusterId}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
