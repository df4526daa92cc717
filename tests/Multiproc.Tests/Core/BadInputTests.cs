using System.Security.Authentication;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

/// <summary>Hostile and broken peers: each must get a typed error or a closed connection, never a hang,
/// and the manager must keep serving everyone else with its objects intact.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private Manager _manager = null!;
    private IEmployee _witness = null!;

    public async Task InitializeAsync()
    {
        var options = TestOptions.Create();
        options.MaxFrameSize = 1024 * 1024;
        options.HandshakeTimeout = TimeSpan.FromSeconds(2);
        _manager = await Manager.StartAsync(options);
        _witness = await _manager.CreateAsync<IEmployee>("Witness", 100m);
    }

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task WrongKey_ThrowsAuthenticationException()
    {
        byte[] wrong = new byte[32];
        await Assert.ThrowsAsync<AuthenticationException>(() => Manager.ConnectAsync(_manager.Address, wrong, TestTimeout.Token()));
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task GarbageInsteadOfHandshake_IsDisconnected()
    {
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: false, TestTimeout.Token());
        await raw.SendAsync([.. Enumerable.Range(0, 200).Select(i => (byte)(i * 7))], TestTimeout.Token());
        Assert.True(await raw.IsClosedByServerAsync(TestTimeout.Token(10)));
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task SilentClient_IsDisconnectedAfterHandshakeTimeout()
    {
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: false, TestTimeout.Token());
        Assert.True(await raw.IsClosedByServerAsync(TestTimeout.Token(10)));
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task GarbageAfterHandshake_ClosesOnlyThatConnection()
    {
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token());
        await raw.SendLengthPrefixAsync(5, TestTimeout.Token());
        await raw.SendAsync([0xc1, 0xc1, 0xc1, 0xc1, 0xc1], TestTimeout.Token());
        Assert.True(await raw.IsClosedByServerAsync(TestTimeout.Token(10)));
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task TruncatedFrameThenSilence_DoesNotBlockOthers_AndIsCleanedUpOnClose()
    {
        using (RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token()))
        {
            await raw.SendLengthPrefixAsync(100, TestTimeout.Token());
            await raw.SendAsync(new byte[10], TestTimeout.Token());
            await AssertManagerHealthyAsync();

            // The witness connection closed just now; the manager notices on its reader thread.
            await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync()).ConnectionCount == 2);
        }

        await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync()).ConnectionCount == 1);
    }

    [Fact(Timeout = 20_000)]
    public async Task TwoGigabyteLengthPrefix_ClosesThatConnection_AndTheManagerServesOthers()
    {
        // That nothing is allocated for the length is measured per thread, on the reader itself: FrameReaderLimitTests.
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token());
        await raw.SendLengthPrefixAsync(2u * 1024 * 1024 * 1024, TestTimeout.Token());
        Assert.True(await raw.IsClosedByServerAsync(TestTimeout.Token(10)));
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task OversizedArgument_IsRefusedByTheClient_BeforeSending()
    {
        await using Manager client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateAsync<IEmployee>(new string('x', 70 * 1024 * 1024), 1m));
        IEmployee found = await client.CreateAsync<IEmployee>("small", 1m);
        Assert.Equal("small", found.Name);
    }

    [Fact(Timeout = 20_000)]
    public async Task UnknownObjectId_ThrowsKeyNotFound()
    {
        var ghost = new SharedObject(_manager.Channel, 987_654, "ghost");
        await Assert.ThrowsAsync<KeyNotFoundException>(() => ghost.InvokeAsync<int>("Anything"));
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task UnknownMember_ThrowsMissingMethod()
    {
        SharedObject handle = SharedObject.FromProxy(_witness);
        MissingMethodException error = await Assert.ThrowsAsync<MissingMethodException>(() => handle.InvokeAsync<int>("Fly"));
        Assert.Contains("Fly", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task WrongArgumentCount_ThrowsMissingMethod()
    {
        SharedObject handle = SharedObject.FromProxy(_witness);
        await Assert.ThrowsAsync<MissingMethodException>(() => handle.InvokeAsync<decimal>("Raise", 1m, 2m, 3m));
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task WrongArgumentType_ThrowsArgumentException_AndLeavesObjectUnchanged()
    {
        SharedObject handle = SharedObject.FromProxy(_witness);
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => handle.InvokeAsync<decimal>("Raise", "not a number"));
        Assert.Contains("Raise", error.Message, StringComparison.Ordinal);
        await AssertManagerHealthyAsync();
    }

    [Fact(Timeout = 20_000)]
    public async Task ManagerDisposedWhileCallsInFlight_FailsThemWithManagerUnavailable()
    {
        Manager owner = await Manager.StartAsync(TestOptions.Create());
        await using Manager client = await Manager.ConnectAsync(owner.Address, owner.AuthKey);
        IEmployee employee = await client.CreateAsync<IEmployee>("Busy");
        Task[] inFlight = [.. Enumerable.Range(0, 8).Select(_ => employee.DelayAsync(60_000, CancellationToken.None))];

        await owner.DisposeAsync();

        foreach (Task call in inFlight)
        {
            await Assert.ThrowsAsync<ManagerUnavailableException>(() => call.WaitAsync(TestTimeout.Token(10)));
        }

        Assert.Throws<ManagerUnavailableException>(() => employee.Raise(1m));
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => client.GetStatsAsync());
    }

    private async Task AssertManagerHealthyAsync()
    {
        await using Manager other = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, TestTimeout.Token());
        IEmployee witness = await other.CreateAsync<IEmployee>("Second", 1m);
        Assert.Equal(2m, witness.Raise(1m));
        Assert.Equal(100m, _witness.Salary);
    }
}
