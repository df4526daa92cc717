namespace Multiproc.Python.Server;

/// <summary>A method result that stays on the server (<c>dict.__iter__</c>'s iterator): sent as <c>#PROXY</c>.</summary>
internal sealed record PythonNewObject(object Instance, PythonSharedType Type);
