using Multiproc.Protocol.BuiltIns;
using Multiproc.Proxies;

namespace Multiproc;

/// <summary>Creation of the blocking shared objects: queues and synchronization primitives.</summary>
public sealed partial class Manager
{
    /// <summary>Creates a shared FIFO queue (Python's <c>manager.Queue(maxsize)</c> / <c>JoinableQueue</c>).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="capacity">The most items stored before puts wait; 0 (the default) is unbounded.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The queue's proxy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public async Task<ISharedQueue<T>> CreateQueueAsync<T>(int capacity = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        (ValueKind kind, bool nullable) = ValueKinds.Of(typeof(T));
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Queue, [(int)kind, nullable, capacity], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedQueue<T>>(handle);
    }

    /// <summary>Creates a shared lock, owned per connection and released when its owner's connection closes.</summary>
    /// <param name="reentrant">Whether the owning process may acquire it again (Python's <c>RLock</c>); default false.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lock's proxy.</returns>
    public async Task<ISharedLock> CreateLockAsync(bool reentrant = false, CancellationToken cancellationToken = default)
    {
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Lock, [reentrant], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedLock>(handle);
    }

    /// <summary>
    /// Creates a shared lock with Python's <c>threading.Lock</c> semantics, the ones a lock created by a Python client
    /// has (docs/python.md, "Semantics belong to the object"): it has no owner, so any process may release it, and it
    /// stays held when its holder's process dies. Not reentrant.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lock's proxy; <see cref="ISharedLock.Release"/> from any connection frees a held lock.</returns>
    /// <remarks>Prefer <see cref="CreateLockAsync"/> unless Python code shares the lock and relies on releasing it from
    /// another thread or process: a holder that dies leaves this lock held until someone releases it.</remarks>
    public async Task<ISharedLock> CreatePythonLockAsync(CancellationToken cancellationToken = default)
    {
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Lock, [false, true], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedLock>(handle);
    }

    /// <summary>Creates a shared semaphore (Python's <c>manager.Semaphore()</c> / <c>BoundedSemaphore()</c>).</summary>
    /// <param name="initialCount">Free permits at the start.</param>
    /// <param name="maxCount">The most free permits (Python's <c>BoundedSemaphore</c> when set); default unbounded.</param>
    /// <param name="kind">
    /// What permits mean when a process dies: <see cref="SemaphoreKind.Counting"/> (the default: anyone releases,
    /// nothing comes back) or <see cref="SemaphoreKind.Owned"/> (only holders release; a closed connection's
    /// permits come back). See <see cref="SemaphoreKind"/> for which to pick.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The semaphore's proxy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The counts are negative, <paramref name="maxCount"/> is below 1, <paramref name="initialCount"/> exceeds it,
    /// <paramref name="kind"/> is not a defined value, or an <see cref="SemaphoreKind.Owned"/> semaphore has no initial permit.
    /// </exception>
    public async Task<ISharedSemaphore> CreateSemaphoreAsync(int initialCount, int maxCount = int.MaxValue, SemaphoreKind kind = SemaphoreKind.Counting, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialCount, maxCount);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown semaphore kind.");
        }

        if (kind == SemaphoreKind.Owned && initialCount == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initialCount), initialCount, "An owned semaphore needs at least one initial permit: only holders may release it.");
        }

        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Semaphore, [initialCount, maxCount, (int)kind], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedSemaphore>(handle);
    }

    /// <summary>Creates a shared manual-reset event.</summary>
    /// <param name="initialState">Whether it starts set; default false.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event's proxy.</returns>
    public async Task<ISharedEvent> CreateEventAsync(bool initialState = false, CancellationToken cancellationToken = default)
    {
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Event, [initialState], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedEvent>(handle);
    }

    /// <summary>Creates a shared cyclic barrier that breaks when a participant's connection closes.</summary>
    /// <param name="participants">How many signals complete a phase (at least 1).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The barrier's proxy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="participants"/> is below 1.</exception>
    public async Task<ISharedBarrier> CreateBarrierAsync(int participants, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participants, 1);
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Barrier, [participants], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedBarrier>(handle);
    }

    /// <summary>Creates a shared condition variable over <paramref name="lk"/> or a new lock.</summary>
    /// <param name="lk">A lock of this manager, used as is (the manager's lock object, not a copy); null for a new non-reentrant lock.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The condition's proxy; it is also a proxy of its lock.</returns>
    /// <exception cref="ArgumentException"><paramref name="lk"/> belongs to another manager.</exception>
    public async Task<ISharedCondition> CreateConditionAsync(ISharedLock? lk = null, CancellationToken cancellationToken = default)
    {
        SharedObject handle = await CreateBuiltInAsync(BuiltInTypes.Condition, [lk], cancellationToken).ConfigureAwait(false);
        return ProxyFactory.Create<ISharedCondition>(handle);
    }
}
