using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Multiproc.Extensions.Hosting;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hosting;

/// <summary>Multiproc.Extensions.Hosting in a real generic host: a hosted manager, and a client that reconnects.</summary>
public sealed class HostingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mp-host-").FullName;

    [Fact(Timeout = 60_000)]
    public async Task AddMultiprocManager_IsInjectable_StopsWithTheHost_AndLogsThroughTheHostsLoggerFactory()
    {
        var logs = new RecordingLoggerFactory();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerFactory>(logs);
        builder.Services.AddMultiprocManager(options => options.Register<IEmployee, Employee>());
        using IHost host = builder.Build();

        // Injectable before the host starts (a hosted service's constructor resolves it then): it starts at first use.
        Manager manager = host.Services.GetRequiredService<Manager>();
        await host.StartAsync(TestTimeout.Token());
        Assert.Same(manager, host.Services.GetRequiredService<Manager>());
        IEmployee ann = await manager.CreateAsync<IEmployee>("Ann", 100m);
        Assert.Equal(110m, ann.Raise(10m));
        await using Manager other = await Manager.ConnectAsync(manager.Address, manager.AuthKey, TestTimeout.Token());
        ISharedList<int> list = await other.CreateListAsync<int>();
        string socketDirectory = Path.GetDirectoryName(manager.Address["unix:".Length..])!;
        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => Manager.ConnectAsync(manager.Address, new byte[32], TestTimeout.Token()));
        await TestTimeout.UntilAsync(
            () => Task.FromResult(logs.Entries.Any(entry => entry.Message.Contains("rejected during authentication", StringComparison.Ordinal))),
            because: "the manager's log did not reach the host's logger factory");

        await host.StopAsync(TestTimeout.Token());

        Assert.Throws<ManagerUnavailableException>(() => list.Add(1));
        Assert.False(Directory.Exists(socketDirectory), "the manager's socket directory was left behind");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.Services.GetRequiredService<Manager>().CreateListAsync<int>());
    }

    [Fact(Timeout = 60_000)]
    public async Task AddMultiprocClient_ReconnectsAfterTheManagerGoesAway_AndTheHealthCheckSaysSo()
    {
        string address = "unix:" + Path.Combine(_directory, "manager.sock");
        byte[] key = new byte[32];
        Random.Shared.NextBytes(key);
        Manager first = await Manager.StartAsync(new ManagerOptions { Address = address, AuthKey = key });

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddMultiprocClient(address, _ => key, options =>
        {
            options.CheckInterval = TimeSpan.FromMilliseconds(100);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        });
        using IHost host = builder.Build();
        await host.StartAsync(TestTimeout.Token());
        MultiprocClient client = host.Services.GetRequiredService<MultiprocClient>();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        Manager connection = await client.GetManagerAsync(TestTimeout.Token());
        ISharedList<int> old = await connection.CreateListAsync<int>();
        old.Add(1);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(TestTimeout.Token())).Status);

        await first.DisposeAsync();
        await TestTimeout.UntilAsync(async () => (await health.CheckHealthAsync()).Status == HealthStatus.Unhealthy, because: "the lost manager was not reported");
        Assert.Throws<ManagerUnavailableException>(() => client.Manager);
        Assert.Throws<ManagerUnavailableException>(() => old.Add(2));

        await using Manager second = await Manager.StartAsync(new ManagerOptions { Address = address, AuthKey = key });
        await TestTimeout.UntilAsync(async () => (await health.CheckHealthAsync()).Status == HealthStatus.Healthy, because: "the client did not reconnect");
        ISharedList<int> fresh = await (await client.GetManagerAsync(TestTimeout.Token())).CreateListAsync<int>();
        fresh.Add(3);
        Assert.Equal([3], fresh.ToArray());
        Assert.Throws<ManagerUnavailableException>(() => old.Add(4));

        await host.StopAsync(TestTimeout.Token());
    }

    // A key provider that throws (a key file being rotated) must be retried: a BackgroundService that
    // throws stops the whole host.
    [Fact(Timeout = 60_000)]
    public async Task AddMultiprocClient_RetriesAKeyProviderThatThrows_AndTheHostKeepsRunning()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions());
        byte[] key = manager.AuthKey.ToArray();
        int asked = 0;
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddMultiprocClient(manager.Address, _ => Interlocked.Increment(ref asked) <= 2 ? throw new IOException("the key file is being rotated") : key, options =>
        {
            options.FirstRetryDelay = TimeSpan.FromMilliseconds(10);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
        });
        using IHost host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await host.StartAsync(TestTimeout.Token());

        Manager connection = await host.Services.GetRequiredService<MultiprocClient>().GetManagerAsync(TestTimeout.Token());

        Assert.True(Volatile.Read(ref asked) >= 3);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the host was stopped by the client's failure");
        ISharedList<int> list = await connection.CreateListAsync<int>();
        list.Add(1);
        await host.StopAsync(TestTimeout.Token());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
