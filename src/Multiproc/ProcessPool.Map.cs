using System.Reflection;
using System.Runtime.CompilerServices;
using Multiproc.Processes.Channel;
using Multiproc.Processes.Pool;

namespace Multiproc;

/// <content>Mapping a function over items, in chunks spread over the workers.</content>
public sealed partial class ProcessPool
{
    /// <summary>Runs <paramref name="target"/> on every item in the workers and returns the results in item order.</summary>
    /// <typeparam name="T">The item type, copied to the workers.</typeparam>
    /// <typeparam name="TResult">The result type, copied back.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="items">The items; enumerated once, up front.</param>
    /// <param name="chunkSize">Items sent per task; 0 picks <c>ceil(count / (4 × workers))</c> as Python does.</param>
    /// <param name="progress">Receives the number of items completed so far, after each chunk, on a pool thread.</param>
    /// <param name="cancellationToken">Cancels the map: chunks not yet started are withdrawn; running ones finish and are dropped.</param>
    /// <returns>The results, <c>results[i] = target(items[i])</c>.</returns>
    /// <exception cref="ArgumentException">The target captures state, or an item cannot be encoded (the message gives its index).</exception>
    /// <exception cref="RemoteException">The target threw for some item (a BCL exception arrives as its own type instead); the map stops.</exception>
    /// <exception cref="WorkerCrashedException">A worker died while running a chunk.</exception>
    public async Task<TResult[]> MapAsync<T, TResult>(
        Func<T, TResult> target,
        IEnumerable<T> items,
        int chunkSize = 0,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(chunkSize);
        RegisteredTarget registered = Register(target);
        T[] all = items as T[] ?? items.ToArray();
        if (all.Length == 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        int size = chunkSize > 0 ? chunkSize : AutoChunkSize(all.Length);
        int chunkCount = (all.Length + size - 1) / size;
        ParameterInfo parameter = registered.Method.Parameters[0];
        var results = new MapArrayResults<TResult>(registered, all.Length, chunkCount, progress);
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static (state, token) => ((MapArrayResults<TResult>)state!).Cancel(token), results);
        try
        {
            for (int offset = 0; offset < all.Length && !results.Task.IsCompleted; offset += size)
            {
                int count = Math.Min(size, all.Length - offset);
                byte[] encoded = WorkerArgumentCodec.EncodeItems<T>(all.AsSpan(offset, count), parameter, offset);
                _scheduler.Submit(results.CreateChunk(offset, count, encoded));
            }
        }
        catch
        {
            results.CancelChunks();
            throw;
        }

        return await results.Task.ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="target"/> on every item in the workers and streams the results in item order (Python's <c>imap</c>).</summary>
    /// <typeparam name="T">The item type, copied to the workers.</typeparam>
    /// <typeparam name="TResult">The result type, copied back.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="items">The items; enumerated lazily, a bounded number of chunks ahead of the consumer.</param>
    /// <param name="chunkSize">Items sent per task; 0 picks as <see cref="MapAsync"/> when the count is known without enumerating, else 1.</param>
    /// <param name="progress">Receives the number of items completed so far, after each chunk, on a pool thread.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The results, in item order, as they become available.</returns>
    /// <exception cref="ArgumentException">The target captures state.</exception>
    /// <remarks>Failures (the target's exception, <see cref="WorkerCrashedException"/>, an item that cannot be encoded) surface while enumerating. Stopping the enumeration early withdraws the remaining work.</remarks>
    public IAsyncEnumerable<TResult> MapStreamAsync<T, TResult>(
        Func<T, TResult> target,
        IEnumerable<T> items,
        int chunkSize = 0,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
        => Stream(target, items, chunkSize, progress, ordered: true, cancellationToken);

    /// <summary>Runs <paramref name="target"/> on every item in the workers and streams the results as they complete (Python's <c>imap_unordered</c>).</summary>
    /// <typeparam name="T">The item type, copied to the workers.</typeparam>
    /// <typeparam name="TResult">The result type, copied back.</typeparam>
    /// <param name="target">A static method or a lambda that captures nothing.</param>
    /// <param name="items">The items; enumerated lazily, a bounded number of chunks ahead of the consumer.</param>
    /// <param name="chunkSize">Items sent per task; 0 picks as <see cref="MapAsync"/> when the count is known without enumerating, else 1.</param>
    /// <param name="progress">Receives the number of items completed so far, after each chunk, on a pool thread.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The results in completion order (items of one chunk stay together, in order).</returns>
    /// <exception cref="ArgumentException">The target captures state.</exception>
    /// <remarks>Failures surface while enumerating. Stopping the enumeration early withdraws the remaining work.</remarks>
    public IAsyncEnumerable<TResult> MapUnorderedAsync<T, TResult>(
        Func<T, TResult> target,
        IEnumerable<T> items,
        int chunkSize = 0,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
        => Stream(target, items, chunkSize, progress, ordered: false, cancellationToken);

    private IAsyncEnumerable<TResult> Stream<T, TResult>(
        Func<T, TResult> target, IEnumerable<T> items, int chunkSize, IProgress<int>? progress, bool ordered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(chunkSize);
        RegisteredTarget registered = Register(target);
        int size = chunkSize > 0 ? chunkSize : items.TryGetNonEnumeratedCount(out int count) ? AutoChunkSize(count) : 1;
        return StreamAsync<T, TResult>(registered, items, size, progress, ordered, cancellationToken);
    }

    private async IAsyncEnumerable<TResult> StreamAsync<T, TResult>(
        RegisteredTarget target,
        IEnumerable<T> items,
        int chunkSize,
        IProgress<int>? progress,
        bool ordered,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = new MapStreamResults<TResult>(target, progress, window: WorkerCount * 4);
        Task producer = Task.Run(() => ProduceAsync(results, items, chunkSize, stop.Token), CancellationToken.None);
        try
        {
            var early = new Dictionary<int, TResult[]>();
            int next = 0;
            await foreach ((int index, TResult[] values) in results.Completed.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                if (ordered && index != next)
                {
                    early[index] = values;
                    continue;
                }

                TResult[]? ready = values;
                while (ready is not null)
                {
                    next++;
                    results.Slots.Release();
                    foreach (TResult value in ready)
                    {
                        yield return value;
                    }

                    ready = ordered && early.Remove(next, out TResult[]? buffered) ? buffered : null;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            results.CancelChunks();

            // The producer may be inside the caller's enumerable; it stops at its next chunk. Only then are the slots unused.
            _ = producer.ContinueWith(_ => results.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private async Task ProduceAsync<T, TResult>(MapStreamResults<TResult> results, IEnumerable<T> items, int chunkSize, CancellationToken cancellationToken)
    {
        try
        {
            ParameterInfo parameter = results.Target.Method.Parameters[0];
            var chunk = new T[chunkSize];
            int filled = 0;
            int offset = 0;
            foreach (T item in items)
            {
                chunk[filled++] = item;
                if (filled == chunkSize)
                {
                    await SubmitAsync().ConfigureAwait(false);
                }
            }

            if (filled > 0)
            {
                await SubmitAsync().ConfigureAwait(false);
            }

            results.OnProducerFinished();

            async Task SubmitAsync()
            {
                await results.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                byte[] encoded = WorkerArgumentCodec.EncodeItems<T>(chunk.AsSpan(0, filled), parameter, offset);
                results.OnSubmitting();
                _scheduler.Submit(results.CreateChunk(offset, filled, encoded));
                offset += filled;
                filled = 0;
            }
        }
        catch (Exception ex)
        {
            results.OnFailed(ex);
        }
    }

    private int AutoChunkSize(int count)
    {
        int chunks = WorkerCount * 4;
        return Math.Max(1, (count + chunks - 1) / chunks);
    }
}
