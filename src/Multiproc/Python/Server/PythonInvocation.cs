using Multiproc.Server;

namespace Multiproc.Python.Server;

/// <summary>One Python call on a shared object: the object, the method, its arguments and who calls.</summary>
internal sealed record PythonInvocation(object Instance, string Method, PythonArguments Arguments, Caller Caller, PythonContext Context, CancellationToken CancellationToken);
