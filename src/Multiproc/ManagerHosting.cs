
namespace Multiproc;

/// <summary>Where the manager's server runs.</summary>
public enum ManagerHosting
{
    /// <summary>The server runs inside the process that calls <see cref="Manager.StartAsync"/> (the default).</summary>
    /// <remarks>
    /// The server shares this process's thread pool with its callers but never needs a pool thread
    /// for its own work (accepted calls on built-in objects, hand-offs, replies, waits, timeouts):
    /// sync calls from pool threads that block while they wait (ASP.NET handlers, <c>Parallel.For</c>
    /// bodies) keep flowing. Your own shared classes' methods run on the connection's reader thread
    /// when they are known to be short, otherwise on the thread pool, and the continuations of your
    /// async methods run wherever what they await completes them (usually the pool): those calls
    /// wait for a free pool thread like any other pool work.
    /// </remarks>
    InProcess,

    /// <summary>The server runs in a child process of its own, as Python's managers do.</summary>
    ChildProcess,
}
