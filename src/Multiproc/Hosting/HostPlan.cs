using Multiproc.Server;

namespace Multiproc.Hosting;

/// <summary>What a child-process manager is started with: its settings, address and the registrations it will serve.</summary>
/// <param name="Settings">The snapshot of the owner's options.</param>
/// <param name="Address">Where the child will listen (a port is chosen up front for <c>tcp://host:0</c>).</param>
/// <param name="OwnedDirectory">The socket directory the owner created and removes, or null.</param>
/// <param name="Registrations">Type id, contract and implementation (assembly-qualified names) per registered type.</param>
internal sealed record HostPlan(ManagerSettings Settings, string Address, string? OwnedDirectory, string[] Registrations);
