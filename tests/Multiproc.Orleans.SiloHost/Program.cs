using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Multiproc.Tests.Fixtures;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Multiproc.Orleans.SiloHost;

/// <summary>
/// Runs one silo of a Redis-backed cluster until its standard input closes (its parent exited, even
/// by SIGKILL) or it is killed. Prints <c>ready &lt;pid&gt; &lt;silo address&gt;</c> on stdout once it has joined.
/// </summary>
/// <remarks>Orleans' own log goes to stderr (warnings and up), so stdout carries only the ready line.</remarks>
public static class Program
{
    /// <summary>The first word of the line the silo prints once it has joined the cluster.</summary>
    public const string ReadyWord = "ready";

    public static async Task<int> Main(string[] args)
    {
        SiloHostArguments arguments;
        try
        {
            arguments = SiloHostArguments.Parse(args);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        ParentWatch.Start();
        using IHost host = Build(arguments);
        await host.StartAsync();
        SiloAddress silo = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Console.Out.WriteLine($"{ReadyWord} {Environment.ProcessId} {silo}");
        Console.Out.Flush();
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static IHost Build(SiloHostArguments arguments)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleans(silo =>
        {
            silo
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = arguments.ClusterId;
                    o.ServiceId = SiloHostArguments.ServiceId;
                })
                .ConfigureEndpoints(IPAddress.Loopback, arguments.SiloPort, arguments.GatewayPort)
                .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(arguments.Redis))
                .AddRedisGrainStorage(MultiprocSiloOptions.DefaultStorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(arguments.Redis))
                .UseMultiproc(options => options
                    .Register<IEmployee, Employee>()
                    .Register<ICounter, RacyCounter>());
            if (arguments.RecommendedFailover)
            {
                silo.UseRecommendedFailover();
                if (arguments.MaxProbeTimeout is { } max)
                {
                    silo.Configure<ClusterMembershipOptions>(o => o.MaxProbeTimeout = max);
                }
            }
        });
        return builder.Build();
    }
}
