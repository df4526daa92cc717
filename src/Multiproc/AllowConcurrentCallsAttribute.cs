namespace Multiproc;

/// <summary>
/// Marks a shared class as safe for concurrent calls: the manager then lets calls on one
/// instance overlap instead of running them one at a time.
/// </summary>
/// <remarks>
/// Without this attribute every call on one object runs alone (in arrival order per connection),
/// so a plain class needs no locking. Calls on different objects always run concurrently.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AllowConcurrentCallsAttribute : Attribute
{
}
