using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using MessagePack;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The image of a user's object: a map from each instance field (private ones and those of base classes included)
/// to its value in Multiproc's wire encoding, so a shared object held in a field stays a reference (ext 42).
/// </summary>
/// <remarks>
/// <para>Restoring does not run a constructor (it could have effects, or want arguments): the fields are set on an
/// uninitialized instance, then <see cref="IDeserializationCallback.OnDeserialization"/> runs if the type has it.
/// Fields marked <see cref="NonSerializedAttribute"/> are not written and come back as their default.</para>
/// <para>A field the image has but the type no longer has is skipped; a field the type has but the image lacks
/// keeps its default. <see cref="PersistenceCheck"/> refuses, at registration, types whose fields have no image.</para>
/// </remarks>
internal sealed class FieldImage
{
    private static readonly ConcurrentDictionary<Type, FieldImage> s_images = new();

    // Images of objects that grew past this are not kept for the next capture on the thread.
    private const int KeepLimit = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_buffer;

    private readonly Type _type;
    private readonly FieldSlot[] _slots;
    private readonly Dictionary<string, FieldSlot> _byName;

    private FieldImage(Type type)
    {
        _type = type;
        _slots = [.. Fields(type).Select(f => FieldSlot.Create(f, NameOf(type, f)))];
        _byName = _slots.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets the image of <paramref name="type"/>'s objects.</summary>
    public static FieldImage For(Type type) => s_images.GetOrAdd(type, static t => new FieldImage(t));

    /// <summary>The fields an image holds: every instance field of the type and its bases, except [NonSerialized] ones.</summary>
    public static IEnumerable<FieldInfo> Fields(Type type)
    {
        for (Type? current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (FieldInfo field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!field.IsDefined(typeof(NonSerializedAttribute), inherit: false))
                {
                    yield return field;
                }
            }
        }
    }

    /// <summary>Writes <paramref name="instance"/>'s fields.</summary>
    /// <remarks>No reflection per call: each field has a compiled getter and its formatter (<see cref="FieldSlot{T}"/>).</remarks>
    /// <exception cref="InvalidOperationException">A field's value has no image (for example an object that is not a proxy, held in an
    /// interface-typed field, or a collection with a comparer of its own: <see cref="ImageResolver"/>).</exception>
    public byte[] Capture(object instance, MessagePackSerializerOptions options)
    {
        ArrayBufferWriter<byte> buffer = s_buffer ?? new ArrayBufferWriter<byte>();
        s_buffer = null;
        buffer.ResetWrittenCount();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(_slots.Length);
        foreach (FieldSlot slot in _slots)
        {
            writer.WriteRaw(slot.EncodedName);
            try
            {
                slot.Write(ref writer, instance, options);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"The field {slot.Name} of {_type.Name} could not be written to its image: {ex.Message}", ex);
            }
        }

        writer.Flush();
        byte[] image = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= KeepLimit)
        {
            s_buffer = buffer;
        }

        return image;
    }

    /// <summary>Builds an instance from an image <see cref="Capture"/> wrote.</summary>
    /// <param name="image">The image.</param>
    /// <param name="options">The silo's wire options (references become proxies).</param>
    /// <param name="completeRestore">False for a copy that is only compared and dropped: the type's
    /// <see cref="IDeserializationCallback"/>, which may start timers or open files, does not run.</param>
    /// <exception cref="MessagePackSerializationException">The image is malformed or a value does not fit its field.</exception>
    public object Restore(byte[] image, MessagePackSerializerOptions options, bool completeRestore = true)
    {
        object instance = RuntimeHelpers.GetUninitializedObject(_type);
        var reader = new MessagePackReader(image);
        int count = reader.ReadMapHeader();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString() ?? string.Empty;
            if (!_byName.TryGetValue(name, out FieldSlot? slot))
            {
                reader.Skip();
                continue;
            }

            try
            {
                slot.Read(ref reader, instance, options);
            }
            catch (Exception ex) when (ex is not (MessagePackSerializationException or OutOfMemoryException))
            {
                throw new MessagePackSerializationException($"The field {slot.Name} of {_type.Name} could not be read from its image: {ex.Message}", ex);
            }
        }

        if (completeRestore)
        {
            (instance as IDeserializationCallback)?.OnDeserialization(null);
        }

        return instance;
    }

    // A base class's field may share its name with one of the derived class: qualify those.
    private static string NameOf(Type type, FieldInfo field)
        => field.DeclaringType == type ? field.Name : $"{field.DeclaringType!.Name}.{field.Name}";
}
