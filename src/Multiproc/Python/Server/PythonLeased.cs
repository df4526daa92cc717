using Multiproc.Server;

namespace Multiproc.Python.Server;

/// <summary>A Python value handed over under a lease (a popped item): committed once its reply is written, given back if it cannot be.</summary>
internal sealed record PythonLeased(object? Value, Lease? Lease) : ILeasedResult;
