using System.Reflection;
using MessagePack;
using Multiproc.Serialization;

namespace Multiproc.Server.Dispatch;

/// <summary>Decodes one argument, turning any decoding failure into an <see cref="ArgumentException"/> that names it.</summary>
internal static class ArgumentDecoder
{
    public static bool TryRead(ValueReader read, ParameterInfo parameter, int index, string signature, ref MessagePackReader reader, MessagePackSerializerOptions options, out object? value, out Exception? error)
    {
        try
        {
            value = read(ref reader, options);
            if (value is null && parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null)
            {
                error = new ArgumentNullException(parameter.Name, $"Argument {index} ('{parameter.Name}') of {signature} cannot be null.");
                return false;
            }

            error = null;
            return true;
        }
        catch (KeyNotFoundException ex)
        {
            value = null;
            error = ex;
            return false;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or InvalidOperationException or OverflowException or FormatException or ArgumentException or InvalidCastException)
        {
            value = null;
            Exception cause = ex is MessagePackSerializationException { InnerException: { } inner } ? inner : ex;
            error = new ArgumentException(
                $"Argument {index} ('{parameter.Name}') of {signature} is not a valid {parameter.ParameterType.Name}: {cause.Message}",
                parameter.Name,
                ex);
            return false;
        }
    }
}
