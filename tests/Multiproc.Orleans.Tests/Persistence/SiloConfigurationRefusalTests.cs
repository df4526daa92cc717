using System.Net;
using Microsoft.Extensions.Hosting;
using Multiproc.Tests.Fixtures;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>A silo refuses, with the reason, types whose state would not survive persistence and a network with no protection.</summary>
public sealed class SiloConfigurationRefusalTests
{
    [Fact]
    public void TypeWithALiveResourceField_IsRefused_NamingTheFieldAndWhy()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => Configure(o => o.Register<IJournal, StreamJournal>()));

        Assert.Contains("_log", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Stream", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Volatile<IJournal>", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeHoldingANestedObjectWithPrivateState_IsRefused_NamingTheNestedField()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => Configure(o => o.Register<IJournal, LedgerJournal>()));

        Assert.Contains("_ledger", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("_entries", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeHoldingANestedObjectWithAPrivateSetter_IsRefused_NamingTheFieldAndTheProperty()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => Configure(o => o.Register<IJournal, TallyJournal>()));

        Assert.Contains("TallyJournal", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("_tally", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("property Lines", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be set back", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeHoldingANestedObjectWithAGetOnlyPropertyNoConstructorSets_IsRefused_NamingTheProperty()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => Configure(o => o.Register<IJournal, StampJournal>()));

        Assert.Contains("_stamp", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("property Ticks", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeWithAFieldOfAClassThatIsNotSealed_IsRefused_NamingTheFieldAndTheClass()
    {
        ArgumentException direct = Assert.Throws<ArgumentException>(() => Configure(o => o.Register<IJournal, ShapeJournal>()));
        ArgumentException inAList = Assert.Throws<ArgumentException>(() => Configure(o => o.Register<IJournal, ShapesJournal>()));

        Assert.Contains("ShapeJournal", direct.Message, StringComparison.Ordinal);
        Assert.Contains("_shape", direct.Message, StringComparison.Ordinal);
        Assert.Contains("class Shape, which is not sealed", direct.Message, StringComparison.Ordinal);
        Assert.Contains("_shapes", inAList.Message, StringComparison.Ordinal);
        Assert.Contains("class Shape, which is not sealed", inAList.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeWithADictionaryKeyedByDecimal_IsRefused_NamingTheFieldAndTheKeyType()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => Configure(o => o.Register<IJournal, PriceJournal>()));

        Assert.Contains("_byPrice", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("keyed by Decimal", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeHoldingNestedObjectsSetBackByInitSetterOrConstructor_IsAccepted()
        => Configure(o => o.Register<IJournal, SettableJournal>());

    [Fact]
    public void UnpersistableType_IsAccepted_WhenVolatile_OrWithTheFieldNonSerialized()
    {
        Configure(o => o.Register<IJournal, StreamJournal>(), c => c.Volatile<IJournal>());
        Configure(o => o.Register<IJournal, NonSerializedJournal>());
        Configure(o => o.Register<IEmployee, Employee>());
    }

    [Fact(Timeout = 60_000)]
    public async Task SiloOnANonLoopbackAddressWithoutTls_RefusesToStart_SayingWhy()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Parse("192.0.2.10"))
            .UseMultiproc(o => o.Register<IEmployee, Employee>()));

        Exception? thrown = await Record.ExceptionAsync(async () =>
        {
            using IHost host = builder.Build();
            await host.StartAsync(TestTimeout.Token(30));
            await host.StopAsync(TestTimeout.Token(30));
        });

        OrleansConfigurationException refusal = Assert.IsType<OrleansConfigurationException>(thrown);
        Assert.Contains("no TLS", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("AllowUnprotectedNetwork", refusal.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Configure(Action<ManagerOptions> types, Action<MultiprocSiloOptions>? cluster = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseMultiproc(types, cluster ?? (_ => { })));
    }

    public interface IJournal
    {
        void Write(string line);
    }

    public sealed class StreamJournal : IJournal, IDisposable
    {
        private readonly Stream _log = new MemoryStream();

        public void Write(string line) => _log.Write(System.Text.Encoding.UTF8.GetBytes(line));

        public void Dispose() => _log.Dispose();
    }

    public sealed class NonSerializedJournal : IJournal, IDisposable
    {
        [NonSerialized]
        private Stream? _log;

        private int _lines;

        public void Write(string line)
        {
            _log ??= new MemoryStream();
            _log.Write(System.Text.Encoding.UTF8.GetBytes(line));
            _lines++;
        }

        public void Dispose() => _log?.Dispose();
    }

    public sealed class Ledger
    {
        private readonly List<string> _entries = [];

        public void Add(string entry) => _entries.Add(entry);
    }

    public sealed class LedgerJournal : IJournal
    {
        private readonly Ledger _ledger = new();

        public void Write(string line) => _ledger.Add(line);
    }

    public sealed class Tally
    {
        public int Lines { get; private set; }

        public void Add() => Lines++;
    }

    public sealed class TallyJournal : IJournal
    {
        private readonly Tally _tally = new();

        public void Write(string line) => _tally.Add();
    }

    public sealed class Stamp
    {
        public Stamp()
        {
        }

        public Stamp(long ticks, int offset)
        {
            Ticks = ticks + offset;
        }

        public long Ticks { get; }
    }

    public sealed class StampJournal : IJournal
    {
        private Stamp _stamp = new();

        public void Write(string line) => _stamp = new Stamp(DateTime.UtcNow.Ticks, line.Length);
    }

    public class Shape
    {
        public int Id { get; set; }
    }

    public sealed class Circle : Shape
    {
        public int Radius { get; set; }
    }

    public sealed class ShapeJournal : IJournal
    {
        private Shape _shape = new();

        public void Write(string line) => _shape = new Circle { Id = line.Length, Radius = 1 };
    }

    public sealed class ShapesJournal : IJournal
    {
        private readonly List<Shape> _shapes = [];

        public void Write(string line) => _shapes.Add(new Circle { Id = line.Length });
    }

    public sealed class PriceJournal : IJournal
    {
        private readonly Dictionary<decimal, string> _byPrice = [];

        public void Write(string line) => _byPrice[line.Length] = line;
    }

    public sealed class Mark
    {
        public Mark(string text)
        {
            Text = text;
        }

        public string Text { get; }
    }

    public sealed class Counted
    {
        public int Count { get; init; }
    }

    public readonly record struct Span(int Start, int Length);

    public sealed class SettableJournal : IJournal
    {
        private Mark _last = new(string.Empty);
        private Counted _counted = new();
        private Span _span;

        public void Write(string line)
        {
            _last = new Mark(line);
            _counted = new Counted { Count = _counted.Count + 1 };
            _span = new Span(_span.Start + _span.Length, line.Length);
        }
    }
}
