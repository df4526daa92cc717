using MessagePack;
using Multiproc.Serialization;

namespace Multiproc.Proxies;

/// <summary>
/// The arguments of one call and how to write them: by declared parameter types (typed proxies)
/// or by runtime types (untyped calls).
/// </summary>
internal readonly struct CallArguments
{
    private readonly object?[] _values;
    private readonly int[]? _wireIndices;
    private readonly ValueWriter[]? _writers;

    public CallArguments(object?[] values, int[]? wireIndices = null, ValueWriter[]? writers = null)
    {
        _values = values;
        _wireIndices = wireIndices;
        _writers = writers;
    }

    public int Count => _wireIndices?.Length ?? _values.Length;

    /// <exception cref="ArgumentException">An argument cannot be serialized; the message names it.</exception>
    public void WriteTo(ref MessagePackWriter writer, MessagePackSerializerOptions options)
    {
        for (int i = 0; i < Count; i++)
        {
            object? value = _wireIndices is null ? _values[i] : _values[_wireIndices[i]];
            try
            {
                if (_writers is null)
                {
                    UntypedValue.Write(ref writer, value, options);
                }
                else
                {
                    _writers[i](ref writer, value, options);
                }
            }
            catch (Exception ex) when (ex is MessagePackSerializationException or InvalidOperationException or NotSupportedException or InvalidCastException or NullReferenceException)
            {
                Exception cause = ex is MessagePackSerializationException { InnerException: { } inner } ? inner : ex;
                throw new ArgumentException($"Argument {i} ({value?.GetType().Name ?? "null"}) cannot be sent to the manager: {cause.Message}", ex);
            }
        }
    }
}
