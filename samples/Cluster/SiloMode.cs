using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Multiproc.Orleans;

namespace Cluster;

/// <summary>
/// The sample's silo mode: one Orleans silo on localhost (development) clustering that serves the
/// payroll class and Multiproc's built-ins.
/// </summary>
/// <remarks>
/// <c>silo [--port 11111] [--gateway 30000] [--primary 11111] [--cluster dev] [--service dev]</c>: the
/// silo whose port is the primary's is the primary (Orleans' development clustering keeps the
/// membership there); the others join it. Stops on Ctrl+C or SIGTERM, or when its standard input
/// closes if started with <c>--until-stdin-closes</c> (how the default mode runs its two silos, so
/// they never outlive it).
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
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(port, gateway, new IPEndPoint(IPAddress.Loopback, primary), service, cluster)
            .UseMultiproc(types => types.Register<IPayroll, Payroll>()));
        using IHost host = builder.Build();
        await host.StartAsync();
        Console.WriteLine($"silo ready: pid {Environment.ProcessId}, gateway 127.0.0.1:{gateway}, cluster {cluster}/{service}{(primary == port ? " (primary)" : $", joined the primary at 127.0.0.1:{primary}")}");

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
