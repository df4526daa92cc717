using HostedManager;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Multiproc.Extensions.Hosting;

// A manager run by the .NET generic host (Multiproc.Extensions.Hosting): started with the host,
// injected where it is needed, logging through the host's logging, stopped with the host.
// Run: dotnet run --project samples/HostedManager
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddMultiprocManager();
builder.Services.AddHostedService<TallyService>();
await builder.Build().RunAsync();
