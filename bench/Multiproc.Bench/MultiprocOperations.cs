
namespace Multiproc.Bench;

/// <summary>The Multiproc side of each compared operation, measured from a client process.</summary>
internal static class MultiprocOperations
{
    public static async Task MeasureAsync(Manager manager, int iterations, bool quick, Dictionary<string, double> results)
    {
        ICounter counter = await manager.CreateAsync<ICounter>();
        results["call_int"] = Measure.MicrosecondsPerOperation(iterations, () => counter.Add(1));
        results["pipelined_64_calls_per_s"] = Measure.CallsPerSecond(64, quick ? 0.3 : 1.0, () => counter.AddAsync(1));

        results["create_proxy"] = Measure.MicrosecondsPerOperation(iterations / 10, () =>
        {
            ICounter created = manager.CreateAsync<ICounter>().GetAwaiter().GetResult();
            ((IDisposable)created).Dispose();
        });

        ISharedList<int> list = await manager.CreateListAsync<int>();
        results["list_append"] = Measure.MicrosecondsPerOperation(iterations, () => list.Add(1));
        results["list_getitem"] = Measure.MicrosecondsPerOperation(iterations, () => _ = list[0]);

        ISharedDictionary<string, int> dictionary = await manager.CreateDictionaryAsync<string, int>();
        string[] keys = [.. Enumerable.Range(0, 64).Select(i => "k" + i)];
        int next = 0;
        results["dict_set"] = Measure.MicrosecondsPerOperation(iterations, () => dictionary[keys[next++ & 63]] = next);
        results["dict_get"] = Measure.MicrosecondsPerOperation(iterations, () => _ = dictionary[keys[next++ & 63]]);

        using ISharedQueue<int> queue = await manager.CreateQueueAsync<int>();
        results["queue_put_get"] = Measure.MicrosecondsPerOperation(iterations, () =>
        {
            queue.Put(1);
            queue.Take();
        });

        using ISharedLock sharedLock = await manager.CreateLockAsync();
        results["lock_acquire_release"] = Measure.MicrosecondsPerOperation(iterations, () =>
        {
            sharedLock.Acquire();
            sharedLock.Release();
        });

        ISharedValue<int> value = await manager.CreateValueAsync(0);
        results["value_get"] = Measure.MicrosecondsPerOperation(iterations, () => _ = value.Value);

        using SharedArray<long> array = await manager.CreateArrayAsync<long>(1024);
        int slot = 0;
        results["array_write"] = Measure.MicrosecondsPerOperation(iterations * 100, () => array[slot++ & 1023] = slot);
    }
}
