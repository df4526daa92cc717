using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F8: <c>create("multiproc:list", 99, false, [])</c>, an invalid element kind, was accepted. Every
/// argument of every built-in create is now checked by the manager (raw untyped path, as a foreign
/// or hostile client would send it), and a refused create leaves nothing behind.
/// </summary>
public sealed class BuiltInCreateValidationTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    public static TheoryData<string, object?[], Type> InvalidCreates => new()
    {
        { "multiproc:list", [99, false, Array.Empty<int>()], typeof(ArgumentOutOfRangeException) },
        { "multiproc:list", [-1, true, Array.Empty<int>()], typeof(ArgumentOutOfRangeException) },
        { "multiproc:list", [1, false, new object?[] { "not an integer" }], typeof(ArgumentException) },
        { "multiproc:dict", [99, 0, false], typeof(ArgumentOutOfRangeException) },
        { "multiproc:dict", [3, 42, true], typeof(ArgumentOutOfRangeException) },
        { "multiproc:value", [15, false, 1], typeof(ArgumentOutOfRangeException) },
        { "multiproc:list", [11, false, new object?[] { 1L << 40 }], typeof(ArgumentOutOfRangeException) },
        { "multiproc:value", [3, false, 1], typeof(ArgumentException) },
        { "multiproc:queue", [99, false, 0], typeof(ArgumentOutOfRangeException) },
        { "multiproc:queue", [0, false, -1], typeof(ArgumentOutOfRangeException) },
        { "multiproc:array", [0, 10], typeof(ArgumentOutOfRangeException) },
        { "multiproc:array", [8, -1], typeof(ArgumentOutOfRangeException) },
        { "multiproc:semaphore", [1, 1, 2], typeof(ArgumentOutOfRangeException) },
        { "multiproc:semaphore", [-1, 1, 0], typeof(ArgumentOutOfRangeException) },
        { "multiproc:semaphore", [1, 0, 0], typeof(ArgumentOutOfRangeException) },
        { "multiproc:barrier", [0], typeof(ArgumentOutOfRangeException) },
        { "multiproc:condition", ["not a lock"], typeof(ArgumentException) },
    };

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(InvalidCreates))]
    public async Task Create_InvalidArgument_IsRefused_AndNothingIsCreated(string typeId, object?[] args, Type expected)
    {
        int objects = (await _manager.GetStatsAsync(TestTimeout.Token())).ObjectCount;

        Exception error = await Assert.ThrowsAnyAsync<ArgumentException>(() => _manager.CreateAsync(typeId, args));

        Assert.IsType(expected, error);
        Assert.Equal(objects, (await _manager.GetStatsAsync(TestTimeout.Token())).ObjectCount);
        Assert.Equal(0, _manager.OwnedServer!.Host.MemoryQuota.Used);
    }

    [Fact(Timeout = 20_000)]
    public async Task Create_ValidRawArguments_StillWork()
    {
        using SharedObject list = await _manager.CreateAsync("multiproc:list", 1, false, new[] { 1, 2 });
        Assert.Equal(2, await list.InvokeAsync<int>("Count"));
        using SharedObject semaphore = await _manager.CreateAsync("multiproc:semaphore", 1, 1, 1);
        Assert.Equal(1, await semaphore.InvokeAsync<int>("CurrentCount"));
    }
}
