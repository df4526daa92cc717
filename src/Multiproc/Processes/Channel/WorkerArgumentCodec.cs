using System.Buffers;
using System.Reflection;
using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Multiproc.Serialization;

namespace Multiproc.Processes.Channel;

/// <summary>
/// The one place where worker arguments, map items and results are turned into bytes and back.
/// </summary>
/// <remarks>
/// Values are always encoded as the target method's declared parameter (or return) type, never
/// as a type named on the wire, and decoded by the receiving side from the same method's
/// signature. Proxies among the values are handed over to the receiving process: by a post-pass
/// after encoding (<see cref="OutgoingReferences"/>) and a pre-pass before decoding
/// (<see cref="IncomingReferences"/>), never inside a formatter.
/// </remarks>
internal static class WorkerArgumentCodec
{
    /// <summary>Gets the serializer options every worker value goes through.</summary>
    public static MessagePackSerializerOptions Options => ProcessResolver.Options;

    /// <summary>Encodes <paramref name="arguments"/> as an array, each as its parameter's declared type.</summary>
    /// <exception cref="ArgumentException">An argument cannot be encoded; the message names it.</exception>
    /// <exception cref="ManagerUnavailableException">A proxy among the arguments cannot be handed over: its manager is gone.</exception>
    public static byte[] EncodeArguments(MethodInfo target, ReadOnlySpan<object?> arguments)
    {
        ParameterInfo[] parameters = target.GetParameters();
        using var outgoing = OutgoingReferences.Begin();
        var writer = new MessagePackWriter(outgoing.Buffer);
        writer.WriteArrayHeader(arguments.Length);
        for (int i = 0; i < arguments.Length; i++)
        {
            WriteArgument(ref writer, target, parameters[i], arguments[i], $"arg{i + 1}");
        }

        writer.Flush();
        return outgoing.ToArray();
    }

    /// <summary>Writes one argument as its parameter's declared type.</summary>
    /// <exception cref="ArgumentException">The argument cannot be encoded; the message names it, <paramref name="argumentName"/> is its parameter name.</exception>
    public static void WriteArgument(ref MessagePackWriter writer, MethodInfo target, ParameterInfo parameter, object? value, string argumentName)
    {
        try
        {
            Serialize(parameter.ParameterType, ref writer, value, Options);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or FormatterNotRegisteredException)
        {
            throw new ArgumentException(
                $"Argument {parameter.Position} ('{parameter.Name}') of {TargetMethod.Describe(target)} cannot be sent to a worker " +
                $"as {parameter.ParameterType}: {ex.GetBaseException().Message}",
                argumentName,
                ex);
        }
    }

    /// <summary>Decodes an argument array written by <see cref="EncodeArguments"/> using the target's parameter types.</summary>
    /// <exception cref="InvalidDataException">The array does not have one element per parameter.</exception>
    /// <exception cref="ManagerUnavailableException">A proxy among the arguments cannot be adopted: its manager is gone.</exception>
    public static object?[] DecodeArguments(ParameterInfo[] parameters, ReadOnlyMemory<byte> encoded)
    {
        var reader = new MessagePackReader(encoded);
        return DecodeArguments(parameters, ref reader);
    }

    /// <summary>Decodes the argument array at <paramref name="reader"/>'s position.</summary>
    /// <inheritdoc cref="DecodeArguments(ParameterInfo[], ReadOnlyMemory{byte})" path="/exception"/>
    public static object?[] DecodeArguments(ParameterInfo[] parameters, ref MessagePackReader reader)
    {
        using IncomingReferences incoming = IncomingReferences.Begin(ref reader);
        return ReadArgumentArray(parameters, ref reader);
    }

    /// <summary>
    /// Copies <paramref name="arguments"/> as a worker would receive them: values by value, and each
    /// proxy as a new reference of this process's own, which <paramref name="references"/> lists.
    /// </summary>
    /// <remarks>The caller owns <paramref name="references"/> and disposes them; the originals stay the caller's.</remarks>
    /// <exception cref="ArgumentException">An argument cannot be encoded; the message names it.</exception>
    /// <exception cref="ManagerUnavailableException">A proxy among the arguments cannot be handed over or adopted: its manager is gone.</exception>
    public static object?[] CopyArguments(MethodInfo target, ReadOnlySpan<object?> arguments, out IDisposable[] references)
    {
        var reader = new MessagePackReader(EncodeArguments(target, arguments));
        using IncomingReferences incoming = IncomingReferences.Begin(ref reader);
        references = incoming.Untaken();
        try
        {
            return ReadArgumentArray(target.GetParameters(), ref reader);
        }
        catch
        {
            foreach (IDisposable reference in references)
            {
                reference.Dispose();
            }

            throw;
        }
    }

    private static object?[] ReadArgumentArray(ParameterInfo[] parameters, ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count != parameters.Length)
        {
            throw new InvalidDataException($"Expected {parameters.Length} arguments, received {count}.");
        }

        var values = new object?[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = Deserialize(parameters[i].ParameterType, ref reader, Options);
        }

        return values;
    }

    /// <summary>Writes <paramref name="value"/> as <paramref name="declaredType"/>, handing over the proxies in it.</summary>
    /// <remarks>Exceptions are not wrapped, so a worker reports the real cause of a result it cannot send.</remarks>
    /// <exception cref="InvalidOperationException">The value has a cycle or nests deeper than the limit.</exception>
    /// <exception cref="MessagePackSerializationException">The value cannot be encoded as <paramref name="declaredType"/>.</exception>
    /// <exception cref="ManagerUnavailableException">A proxy in the value cannot be handed over: its manager is gone.</exception>
    public static void WriteValue(IBufferWriter<byte> destination, Type declaredType, object? value)
    {
        using var outgoing = OutgoingReferences.Begin();
        var writer = new MessagePackWriter(outgoing.Buffer);
        WriteValue(ref writer, declaredType, value);
        writer.Flush();
        outgoing.CopyTo(destination);
    }

    /// <summary>Writes <paramref name="value"/> as <paramref name="declaredType"/> inside the caller's <see cref="OutgoingReferences"/> scope.</summary>
    /// <inheritdoc cref="WriteValue(IBufferWriter{byte}, Type, object?)" path="/exception"/>
    public static void WriteValue(ref MessagePackWriter writer, Type declaredType, object? value)
        => Serialization.ValueCodec.GetWriter(declaredType)(ref writer, value, Options);

    /// <summary>Reads a value written as <paramref name="declaredType"/>, adopting the proxies in it.</summary>
    /// <exception cref="ManagerUnavailableException">A proxy in the value cannot be adopted: its manager is gone.</exception>
    public static object? ReadValue(ref MessagePackReader reader, Type declaredType)
    {
        using IncomingReferences incoming = IncomingReferences.Begin(ref reader);
        return Deserialize(declaredType, ref reader, Options);
    }

    /// <summary>Encodes map items as an array, each as the target's declared parameter type.</summary>
    /// <param name="items">The items of one chunk.</param>
    /// <param name="parameter">The target's parameter.</param>
    /// <param name="firstIndex">The index of the first item among all items, for messages.</param>
    /// <exception cref="ArgumentException">An item cannot be encoded; the message gives its index.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte[] EncodeItems<T>(ReadOnlySpan<T> items, ParameterInfo parameter, int firstIndex)
    {
        MessagePackSerializerOptions options = Options;
        using var outgoing = OutgoingReferences.Begin(16 + (items.Length * 8));
        var writer = new MessagePackWriter(outgoing.Buffer);
        writer.WriteArrayHeader(items.Length);
        int index = 0;
        try
        {
            if (parameter.ParameterType == typeof(T))
            {
                IMessagePackFormatter<T> formatter = options.Resolver.GetFormatterWithVerify<T>();
                for (; index < items.Length; index++)
                {
                    formatter.Serialize(ref writer, items[index], options);
                }
            }
            else
            {
                for (; index < items.Length; index++)
                {
                    Serialize(parameter.ParameterType, ref writer, items[index], options);
                }
            }
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or InvalidOperationException)
        {
            throw new ArgumentException(
                $"Item {firstIndex + index} cannot be sent to a worker as {parameter.ParameterType}: {ex.GetBaseException().Message}",
                nameof(items),
                ex);
        }

        writer.Flush();
        return outgoing.ToArray();
    }

    /// <summary>Decodes a result array into <paramref name="destination"/>, each read as <paramref name="declaredType"/>.</summary>
    /// <exception cref="InvalidDataException">The array does not have <c>destination.Length</c> elements.</exception>
    /// <exception cref="MessagePackSerializationException">A result cannot be decoded or nests deeper than the limit.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DecodeResults<TResult>(ReadOnlyMemory<byte> encoded, Type declaredType, Span<TResult> destination)
    {
        MessagePackSerializerOptions options = Options;
        var reader = new MessagePackReader(encoded);
        using IncomingReferences incoming = IncomingReferences.Begin(ref reader);
        if (reader.ReadArrayHeader() != destination.Length)
        {
            throw new InvalidDataException("A worker returned the wrong number of results.");
        }

        if (declaredType == typeof(TResult))
        {
            IMessagePackFormatter<TResult> formatter = options.Resolver.GetFormatterWithVerify<TResult>();
            try
            {
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = formatter.Deserialize(ref reader, options);
                }
            }
            catch (InsufficientExecutionStackException ex)
            {
                // MessagePack's depth limit; the slow path below gets it wrapped by the serializer.
                throw Serialization.ValueCodec.TooDeepToRead(declaredType, ex);
            }
        }
        else
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (TResult)Deserialize(declaredType, ref reader, options)!;
            }
        }
    }

    // MessagePackSerializer's non-generic Serialize/Deserialize compile expression trees on first
    // use (tens of milliseconds in a new worker); ValueCodec's delegates do not. Failures are
    // wrapped as MessagePackSerializer wraps them, so callers see the same exceptions.
    private static void Serialize(Type type, ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
    {
        try
        {
            Serialization.ValueCodec.GetWriter(type)(ref writer, value, options);
        }
        catch (Exception ex)
        {
            throw new MessagePackSerializationException($"Failed to serialize {type.FullName} value.", ex);
        }
    }

    private static object? Deserialize(Type type, ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        try
        {
            return Serialization.ValueCodec.GetReader(type)(ref reader, options);
        }
        catch (Exception ex)
        {
            throw new MessagePackSerializationException($"Failed to deserialize {type.FullName} value.", ex);
        }
    }
}
