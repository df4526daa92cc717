namespace Multiproc.Python.Server;

/// <summary>The Python listener's settings, taken from <see cref="ManagerOptions"/> at start.</summary>
/// <param name="Address">Where it listens: <c>tcp://host:port</c> (port 0 picks one) or <c>unix:/path</c>.</param>
/// <param name="RequireSha256">Whether to refuse CPython 3.8–3.11 clients, whose handshake answers with HMAC-MD5.</param>
/// <param name="AllowShutdown">Whether a Python client's <c>shutdown</c> request stops the manager (CPython's servers allow it).</param>
internal sealed record PythonServeOptions(string Address, bool RequireSha256, bool AllowShutdown);
