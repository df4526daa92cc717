using System.Diagnostics;

namespace Multiproc.Tests.Python.Client;

/// <summary>
/// <see cref="ISharedList{T}"/>, <see cref="ISharedDictionary{TKey, TValue}"/> and <see cref="ISharedQueue{T}"/> over a
/// real CPython manager's <c>list</c>, <c>dict</c> and <c>Queue</c>, once per interpreter found.
/// </summary>
[Trait("Kind", "Process")]
public sealed class PythonCollectionAdapterTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task List_OverAPythonList_BehavesAsAnIList(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using ISharedList<int> list = await manager.CreateListAsync([1, 2, 3]).WaitAsync(s_timeout);

        await Task.Run(() =>
        {
            list.Add(4);
            list.AddRange([5, 6]);
            list.Insert(0, 0);
            list[1] = 10;
            Assert.Equal(7, list.Count);
            Assert.Equal(10, list[1]);
            Assert.Equal(3, list.IndexOf(3));
            Assert.Equal(-1, list.IndexOf(99));
            Assert.True(list.Contains(6));
            Assert.True(list.Remove(10));
            Assert.False(list.Remove(99));
            list.RemoveAt(0);
            Assert.Equal([2, 3, 4, 5, 6], list.ToArray());
            Assert.Equal(6, list.Pop());
            Assert.True(list.TryPop(out int popped));
            Assert.Equal(5, popped);
            Assert.Equal([2, 3, 4], list.ToList());
            ArgumentOutOfRangeException outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => list[3]);
            Assert.Equal("builtins.IndexError", Assert.IsType<PythonRemoteException>(outOfRange.InnerException).PythonType);
            Assert.Throws<ArgumentOutOfRangeException>(() => list.Insert(4, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
            list.Clear();
            Assert.Empty(list.ToArray());
            Assert.False(list.TryPop(out _));
            Assert.Throws<InvalidOperationException>(() => list.Pop());
        }).WaitAsync(s_timeout);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Dictionary_OverAPythonDict_BehavesAsAnIDictionary(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using ISharedDictionary<string, long> dict = await manager.CreateDictionaryAsync<string, long>().WaitAsync(s_timeout);

        await Task.Run(() =>
        {
            dict["a"] = 1;
            dict.Add("b", 2);
            Assert.Throws<ArgumentException>(() => dict.Add("b", 3));
            Assert.True(dict.TryAdd("c", 3));
            Assert.False(dict.TryAdd("c", 4));
            Assert.Equal(3, dict.GetOrAdd("c", 5));
            Assert.Equal(9, dict.GetOrAdd("d", 9));
            Assert.Equal(4, dict.Count);
            Assert.Equal(["a", "b", "c", "d"], dict.Keys);
            Assert.Equal([1L, 2L, 3L, 9L], dict.Values);
            Assert.True(dict.ContainsKey("a"));
            Assert.True(dict.Contains(new KeyValuePair<string, long>("b", 2)));
            Assert.True(dict.TryGetValue("d", out long d));
            Assert.Equal(9, d);
            Assert.False(dict.TryGetValue("missing", out _));
            KeyNotFoundException missing = Assert.Throws<KeyNotFoundException>(() => dict["missing"]);
            Assert.Equal(["missing"], Assert.IsType<PythonRemoteException>(missing.InnerException).Arguments);
            Assert.True(dict.TryRemove("d", out long removed));
            Assert.Equal(9, removed);
            Assert.False(dict.Remove("d"));
            dict.SetMany([new("x", 24), new("y", 25)]);
            Assert.Equal(new Dictionary<string, long> { ["a"] = 1, ["x"] = 24 }, dict.GetMany(["a", "x", "nope"]));
            Assert.Equal(new Dictionary<string, long> { ["a"] = 1, ["b"] = 2, ["c"] = 3, ["x"] = 24, ["y"] = 25 }, dict.Snapshot());
            Assert.Equal(5, dict.Count(_ => true));
            Assert.Throws<NotSupportedException>(() => dict.TryUpdate("a", 2, 1));
            Assert.Throws<NotSupportedException>(() => dict.AddOrUpdate("a", 2, 3));
            dict.Clear();
            Assert.Empty(dict.Snapshot());
        }).WaitAsync(s_timeout);
        Assert.Equal((false, 0L), await dict.TryGetValueAsync("a").WaitAsync(s_timeout));
        await dict.SetAsync("a", 5).WaitAsync(s_timeout);
        Assert.Equal(5L, (await dict.SnapshotAsync().WaitAsync(s_timeout))["a"]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Dictionary_TupleKeys_UsePythonEquality(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using ISharedDictionary<(int, string), double> dict = await manager.CreateDictionaryAsync<(int, string), double>().WaitAsync(s_timeout);

        await Task.Run(() =>
        {
            dict[(1, "a")] = 1.5;
            Assert.Equal(1.5, dict[(1, "a")]);
            Assert.Equal((1, "a"), Assert.Single(dict.Snapshot()).Key);
        }).WaitAsync(s_timeout);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Queue_TakeWithTimeout_ReturnsFalseAfterTheTimeout(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using ISharedQueue<string> queue = await manager.CreateQueueAsync<string>().WaitAsync(s_timeout);

        long started = Stopwatch.GetTimestamp();
        (bool taken, _) = await queue.TryTakeAsync(TimeSpan.FromMilliseconds(600)).WaitAsync(s_timeout);
        TimeSpan waited = Stopwatch.GetElapsedTime(started);

        Assert.False(taken);
        Assert.InRange(waited, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(10));
        Assert.False(await Task.Run(() => queue.TryTake(out _, TimeSpan.Zero)).WaitAsync(s_timeout));
        Assert.Equal(0, queue.Capacity);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Queue_BlockedTake_HoldsOnlyItsOwnChannel(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using ISharedQueue<string> queue = await manager.CreateQueueAsync<string>().WaitAsync(s_timeout);

        Task<string> take = queue.TakeAsync();
        Assert.Equal(0, await Task.Run(() => queue.Count).WaitAsync(s_timeout));
        Assert.False(take.IsCompleted);
        await queue.PutAsync("first").WaitAsync(s_timeout);

        Assert.Equal("first", await take.WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Queue_CancelledTake_LosesNoItem(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        using ISharedQueue<int> queue = await manager.CreateQueueAsync<int>().WaitAsync(s_timeout);
        using var cancel = new CancellationTokenSource();

        Task<int> take = queue.TakeAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.WaitAsync(s_timeout));
        await queue.PutAsync(7).WaitAsync(s_timeout);

        Assert.Equal((true, 7), await queue.TryTakeAsync(TimeSpan.FromSeconds(5)).WaitAsync(s_timeout));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Queue_RegisteredCallable_IsTheSharedQueueAndJoins(string version)
    {
        using CPythonManagerProcess server = await CPythonManagerProcess.StartAsync(version);
        await using PythonManager manager = await server.ConnectAsync();
        PythonObject first = await manager.CreateAsync("get_queue").WaitAsync(s_timeout);
        PythonObject second = await manager.CreateAsync("get_queue").WaitAsync(s_timeout);
        using ISharedQueue<long> producer = first.AsQueue<long>();
        using ISharedQueue<long> consumer = second.AsQueue<long>();

        Assert.Equal(first.Id, second.Id);
        await Task.Run(() =>
        {
            producer.PutMany([1, 2, 3]);
            Assert.Equal(3, consumer.Count);
            Assert.Equal([1L, 2L], consumer.TakeMany(2));
            Assert.True(consumer.TryTake(out long third, TimeSpan.FromSeconds(5)));
            Assert.Equal(3, third);
            Assert.False(producer.Join(TimeSpan.FromMilliseconds(200)));
            consumer.TaskDone();
            consumer.TaskDone();
            consumer.TaskDone();
            Assert.Throws<InvalidOperationException>(consumer.TaskDone);
            Assert.True(producer.Join(TimeSpan.FromSeconds(5)));
            Assert.Throws<NotSupportedException>(() => consumer.Capacity);
            Assert.Throws<NotSupportedException>(() => consumer.IsAddingCompleted);
        }).WaitAsync(s_timeout);

        if (server.Interpreter.IsLegacy)
        {
            Assert.Throws<NotSupportedException>(producer.CompleteAdding);
            return;
        }

        await producer.PutAsync(4).WaitAsync(s_timeout);
        producer.CompleteAdding();
        Assert.Equal(new[] { 4L }, await Task.Run(() => consumer.GetConsumingEnumerable().ToArray()).WaitAsync(s_timeout));
        await Assert.ThrowsAsync<InvalidOperationException>(() => producer.PutAsync(5).WaitAsync(s_timeout));
    }
}
