using System.Reflection;
using System.Reflection.Emit;
using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Orleans.Silo;

/// <summary>A field of type <typeparamref name="T"/>: a compiled getter and setter, and its formatter kept per resolver.</summary>
/// <remarks>Thread-safe: the formatter is looked up again only when the options' resolver changes (one silo has one).</remarks>
internal sealed class FieldSlot<T> : FieldSlot
{
    private readonly Func<object, T> _get;
    private readonly Action<object, T> _set;
    private Bound? _bound;

    public FieldSlot(FieldInfo field, string name)
        : base(name)
    {
        _get = Compile<Func<object, T>>(field, setter: false);
        _set = Compile<Action<object, T>>(field, setter: true);
    }

    public override void Write(ref MessagePackWriter writer, object instance, MessagePackSerializerOptions options)
        => FormatterFor(options).Serialize(ref writer, _get(instance), options);

    public override void Read(ref MessagePackReader reader, object instance, MessagePackSerializerOptions options)
        => _set(instance, FormatterFor(options).Deserialize(ref reader, options));

    private IMessagePackFormatter<T> FormatterFor(MessagePackSerializerOptions options)
    {
        Bound? bound = _bound;
        if (bound is null || !ReferenceEquals(bound.Resolver, options.Resolver))
        {
            bound = new Bound(options.Resolver, options.Resolver.GetFormatterWithVerify<T>());
            _bound = bound;
        }

        return bound.Formatter;
    }

    // IL rather than an expression tree: an expression cannot assign a readonly field, and restoring sets every field.
    private static TDelegate Compile<TDelegate>(FieldInfo field, bool setter)
        where TDelegate : Delegate
    {
        Type owner = field.DeclaringType!;
        var method = new DynamicMethod(
            $"{(setter ? "set" : "get")}_{owner.Name}_{field.Name}",
            setter ? null : typeof(T),
            setter ? [typeof(object), typeof(T)] : [typeof(object)],
            typeof(FieldSlot<T>).Module,
            skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(owner.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, owner);
        if (setter)
        {
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Stfld, field);
        }
        else
        {
            il.Emit(OpCodes.Ldfld, field);
        }

        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<TDelegate>();
    }

    private sealed record Bound(IFormatterResolver Resolver, IMessagePackFormatter<T> Formatter);
}
