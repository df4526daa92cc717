namespace Multiproc;

/// <summary>Options for <see cref="ProcessPool.StartAsync"/>; validated when the pool starts.</summary>
public sealed class ProcessPoolOptions
{
    private Delegate? _initializer;
    private object?[] _initializerArguments = [];

    /// <summary>Gets a method each worker runs once when it starts, before its first task; <see langword="null"/> for none.</summary>
    /// <remarks>
    /// Like a worker target it must be a static method or a lambda that captures nothing. If it throws
    /// while the pool starts, <see cref="ProcessPool.StartAsync"/> fails with its exception (a BCL type as itself, else <see cref="RemoteException"/>).
    /// For an initializer that takes an argument, see <see cref="WithInitializer{T}"/>; this property is <see langword="null"/> then.
    /// </remarks>
    public Action? Initializer
    {
        get => _initializer as Action;
        init
        {
            _initializer = value;
            _initializerArguments = [];
        }
    }

    /// <summary>Gets how many tasks a worker runs before it is replaced by a fresh process; 0 (the default) for no limit.</summary>
    /// <remarks>A task is one <c>ApplyAsync</c> call or one chunk of a map, as with Python's <c>maxtasksperchild</c>.</remarks>
    public int MaxTasksPerWorker { get; init; }

    /// <summary>Gets how long disposing the pool waits for busy workers to finish before killing them; 2 seconds by default.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the initializer, with or without an argument.</summary>
    internal Delegate? InitializerTarget => _initializer;

    /// <summary>Gets the initializer's arguments: empty, or the one given to <see cref="WithInitializer{T}"/>.</summary>
    internal object?[] InitializerArguments => _initializerArguments;

    /// <summary>
    /// Returns a copy of these options whose initializer takes <paramref name="argument"/>: Python's
    /// <c>Pool(initializer=f, initargs=(a,))</c>. Typically a proxy each worker keeps in a static field for its tasks.
    /// </summary>
    /// <typeparam name="T">The initializer's parameter type; the argument is encoded as it, like a worker target's.</typeparam>
    /// <param name="initializer">A static method or a lambda that captures nothing, run once by each worker before its first task.</param>
    /// <param name="argument">Copied to every worker; a proxy is handed over to each worker separately, so a worker that replaces
    /// another (<see cref="MaxTasksPerWorker"/>, or after a crash) gets its own reference.</param>
    /// <returns>New options with the other settings of these.</returns>
    /// <remarks>
    /// <para>
    /// The pool takes its own copy of the argument when it starts: changes the caller makes to it
    /// afterwards reach no worker, and a proxy in it is a reference the pool holds until it is
    /// disposed. The caller may dispose its proxy once <see cref="ProcessPool.StartAsync"/> returns;
    /// replacement workers still get the object.
    /// </para>
    /// <para>
    /// <see cref="ProcessPool.StartAsync"/> fails with <see cref="ArgumentException"/> if the argument
    /// cannot be sent to a worker, with <see cref="ManagerUnavailableException"/> if it is a proxy whose
    /// manager is gone, and with the initializer's own exception if it throws.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="initializer"/> is <see langword="null"/>.</exception>
    public ProcessPoolOptions WithInitializer<T>(Action<T> initializer, T argument)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return new ProcessPoolOptions
        {
            MaxTasksPerWorker = MaxTasksPerWorker,
            ShutdownTimeout = ShutdownTimeout,
            _initializer = initializer,
            _initializerArguments = [argument],
        };
    }
}
