using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

public abstract class CallSemanticsTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 30_000)]
    public async Task CallsOnOneObject_NeverOverlap_SoAPlainClassStaysCorrect()
    {
        ICounter counter = await _manager.CreateAsync<ICounter>();
        Manager[] clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Manager.ConnectAsync(_manager.Address, _manager.AuthKey)));
        try
        {
            await _manager.PublishAsync("counter", counter);
            await Task.WhenAll(clients.Select(async client =>
            {
                ICounter mine = await client.LookupAsync<ICounter>("counter");
                await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
                {
                    for (int i = 0; i < 250; i++)
                    {
                        mine.IncrementSlowly();
                    }
                })));
            }));

            Assert.Equal(2_000, counter.Value);
        }
        finally
        {
            foreach (Manager client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task AllowConcurrentCalls_LetsCallsOnOneObjectOverlap()
    {
        SharedObject counter = await _manager.CreateAsync("concurrent-counter");
        bool[] met = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => counter.InvokeAsync<bool>("Rendezvous", 2, 10_000)));
        Assert.All(met, Assert.True);
    }

    [Fact(Timeout = 30_000)]
    public async Task GatedObject_DoesNotOverlap_EvenWhenAsked()
    {
        ICounter counter = await _manager.CreateAsync<ICounter>();
        SharedObject handle = SharedObject.FromProxy(counter);
        bool[] met = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => handle.InvokeAsync<bool>("Rendezvous", 2, 300)));
        // Gated: the calls run one after the other. The first waits alone and times out (false); the
        // second finds the count the first left behind (true). Overlapping calls would both be true.
        Assert.Single(met, m => !m);
    }

    [Fact(Timeout = 30_000)]
    public async Task SlowCallOnOneObject_DoesNotHoldUpCallsOnAnother_OnTheSameConnection()
    {
        ICounter slowObject = await _manager.CreateAsync<ICounter>();
        ICounter fastObject = await _manager.CreateAsync<ICounter>();
        SharedObject slowHandle = SharedObject.FromProxy(slowObject);

        // Warm the method up so the server treats it as short (eligible to run on the reader thread).
        for (int i = 0; i < 5; i++)
        {
            Assert.True(await SharedObject.FromProxy(fastObject).InvokeAsync<bool>("Rendezvous", 0, 1));
        }

        // Only one caller ever enters slowObject's rendezvous of two, so it spins for 3 s.
        Task<bool> slow = slowHandle.InvokeAsync<bool>("Rendezvous", 2, 3_000);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(1, await Task.Run(fastObject.IncrementSlowly));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(2), $"the fast call waited {elapsed.Elapsed}");
        Assert.False(slow.IsCompleted, "the slow call should still be running");
        Assert.False(await slow);
    }
}
