using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

/// <summary>
/// Untyped calls and creates take a cancellation token through <c>(IReadOnlyList&lt;object?&gt; args,
/// CancellationToken)</c> overloads; a token passed inside a <c>params</c> array would travel as a value
/// and cancel nothing, so it is refused.
/// </summary>
public sealed class UntypedCallTokenTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(TestOptions.Create());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task CreateAndInvoke_WithArgumentListAndToken_Work()
    {
        using SharedObject list = await _manager.CreateAsync("multiproc:list", [11, false, new[] { 1, 2 }], TestTimeout.Token());

        await list.InvokeAsync("Add", [3], TestTimeout.Token());

        Assert.Equal(3, await list.InvokeAsync<int>("Count", [], TestTimeout.Token()));
    }

    [Fact(Timeout = 20_000)]
    public async Task TokenInsideParams_IsRefused_BeforeAnythingIsSent()
    {
        using SharedObject list = await _manager.CreateAsync("multiproc:list", 11, false, new[] { 1 });
        CancellationToken token = TestTimeout.Token();

        await Assert.ThrowsAsync<ArgumentException>(() => list.InvokeAsync("Add", token));
        await Assert.ThrowsAsync<ArgumentException>(() => list.InvokeAsync<int>("Pop", token));
        Assert.Throws<ArgumentException>(() => list.Invoke<int>("Pop", token));
        await Assert.ThrowsAsync<ArgumentException>(() => _manager.CreateAsync("multiproc:list", 11, false, Array.Empty<int>(), token));

        Assert.Equal(1, await list.InvokeAsync<int>("Count"));
    }

    [Fact(Timeout = 20_000)]
    public async Task InvokeAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using SharedObject list = await _manager.CreateAsync("multiproc:list", 11, false, new[] { 1 });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => list.InvokeAsync<int>("Count", [], cancelled.Token));
        Assert.Equal(1, await list.InvokeAsync<int>("Count"));
    }
}
