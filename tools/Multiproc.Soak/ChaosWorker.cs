
namespace Multiproc.Soak;

/// <summary>One worker's random operations on the shared objects, each recorded before and after (see <see cref="ChaosLedger"/>).</summary>
/// <remarks>
/// Line codes: <c>p+/p=/p!/p?</c> put attempted/acknowledged/refused/cancelled; <c>t- k</c> take of up to k begun,
/// <c>t=</c> taken items; <c>a+/a=</c> list add; <c>o-/o=</c> list pop; <c>d+/d=</c> dictionary increment;
/// <c>L-/L=/L!</c> lock acquire begun/held/timed out, <c>c+ v/c= v</c> guarded counter read v and wrote v+1,
/// <c>U-/U=</c> lock release; <c>S-/S=/S!</c> and <c>s-/s=</c> the same for a semaphore permit;
/// <c>n+/n=</c> a temporary object created/released; <c>r=</c> a read.
/// </remarks>
internal sealed class ChaosWorker(Manager manager, long incarnation, Random random, CancellationToken stop)
{
    private readonly List<ISharedList<int>> _temporaries = [];
    private ISharedQueue<long> _queue = null!;
    private ISharedList<long> _list = null!;
    private ISharedDictionary<string, long> _dictionary = null!;
    private ISharedValue<long> _counter = null!;
    private ISharedLock _lock = null!;
    private ISharedSemaphore _semaphore = null!;
    private long _next;

    public async Task ConnectAsync()
    {
        _queue = await manager.LookupAsync<ISharedQueue<long>>(ChaosNames.Queue, stop);
        _list = await manager.LookupAsync<ISharedList<long>>(ChaosNames.List, stop);
        _dictionary = await manager.LookupAsync<ISharedDictionary<string, long>>(ChaosNames.Dictionary, stop);
        _counter = await manager.LookupAsync<ISharedValue<long>>(ChaosNames.Counter, stop);
        _lock = await manager.LookupAsync<ISharedLock>(ChaosNames.Lock, stop);
        _semaphore = await manager.LookupAsync<ISharedSemaphore>(ChaosNames.Semaphore, stop);
    }

    /// <summary>
    /// Runs every operation a few times on private objects, unrecorded, so the code is compiled before the worker is
    /// put to work: a fresh process otherwise spends its first seconds in the JIT, on a busy machine most of its life.
    /// </summary>
    public async Task WarmUpAsync()
    {
        (ISharedQueue<long>, ISharedList<long>, ISharedDictionary<string, long>, ISharedValue<long>, ISharedLock, ISharedSemaphore) shared =
            (_queue, _list, _dictionary, _counter, _lock, _semaphore);
        _queue = await manager.CreateQueueAsync<long>(0, stop);
        _list = await manager.CreateListAsync<long>(cancellationToken: stop);
        _dictionary = await manager.CreateDictionaryAsync<string, long>(stop);
        _counter = await manager.CreateValueAsync(0L, stop);
        _lock = await manager.CreateLockAsync(cancellationToken: stop);
        _semaphore = await manager.CreateSemaphoreAsync(ChaosNames.Permits, ChaosNames.Permits, cancellationToken: stop);
        _queue.PutMany(Enumerable.Range(0, 200).Select(i => (long)i));
        ChaosOutput.Muted = true;
        for (int i = 0; i < 6; i++)
        {
            await PutAsync();
            await TakeAsync();
            await AddAsync();
            await PopAsync();
            await IncrementAsync();
            await CriticalSectionAsync();
            await PermitAsync();
            await ReadAsync();
        }

        ChaosOutput.Muted = false;
        foreach (object temporary in new object[] { _queue, _list, _dictionary, _counter, _lock, _semaphore })
        {
            await SharedObject.FromProxy(temporary).DisposeAsync();
        }

        (_queue, _list, _dictionary, _counter, _lock, _semaphore) = shared;
        _next = 0;
    }

    public Task StepAsync() => random.Next(100) switch
    {
        < 30 => PutAsync(),
        < 60 => TakeAsync(),
        < 67 => AddAsync(),
        < 72 => PopAsync(),
        < 80 => IncrementAsync(),
        < 87 => CriticalSectionAsync(),
        < 94 => PermitAsync(),
        < 97 => TemporaryAsync(),
        _ => ReadAsync(),
    };

    public async Task ReleaseTemporariesAsync()
    {
        foreach (ISharedList<int> temporary in _temporaries)
        {
            await SharedObject.FromProxy(temporary).DisposeAsync();
            ChaosOutput.Emit("n=");
        }

        _temporaries.Clear();
    }

    private long NextItem() => (incarnation * ChaosNames.ItemsPerIncarnation) + _next++;

    private TimeSpan ShortTimeout() => TimeSpan.FromMilliseconds(random.Next(0, 30));

    /// <summary>A token that the stop cancels, and sometimes a random short delay too.</summary>
    private CancellationTokenSource MaybeCancelled()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stop);
        if (random.Next(3) == 0)
        {
            source.CancelAfter(random.Next(0, 30));
        }

        return source;
    }

    private async Task PutAsync()
    {
        long item = NextItem();
        switch (random.Next(4))
        {
            case 0:
                ChaosOutput.Emit("p+", item);
                _queue.Put(item);
                ChaosOutput.Emit("p=", item);
                break;
            case 1:
                ChaosOutput.Emit("p+", item);
                ChaosOutput.Emit(_queue.TryPut(item, ShortTimeout()) ? "p=" : "p!", item);
                break;
            case 2:
                ChaosOutput.Emit("p+", item);
                using (CancellationTokenSource cancel = MaybeCancelled())
                {
                    try
                    {
                        await _queue.PutAsync(item, cancel.Token);
                        ChaosOutput.Emit("p=", item);
                    }
                    catch (OperationCanceledException)
                    {
                        ChaosOutput.Emit("p?", item);
                    }
                }

                break;
            default:
                long[] items = [item, .. Enumerable.Range(0, random.Next(1, 5)).Select(_ => NextItem())];
                ChaosOutput.Emit("p+", items);
                _queue.PutMany(items);
                ChaosOutput.Emit("p=", items);
                break;
        }
    }

    private async Task TakeAsync()
    {
        switch (random.Next(6))
        {
            case 0:
                ChaosOutput.Emit("t-", 1);
                ChaosOutput.Emit("t=", _queue.Take());
                break;
            case 1:
                ChaosOutput.Emit("t-", 1);
                ChaosOutput.Emit("t=", _queue.TryTake(out long taken, ShortTimeout()) ? new[] { taken } : []);
                break;
            case 2:
                int most = random.Next(1, 9);
                ChaosOutput.Emit("t-", most);
                ChaosOutput.Emit("t=", _queue.TakeMany(most));
                break;
            default:
                int count = random.Next(2) == 0 ? 1 : random.Next(1, 9);
                ChaosOutput.Emit("t-", count);
                using (CancellationTokenSource cancel = MaybeCancelled())
                {
                    try
                    {
                        ChaosOutput.Emit("t=", count == 1 ? new[] { await _queue.TakeAsync(cancel.Token) } : await _queue.TakeManyAsync(count, cancel.Token));
                    }
                    catch (OperationCanceledException)
                    {
                        ChaosOutput.Emit("t=");
                    }
                }

                break;
        }
    }

    private async Task AddAsync()
    {
        long item = NextItem();
        ChaosOutput.Emit("a+", item);
        if (random.Next(2) == 0)
        {
            _list.Add(item);
        }
        else
        {
            await _list.AddAsync(item);
        }

        ChaosOutput.Emit("a=", item);
    }

    private async Task PopAsync()
    {
        ChaosOutput.Emit("o-", 1);
        (bool found, long item) = random.Next(2) == 0
            ? (_list.TryPop(out long popped), popped)
            : await _list.TryPopAsync();
        ChaosOutput.Emit("o=", found ? new[] { item } : []);
    }

    private async Task IncrementAsync()
    {
        string key = "k" + random.Next(8);
        ChaosOutput.Emit("d+", key);
        if (random.Next(2) == 0)
        {
            _dictionary.Increment(key, 1L);
        }
        else
        {
            await _dictionary.IncrementAsync(key, 1L);
        }

        ChaosOutput.Emit("d=", key);
    }

    private async Task CriticalSectionAsync()
    {
        ChaosOutput.Emit("L-");
        bool held = random.Next(3) == 0 ? _lock.TryAcquire(ShortTimeout()) : await _lock.TryAcquireAsync(TimeSpan.FromMilliseconds(random.Next(0, 200)), stop);
        if (!held)
        {
            ChaosOutput.Emit("L!");
            return;
        }

        ChaosOutput.Emit("L=");
        long read = _counter.Value;
        ChaosOutput.Emit("c+", read);
        if (random.Next(4) == 0)
        {
            // Hold the lock a little longer, so kills land inside critical sections too.
            Thread.Sleep(random.Next(0, 5));
        }

        _counter.Value = read + 1;
        ChaosOutput.Emit("c=", read);
        ChaosOutput.Emit("U-");
        _lock.Release();
        ChaosOutput.Emit("U=");
    }

    private async Task PermitAsync()
    {
        ChaosOutput.Emit("S-");
        if (!await _semaphore.TryAcquireAsync(TimeSpan.FromMilliseconds(random.Next(0, 100)), stop))
        {
            ChaosOutput.Emit("S!");
            return;
        }

        ChaosOutput.Emit("S=");
        Thread.Sleep(random.Next(0, 5));
        ChaosOutput.Emit("s-");
        _semaphore.Release();
        ChaosOutput.Emit("s=");
    }

    private async Task TemporaryAsync()
    {
        if (_temporaries.Count > 0 && random.Next(2) == 0)
        {
            ISharedList<int> released = _temporaries[^1];
            _temporaries.RemoveAt(_temporaries.Count - 1);
            await SharedObject.FromProxy(released).DisposeAsync();
            ChaosOutput.Emit("n=");
            return;
        }

        if (_temporaries.Count < 4)
        {
            ChaosOutput.Emit("n+");
            ISharedList<int> temporary = await manager.CreateListAsync<int>([1, 2, 3], stop);
            temporary.Add(4);
            _temporaries.Add(temporary);
        }
    }

    private async Task ReadAsync()
    {
        int queued = _queue.Count;
        int listed = (await _list.ToArrayAsync()).Length;
        int keys = (await _dictionary.SnapshotAsync()).Count;
        ChaosOutput.Emit("r=", queued, listed, keys);
    }
}
