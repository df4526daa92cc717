namespace Multiproc;

/// <summary>Where the manager's server runs.</summary>
public enum ManagerHosting
{
    /// <summary>The server runs inside the process that calls <see cref="Manager.StartAsync"/> (the default).</summary>
    InProcess,

    /// <summary>The server runs in a child process of its own, as Python's managers do.</summary>
    ChildProcess,
}
