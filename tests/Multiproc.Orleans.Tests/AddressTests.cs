namespace Multiproc.Orleans.Tests;

/// <summary>Cluster addresses that cannot work fail with a typed error, within the connect timeout.</summary>
public sealed class AddressTests
{
    private static readonly ConnectOptions s_short = new() { ConnectTimeout = TimeSpan.FromSeconds(2) };

    [Theory(Timeout = 10_000)]
    [InlineData("orleans:///some-cluster")]
    [InlineData("orleans+redis:///some-cluster")]
    [InlineData("orleans+redis://10.0.0.1:6379,10.0.0.2:6379/two-redis-servers")]
    [InlineData("orleans://host-without-port/cluster")]
    [InlineData("orleans://127.0.0.1:30000/a/b/too-many-parts")]
    public async Task MalformedAddress_ThrowsFormatException(string address)
        => await Assert.ThrowsAsync<FormatException>(() => OrleansManager.ConnectAsync(address, TestTimeout.Token()));

    [Theory(Timeout = 20_000)]
    [InlineData("orleans://name-that-does-not-resolve.invalid:30000/cluster")]
    [InlineData("orleans://127.0.0.1:1/nothing-listens")]
    [InlineData("orleans+redis://127.0.0.1:1/no-redis-listens")]
    public async Task UnreachableCluster_ThrowsManagerUnavailable_WithinTheConnectTimeout(string address)
    {
        ManagerUnavailableException thrown = await Assert.ThrowsAsync<ManagerUnavailableException>(
            () => Manager.ConnectAsync(address, ReadOnlyMemory<byte>.Empty, s_short, TestTimeout.Token()));

        Assert.Contains(address.Split('/')[2], thrown.Message, StringComparison.Ordinal);
    }
}
