using Multiproc.Protocol;
using Multiproc.Server;

namespace Multiproc.Python.Server;

/// <summary>
/// The references Python clients count with <c>incref</c> and <c>decref</c>. They arrive on connections that
/// close at once, so they are held by this one session, which lives as long as the listener, never by a connection.
/// </summary>
/// <remarks>A Python client that dies without its <c>decref</c>s leaks its references, as it does on a CPython server.</remarks>
internal sealed class PythonReferences : ServerSession
{
    public PythonReferences(ObjectHost host)
        : base(host, host.NextSessionId())
    {
    }

    public override string Endpoint => "python references";

    /// <summary>Adds a reference to an object by its Python id.</summary>
    /// <exception cref="PythonProtocolError">No such object (CPython answers with a traceback too).</exception>
    public void Increment(string? ident)
    {
        if (!PythonTypes.TryParseIdent(ident, out long id) || !Host.Table.TryGet(id, out ObjectEntry entry) || !Host.Table.TryAddReference(entry))
        {
            throw new PythonProtocolError($"KeyError: {ident}: no shared object with this id");
        }

        AdoptReference(entry);
    }

    /// <summary>Drops a reference a Python client held; at zero the object goes. An id it holds none of is ignored.</summary>
    public void Decrement(string? ident)
    {
        if (PythonTypes.TryParseIdent(ident, out long id))
        {
            ReleaseOwned(id, 1);
        }
    }

    /// <summary>Never called: this session receives no frames.</summary>
    public override void Send(FrameBuffer frame)
    {
    }

    protected override void OnClosing()
    {
    }
}
