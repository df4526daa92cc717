using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A persisted object whose state the registration check cannot judge, a collection's comparer, is refused where its
/// image is written: its create fails naming the field and the comparer, and so does a later call that brings one in.
/// </summary>
/// <remarks>Its own one-silo cluster with memory storage: every object of it is persisted.</remarks>
public sealed class CreateRefusalTests : IAsyncLifetime
{
    private TestCluster? _cluster;
    private Manager? _manager;

    public interface ITags
    {
        bool Add(string tag);

        void IgnoreCase();
    }

    private Manager Manager => _manager ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _manager = OrleansManager.Connect(_cluster.Client);
    }

    public async Task DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Create_OfAnObjectWithACaseInsensitiveSet_IsRefused_NamingTheFieldAndTheComparer()
    {
        Exception thrown = await Assert.ThrowsAnyAsync<Exception>(() => Manager.CreateAsync<ITags>([true], TestTimeout.Token()));

        Assert.Contains("_tags", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("OrdinalIgnoreCaseComparer", thrown.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Call_ThatGivesASetACaseInsensitiveComparer_Fails_AndAnObjectWithTheDefaultComparerWorks()
    {
        ITags tags = await Manager.CreateAsync<ITags>([false], TestTimeout.Token());
        Assert.True(tags.Add("a"));
        Assert.True(tags.Add("A"));

        Exception thrown = Assert.ThrowsAny<Exception>(tags.IgnoreCase);

        Assert.Contains("OrdinalIgnoreCaseComparer", thrown.ToString(), StringComparison.Ordinal);

        // The change was never stored: the object comes back with its last stored state (case-sensitive), not stuck on it.
        Assert.True(await AddOnceReloadedAsync(tags, "b", TestTimeout.Token(20)));
        Assert.True(tags.Add("B"));
        Assert.False(tags.Add("a"));
    }

    /// <summary>Adds once the activation that dropped its object has made way for one that read storage.</summary>
    private static async Task<bool> AddOnceReloadedAsync(ITags tags, string tag, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return tags.Add(tag);
            }
            catch (ManagerUnavailableException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    public sealed class Tags : ITags
    {
        private HashSet<string> _tags;

        public Tags(bool ignoreCase)
        {
            _tags = ignoreCase ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : [];
        }

        public bool Add(string tag) => _tags.Add(tag);

        public void IgnoreCase() => _tags = new HashSet<string>(_tags, StringComparer.OrdinalIgnoreCase);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .AddMemoryGrainStorage(MultiprocSiloOptions.DefaultStorageName)
            .UseMultiproc(options => options.Register<ITags, Tags>());
    }
}
