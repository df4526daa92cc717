using MessagePack;
using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>What every Python connection of one manager shares: the object host, the typeids, the references Python clients hold, and the address tokens name.</summary>
internal sealed class PythonContext
{
    public PythonContext(ObjectHost host, PythonServeOptions options)
    {
        Host = host;
        Options = options;
        Types = new PythonTypes(host.Registry);
        References = new PythonReferences(host);
        Values = new PythonValues(this);
        KeyComparer = new PythonStoredKeyComparer(Values);
    }

    /// <summary>Gets the mapping between Python values and stored ones.</summary>
    public PythonValues Values { get; }

    /// <summary>Gets the key comparer of the dictionaries Python clients create.</summary>
    public PythonStoredKeyComparer KeyComparer { get; }

    public ObjectHost Host { get; }

    public PythonServeOptions Options { get; }

    public PythonTypes Types { get; }

    /// <summary>Gets the session that holds every reference Python clients count with <c>incref</c>/<c>decref</c>.</summary>
    public PythonReferences References { get; }

    /// <summary>Gets the options .NET values are converted with (registered classes' arguments and results).</summary>
    public MessagePackSerializerOptions SerializerOptions => References.SerializerOptions;

    /// <summary>Gets or sets the address a <c>Token</c> carries: <c>(host, port)</c> or a Unix path, as the listener is bound.</summary>
    public object? TokenAddress { get; set; }

    /// <summary>The binding of a built-in type id.</summary>
    public SharedTypeBinding BuiltIn(string typeId)
        => Host.Registry.TryGet(typeId, out SharedTypeBinding binding) ? binding : throw new InvalidOperationException($"Built-in '{typeId}' is not registered.");

    /// <summary>The table entry of an instance a call is running on (it is in the table while its calls run).</summary>
    public ObjectEntry EntryOf(object instance)
        => Host.Table.TryGetByInstance(instance) ?? throw new ObjectDisposedException(null, "The object was released.");
}
