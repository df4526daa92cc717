using Multiproc.Python.Pickle;
using Multiproc.Server;

namespace Multiproc.Python.Server;

/// <summary>The control requests (<c>ident</c> None): each arrives on its own short connection, except <c>accept_connection</c>.</summary>
#pragma warning disable CA1001 // See PythonServerConnection.cs.
internal sealed partial class PythonServerConnection
#pragma warning restore CA1001
{
    private void HandleControl(PythonRequest request)
    {
        byte[] reply;
        try
        {
            reply = PythonReplies.Return(Control(request));
        }
        catch (PythonProtocolError ex)
        {
            reply = PythonReplies.Traceback(ex.Message);
        }
#pragma warning disable CA1031 // A constructor's failure is the creator's error, sent back as Python's exception.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            Host.CountError();
            reply = ErrorReply(ex);
        }

        SendReply(reply);
    }

    private object? Control(PythonRequest request)
    {
        Host.CountCall();
        PythonArguments args = request.Arguments;
        switch (request.Method)
        {
            case "accept_connection":
                SetChannelName(args.Get(0, "name") as string);
                return null;
            case "dummy":
                return null;
            case "create":
                return Create(args);
            case "incref":
                Context.References.Increment(args.Require(0, "ident") as string);
                return null;
            case "decref":
                Context.References.Decrement(args.Require(0, "ident") as string);
                return null;
            case "get_methods":
                return PythonTypes.ExposedOf(Context.Types.Of(Find(TokenIdent(args.Require(0, "token")))));
            case "number_of_objects":
                return (long)Context.References.OwnedObjects;
            case "debug_info":
                return $"Multiproc manager: {Host.Table.Count} shared objects, {Context.References.OwnedObjects} referenced by Python clients";
            case "shutdown":
                if (!Context.Options.AllowShutdown)
                {
                    throw new PythonProtocolError("shutdown is not allowed: this manager belongs to its .NET owner (ManagerOptions.ServePython(address, allowShutdown: true) allows it)");
                }

                Host.RequestShutdown();
                return null;
            default:
                throw new PythonProtocolError($"unknown control request '{request.Method}'");
        }
    }

    /// <summary>
    /// <c>create(typeid, *args, **kwds)</c>: a new object of a Python or registered typeid, or, for a published
    /// name, the object published under it. Either way the client gets one reference and the exposed names.
    /// </summary>
    private PyTuple Create(PythonArguments args)
    {
        if (args.Count < 1 || args.Positional[0] is not string typeId)
        {
            throw new PythonProtocolError("create needs a typeid");
        }

        var ctorArgs = new PythonArguments(typeId, new PyTuple([.. args.Positional.Skip(1)]), KeywordDict(args));
        ObjectEntry entry;
        PythonSharedType type;
        if (Context.Types.Creatable(typeId) is { } creatable)
        {
            object instance = creatable.Create(ctorArgs, Context);
            entry = Host.Table.AddReference(instance, creatable.Binding(Context), disposeWhenReleased: true);
            type = creatable;
        }
        else if (Host.Table.Lookup(typeId) is { } published && Host.Table.TryAddReference(published))
        {
            if (ctorArgs.Count > 0 || ctorArgs.HasKeywords)
            {
                Host.Table.Release(published);
                throw new PythonProtocolError($"'{typeId}' is a published object; it takes no arguments");
            }

            entry = published;
            try
            {
                type = Context.Types.Of(entry);
            }
            catch
            {
                Host.Table.Release(entry);
                throw;
            }
        }
        else
        {
            throw new PythonProtocolError($"KeyError: '{typeId}': no typeid or published name '{typeId}' on this manager");
        }

        Context.References.AdoptReference(entry);
        return new PyTuple(PythonTypes.Ident(entry), PythonTypes.ExposedOf(type));
    }

    private static PyDict? KeywordDict(PythonArguments args)
    {
        var keywords = new PyDict();
        foreach ((object? key, object? value) in args.Keywords)
        {
            keywords[key] = value;
        }

        return keywords;
    }

    private ObjectEntry Find(string? ident)
        => PythonTypes.TryParseIdent(ident, out long id) && Host.Table.TryGet(id, out ObjectEntry entry)
            ? entry
            : throw new PythonProtocolError($"KeyError: '{ident}': no shared object with this id");

    /// <summary>The id inside a <c>Token</c> (its state is <c>(typeid, address, id)</c>).</summary>
    private static string? TokenIdent(object? token)
        => token is PyObject { State: PyTuple { Count: 3 } state } ? state[2] as string : null;

    private void SetChannelName(string? name)
    {
        if (!string.IsNullOrEmpty(name))
        {
            _endpoint = $"{_endpoint} ({name[..Math.Min(name.Length, 100)]})";
        }
    }
}
