using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Multiproc.Orleans;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Cluster;

/// <summary>
/// The sample's silo mode: one Orleans silo on loopback that serves the payroll class and Multiproc's
/// built-ins, on localhost (development) clustering with objects in memory, or with Redis membership
/// and Redis persistence.
/// </summary>
/// <remarks>
/// <c>silo [--port 11111] [--gateway 30000] [--primary 11111] [--redis host:port] [--cluster dev] [--service dev]</c>.
/// Without <c>--redis</c>, the silo whose port is the primary's is the primary (Orleans' development
/// clustering keeps the membership there) and the others join it; objects live in memory. With
/// <c>--redis</c>, the membership table is in Redis (no primary: any silo may die), and objects are
/// persisted there (grain storage <c>"multiproc"</c>), so they come back on another silo. Stops on
/// Ctrl+C or SIGTERM, or when its standard input closes if started with <c>--until-stdin-closes</c>
/// (how the default mode runs its two silos, so they never outlive it).
/// </remarks>
internal static class SiloMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        int port = Option(args, "--port", 11111);
        int gateway = Option(args, "--gateway", 30000);
        int primary = Option(args, "--primary", port);
        string cluster = Text(args, "--cluster", "dev");
        string service = Text(args, "--service", "dev");

        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        string? redis = Text(args, "--redis", "") is { Length: > 0 } given ? given : null;
        builder.UseOrleans(silo =>
        {
            if (redis is null)
            {
                silo.UseLocalhostClustering(port, gateway, new IPEndPoint(IPAddress.Loopback, primary), service, cluster);
            }
            else
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis))
                    .AddRedisGrainStorage(MultiprocSiloOptions.DefaultStorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis))
                    .ConfigureEndpoints(IPAddress.Loopback, port, gateway)
                    .Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = cluster;
                        o.ServiceId = service;
                    });
            }

            silo.UseMultiproc(types => types.Register<IPayroll, Payroll>());
        });
        using IHost host = builder.Build();
        await host.StartAsync();
        string membership = redis is not null ? $", membership and objects in Redis at {redis}" : primary == port ? " (primary)" : $", joined the primary at 127.0.0.1:{primary}";
        Console.WriteLine($"silo ready: pid {Environment.ProcessId}, gateway 127.0.0.1:{gateway}, cluster {cluster}/{service}{membership}");

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        if (args.Contains("--until-stdin-closes"))
        {
            _ = Console.In.ReadToEndAsync().ContinueWith(_ => stop.TrySetResult(), TaskScheduler.Default);
        }

        await stop.Task;

        // A graceful leave: the other silos learn at once that this one is gone.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(deadline.Token);
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
        => int.Parse(Text(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private static string Text(string[] args, string name, string fallback)
        => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault(fallback);
}
