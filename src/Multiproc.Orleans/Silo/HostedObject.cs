using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans.Silo;

/// <summary>The one object a <see cref="Grains.SharedObjectGrain"/> holds: the instance and how to call it.</summary>
/// <remarks>
/// What a persisted grain will write is the instance's MessagePack image plus <see cref="Binding"/>'s
/// type id (docs/cluster.md, "Persistence"); this slice keeps the instance in memory only.
/// </remarks>
/// <param name="Binding">The registered type: its dispatch table.</param>
/// <param name="Instance">The user's (or a built-in's) object.</param>
internal sealed record HostedObject(SharedTypeBinding Binding, object Instance);
