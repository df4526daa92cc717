using Multiproc.Server;

namespace Multiproc.Hosting;

/// <summary>What a child-process manager is started with: its settings, address and the registrations it will serve.</summary>
/// <param name="Settings">The snapshot of the owner's options.</param>
/// <param name="Address">Where the child will listen (a port is chosen up front for <c>tcp://host:0</c>).</param>
/// <param name="OwnedDirectory">The socket directory the owner created and removes, or null.</param>
/// <param name="Registrations">Type id, contract and implementation (assembly-qualified names) per registered type.</param>
/// <param name="PythonAddress">Where the child will serve Python clients (a port chosen up front), or null.</param>
internal sealed record HostPlan(ManagerSettings Settings, string Address, string? OwnedDirectory, string[] Registrations, string? PythonAddress)
{
    /// <summary>The separator of the native and the Python address in <see cref="ManagerHost.Serve"/>'s one address argument (no address holds a NUL).</summary>
    public const char AddressSeparator = '\0';

    /// <summary>Gets the address argument of <see cref="ManagerHost.Serve"/>: the native address, and the Python one after a NUL.</summary>
    public string ServeAddress => PythonAddress is null ? Address : Address + AddressSeparator + PythonAddress;
}
