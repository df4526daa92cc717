using System.Dynamic;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared namespace; a <see cref="DynamicObject"/> so attributes read like fields.</summary>
internal sealed class SharedNamespaceProxy : DynamicObject, ISharedNamespace, IProxy
{
    private static readonly ValueWriter[] s_name = [ValueCodec<string>.Writer];

    public SharedNamespaceProxy(SharedObject handle)
    {
        Handle = handle;
    }

    public SharedObject Handle { get; }

    public IReadOnlyList<string> Names => Call<string[]>(NamespaceMembers.Names, [], []);

    public T GetValue<T>(string name)
        => TryGetValue(name, out T value) ? value : throw new KeyNotFoundException($"The namespace has no attribute '{name}'.");

    public bool TryGetValue<T>(string name, out T value)
    {
        T[] found = Call<T[]>(NamespaceMembers.TryGet, [name], s_name);
        value = found.Length == 1 ? found[0] : default!;
        return found.Length == 1;
    }

    public void SetValue<T>(string name, T value)
        => Call<object>(NamespaceMembers.Set, [name, value], [ValueCodec<string>.Writer, ValueCodec<T>.Writer]);

    public bool Remove(string name) => Call<bool>(NamespaceMembers.Remove, [name], s_name);

    public override bool TryGetMember(GetMemberBinder binder, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        result = GetValue<object?>(binder.Name);
        return true;
    }

    public override bool TrySetMember(SetMemberBinder binder, object? value)
    {
        ArgumentNullException.ThrowIfNull(binder);
        Call<object>(NamespaceMembers.Set, [binder.Name, value], [ValueCodec<string>.Writer, UntypedValue.Write]);
        return true;
    }

    public override IEnumerable<string> GetDynamicMemberNames() => Names;

    public void Dispose() => Handle.Dispose();

    public override string ToString() => Handle.ToString();

    private T Call<T>(string member, object?[] args, ValueWriter[] writers)
    {
        ICallChannel connection = Handle.ChannelForCall();
        return (T)connection.Call(Handle.TypeId, Handle.ObjectId, member, new CallArguments(args, null, writers)).Decode(ValueCodec<T>.Reader, connection.SerializerOptions)!;
    }
}
