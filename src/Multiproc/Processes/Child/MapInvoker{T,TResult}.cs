using System.Reflection;
using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;
using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Child;

/// <summary>A <see cref="MapInvoker"/> for a target of type <c>Func&lt;T, TResult&gt;</c>.</summary>
internal sealed class MapInvoker<T, TResult> : MapInvoker
{
    private readonly Func<T, TResult> _function;

    /// <summary>Binds the target to a typed delegate.</summary>
    public MapInvoker(MethodInfo method, object? instance)
    {
        _function = method.CreateDelegate<Func<T, TResult>>(instance);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Invoke(ref MessagePackReader items, ref MessagePackWriter results)
    {
        MessagePackSerializerOptions options = WorkerArgumentCodec.Options;
        IMessagePackFormatter<T> input = options.Resolver.GetFormatterWithVerify<T>();
        IMessagePackFormatter<TResult> output = options.Resolver.GetFormatterWithVerify<TResult>();
        using IncomingReferences incoming = IncomingReferences.Begin(ref items);
        int count = items.ReadArrayHeader();
        results.WriteArrayHeader(count);
        for (int i = 0; i < count; i++)
        {
            output.Serialize(ref results, _function(input.Deserialize(ref items, options)), options);
        }
    }
}
