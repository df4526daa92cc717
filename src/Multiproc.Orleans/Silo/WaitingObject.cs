using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans.Silo;

/// <summary>The waiting built-in a <see cref="Grains.WaitingObjectGrain"/> holds: a server class of Multiproc's manager, and how to call it.</summary>
/// <param name="Binding">The built-in's dispatch table.</param>
/// <param name="Instance">The server object (SharedQueueServer, SharedLockServer, ...): thread-safe, its waits driven by the grain's calls.</param>
internal sealed record WaitingObject(SharedTypeBinding Binding, object Instance);
