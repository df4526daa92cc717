using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

/// <summary><c>UseMultiproc</c> refuses, as the silo is configured, what a cluster cannot serve as one manager does.</summary>
public sealed class SiloRegistrationTests
{
    [Fact]
    public void AFactoryRegistration_IsRefused_SayingWhy()
    {
        var shared = new Employee("Shared", 1m);

        ArgumentException refused = Assert.Throws<ArgumentException>(
            () => new SiloBuilderStub().UseMultiproc(options => options.Register<IEmployee>(() => shared)));

        Assert.Contains("factory", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATypeThatAllowsConcurrentCalls_IsRefused_SayingWhy()
    {
        ArgumentException refused = Assert.Throws<ArgumentException>(
            () => new SiloBuilderStub().UseMultiproc(options => options.Register<ICounter, ConcurrentCounter>()));

        Assert.Contains("concurrent calls", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImplementationType_IsServed()
    {
        var builder = new SiloBuilderStub();

        builder.UseMultiproc(options => options.Register<IEmployee, Employee>());

        Assert.NotEmpty(builder.Services);
    }

    private sealed class SiloBuilderStub : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
