namespace Multiproc.Python.Server;

/// <summary>
/// The contract of shared objects only Python clients call (a dictionary iterator, a Python barrier or array):
/// it has no members, so .NET clients see nothing to call on them, and their table binding needs no dispatch table.
/// </summary>
internal interface IPythonOnly;
