namespace Multiproc.Orleans.Failover;

/// <summary>What happens to the victim silo.</summary>
internal enum Fault
{
    /// <summary>SIGKILL: the process is gone and its ports refuse connections.</summary>
    Kill,

    /// <summary>SIGSTOP: the process is frozen with its sockets open (a hung machine).</summary>
    Freeze,
}
