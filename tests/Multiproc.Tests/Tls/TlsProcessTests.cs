using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Tls;

/// <summary>
/// Processes that cannot run the caller's certificate callback reach a <c>tls://</c> manager by the
/// certificate's pin: workers and pool workers given proxies, and the owner of a child-process manager.
/// </summary>
[Trait("Kind", "Process")]
public sealed class TlsProcessTests
{
    private static readonly byte[] s_key = Enumerable.Range(1, 32).Select(i => (byte)(i * 3)).ToArray();

    [Fact(Timeout = 90_000)]
    public async Task AWorker_GivenProxiesOfAConnectionThatUsedACallback_ReachesTheManagerByThePin()
    {
        await using Manager owner = await Manager.StartAsync(Options());
        // This client checked the certificate with a callback; its worker cannot, so the proxy carries the pin of what it accepted.
        await using Manager client = await Manager.ConnectAsync(
            TestCertificates.Unpinned(owner.Address), s_key, TestCertificates.Trusting(TestCertificates.Server), TestTimeout.Token());
        ISharedList<int> list = await client.CreateListAsync<int>();

        await using WorkerProcess<int> worker = WorkerProcess.Start(TlsProcessTargets.AddItems, list, 25);

        Assert.Equal(25, await worker.Result.WaitAsync(TestTimeout.Token(80)));
        Assert.Equal(25, list.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task PoolWorkers_GivenAProxyOfATlsManager_UseIt()
    {
        await using Manager owner = await Manager.StartAsync(Options());
        ISharedList<int> list = await owner.CreateListAsync<int>();
        CancellationToken timeout = TestTimeout.Token(80);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (pool)
        {
            int[] lengths = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => pool.ApplyAsync(TlsProcessTargets.AddItems, list, 10, timeout)));
            Assert.Contains(40, lengths);
        }

        Assert.Equal(40, list.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task AChildProcessManager_ServesTls_WithTheCertificateItWasSent_AndItsOwnerPinsIt()
    {
        ManagerOptions options = Options();
        options.Hosting = ManagerHosting.ChildProcess;
        await using Manager owner = await Manager.StartAsync(options, TestTimeout.Token(60));

        Assert.NotEqual(Environment.ProcessId, owner.ServerProcessId);
        Assert.Contains("?sha256=", owner.Address, StringComparison.Ordinal);
        IEmployee ann = await owner.CreateAsync<IEmployee>("Ann", 100m);
        Assert.Equal(110m, ann.Raise(10m));

        await using Manager client = await Manager.ConnectAsync(
            TestCertificates.Unpinned(owner.Address), s_key, TestCertificates.Trusting(TestCertificates.Server), TestTimeout.Token());
        Assert.Empty((await client.CreateListAsync<int>()).ToArray());
    }

    [Fact(Timeout = 90_000)]
    public async Task ATlsManagerFrozenBySigstop_FailsAPendingWaitWithinTheLivenessTimeout()
    {
        // Over TLS the client's liveness checks are reads that time out inside SslStream: they must go on
        // timing out, and the heartbeats must go unanswered, until the wait fails.
        await using ChildTlsManager child = await ChildTlsManager.StartAsync(Options());
        var quick = new ConnectOptions { LivenessTimeout = TimeSpan.FromSeconds(2) };
        await using Manager client = await Manager.ConnectAsync(child.Owner.Address, s_key, quick, TestTimeout.Token());
        ISharedQueue<int> queue = await client.CreateQueueAsync<int>();
        Task<(bool Success, int Value)> waiting = queue.TryTakeAsync(TimeSpan.FromMinutes(5));

        child.Freeze();

        await Assert.ThrowsAsync<ManagerUnavailableException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = 90_000)]
    public async Task ATlsManagerKilled_FailsAPendingWaitAndLaterCalls_WithManagerUnavailable()
    {
        await using ChildTlsManager child = await ChildTlsManager.StartAsync(Options());
        await using Manager client = await Manager.ConnectAsync(child.Owner.Address, s_key, TestTimeout.Token());
        ISharedQueue<int> queue = await client.CreateQueueAsync<int>();
        Task<(bool Success, int Value)> waiting = queue.TryTakeAsync(TimeSpan.FromMinutes(5));

        child.Kill();

        await Assert.ThrowsAsync<ManagerUnavailableException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Throws<ManagerUnavailableException>(() => queue.Put(1));
    }

    private static ManagerOptions Options()
    {
        ManagerOptions options = TestOptions.Create(TransportTests.Tls);
        options.AuthKey = s_key;
        return options;
    }
}
