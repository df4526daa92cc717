namespace Multiproc.Python.Server;

/// <summary>
/// A result that gave its caller something no connection owns (an ownerless <c>Lock</c>, a semaphore's permit):
/// if the caller turns out to be gone before its reply leaves, <see cref="Undo"/> gives it back, so a lock is never
/// granted to a dead client and held forever.
/// </summary>
internal sealed record PythonGrant(object? Value, Action Undo);
