namespace Multiproc;

/// <summary>Options for <see cref="ProcessPool.StartAsync"/>; validated when the pool starts.</summary>
public sealed class ProcessPoolOptions
{
    /// <summary>Gets a method each worker runs once when it starts, before its first task; <see langword="null"/> for none.</summary>
    /// <remarks>
    /// Like a worker target it must be a static method or a lambda that captures nothing. If it throws
    /// while the pool starts, <see cref="ProcessPool.StartAsync"/> fails with its exception (a BCL type as itself, else <see cref="RemoteException"/>).
    /// </remarks>
    public Action? Initializer { get; init; }

    /// <summary>Gets how many tasks a worker runs before it is replaced by a fresh process; 0 (the default) for no limit.</summary>
    /// <remarks>A task is one <c>ApplyAsync</c> call or one chunk of a map, as with Python's <c>maxtasksperchild</c>.</remarks>
    public int MaxTasksPerWorker { get; init; }

    /// <summary>Gets how long disposing the pool waits for busy workers to finish before killing them; 2 seconds by default.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
