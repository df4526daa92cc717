using MessagePack;
using Multiproc.Orleans.Client;
using Multiproc.Orleans.Wire;
using Multiproc.Protocol;
using Multiproc.Serialization;
using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The silo's side of Multiproc: the registered types and the dispatch of Call messages onto an
/// object, through Multiproc's own server machinery (<see cref="SharedTypeBinding"/>,
/// <see cref="ServerConstructor"/>, <see cref="ServerMethod"/>, <see cref="CallBinder"/>).
/// </summary>
/// <remarks>
/// One per silo, shared by every <see cref="Grains.SharedObjectGrain"/>; thread-safe. Arguments are
/// decoded with <see cref="SiloReferenceCodec"/> over the silo's own call channel
/// (<see cref="OrleansCallChannel"/>): a reference (ext 42) becomes a proxy to that object's grain,
/// never the real instance, even when it lives in this silo.
/// </remarks>
internal sealed class ObjectDispatcher
{
    private readonly TypeRegistry _registry;
    private readonly Lazy<MessagePackSerializerOptions> _options;
    private readonly Lazy<MessagePackSerializerOptions> _imageOptions;
    private readonly int _maxResultBytes;

    /// <param name="registry">The registered types.</param>
    /// <param name="channel">The silo's channel (lazy: it needs the grain factory, which the silo builds later).</param>
    /// <param name="maxResultBytes">The largest Result payload a call may return.</param>
    public ObjectDispatcher(TypeRegistry registry, Func<OrleansCallChannel> channel, int maxResultBytes)
    {
        _registry = registry;
        _maxResultBytes = maxResultBytes;
        _options = new Lazy<MessagePackSerializerOptions>(() => WireOptions.Create(new SiloReferenceCodec(channel())));
        _imageOptions = new Lazy<MessagePackSerializerOptions>(() => ImageResolver.Options(Options));
    }

    private MessagePackSerializerOptions Options => _options.Value;

    private MessagePackSerializerOptions ImageOptions => _imageOptions.Value;

    /// <summary>Creates an object from a <c>create</c> Call message and returns it with its reply (a reference to <paramref name="objectId"/>).</summary>
    /// <returns>The object, or null with an Error payload when it could not be created.</returns>
    public (HostedObject? Created, byte[] Reply) Create(long objectId, byte[] call)
    {
        var reader = new MessagePackReader(call);
        CallHeader header = CallPayload.ReadHeader(ref reader);
        try
        {
            HostedObject created = Construct(call);
            return (created, ReplyPayload.Reference(header.CallId, objectId, created.Binding.TypeId));
        }
#pragma warning disable CA1031 // A failed construction is the caller's error, returned as its reply.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (null, ReplyPayload.Error(header.CallId, ex));
        }
    }

    /// <summary>The reply a create gets for the object it made (a retried create gets it again).</summary>
    public static byte[] CreatedReply(long objectId, string typeId, byte[] call)
    {
        var reader = new MessagePackReader(call);
        return ReplyPayload.Reference(CallPayload.ReadHeader(ref reader).CallId, objectId, typeId);
    }

    /// <summary>Constructs the object a <c>create</c> Call message asks for.</summary>
    /// <exception cref="ArgumentException">No type id, or the type is not registered here.</exception>
    /// <exception cref="MissingMethodException">No constructor fits the arguments.</exception>
    private HostedObject Construct(byte[] call)
    {
        var reader = new MessagePackReader(call);
        CallHeader header = CallPayload.ReadHeader(ref reader);
        if (header.ArgumentCount < 1)
        {
            throw new ArgumentException("create needs a type id.");
        }

        string typeId = reader.ReadString() ?? string.Empty;
        if (!_registry.TryGet(typeId, out SharedTypeBinding binding))
        {
            throw new ArgumentException(BuiltInTypeIds.IsBuiltIn(typeId)
                ? $"'{typeId}' is not served by an Orleans cluster yet: its waits need leases (docs/cluster.md)."
                : $"No type is registered as '{typeId}'. Register it in UseMultiproc on every silo of the cluster.");
        }

        return new HostedObject(binding, Construct(binding, ref reader, header.ArgumentCount - 1));
    }

    /// <summary>Runs a Call message on <paramref name="target"/> (or answers "no such object" when it is null).</summary>
    /// <param name="target">The object, or null when the id holds none.</param>
    /// <param name="call">The Call message.</param>
    /// <param name="absence">Why the id holds no object (deleted, lost with its silo), when it is known.</param>
    /// <param name="cancellationToken">The caller's cancellation, passed to a method that takes a token.</param>
    /// <returns>The Result or Error payload; user code's exceptions become Error payloads.</returns>
    public async Task<byte[]> InvokeAsync(HostedObject? target, byte[] call, string? absence, CancellationToken cancellationToken)
    {
        (CallHeader header, int argumentsAt) = ReadHeader(call);
        uint callId = header.CallId;
        try
        {
            (ServerMethod method, object?[] arguments) = Bind(target, header, call.AsMemory(argumentsAt), absence);
            if (method.CancellationTokenIndex >= 0)
            {
                arguments[method.CancellationTokenIndex] = cancellationToken;
            }

            if (method.CallerIndex >= 0)
            {
                throw new NotSupportedException($"{method.Signature} asks for its Caller, which the cluster backend does not have yet (built-ins with owners are not in this slice).");
            }

            object? result = method.Invoker(target!.Instance, arguments);
            if (method.Awaiter is not null)
            {
                // Back on the grain's turn: the reply is written before the next call may start.
                result = await method.Awaiter(result).ConfigureAwait(true);
            }

            if (result is ILeasedResult leased)
            {
                // A manager takes a handed-over value back if its receiver dies before the receipt;
                // a grain cannot tell, so the value counts as delivered once the reply is written (docs/cluster.md).
                leased.Lease?.Commit();
                result = leased.Value;
            }

            byte[] payload = ReplyPayload.Result(callId, result, method.ResultWriter, Options);
            return payload.Length <= _maxResultBytes
                ? payload
                : throw new InvalidOperationException(
                    $"The result of {method.Signature} is {payload.Length:N0} bytes, over the cluster's limit of {_maxResultBytes:N0} (MultiprocSiloOptions.MaxResultBytes): fetch it in parts.");
        }
#pragma warning disable CA1031 // Every failure of user code goes back to its caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ReplyPayload.Error(callId, ex);
        }
    }

    /// <summary>Writes the image of <paramref name="target"/> (<see cref="BuiltInImage"/> or <see cref="FieldImage"/>).</summary>
    /// <exception cref="InvalidOperationException">A field's value has no image.</exception>
    public byte[] Capture(HostedObject target)
        => BuiltInImage.Handles(target.Instance)
            ? BuiltInImage.Capture(target.Instance)
            : FieldImage.For(target.Instance.GetType()).Capture(target.Instance, ImageOptions);

    /// <summary>Rebuilds a persisted object from its record.</summary>
    /// <exception cref="InvalidOperationException">The type is not registered on this silo, or the image does not fit it.</exception>
    public HostedObject Restore(long objectId, ObjectRecord record)
    {
        if (!_registry.TryGet(record.TypeId, out SharedTypeBinding binding))
        {
            throw new InvalidOperationException($"Object {objectId} is a '{record.TypeId}', which this silo does not register: register it in UseMultiproc on every silo.");
        }

        byte[] image = record.Image ?? throw new InvalidOperationException($"Object {objectId} has no stored image.");
        try
        {
            if (!BuiltInTypeIds.IsBuiltIn(record.TypeId))
            {
                Type type = binding.Registration.Implementation ?? throw new InvalidOperationException($"'{record.TypeId}' is registered with a factory.");
                return new HostedObject(binding, FieldImage.For(type).Restore(image, ImageOptions));
            }

            HostedObject created = Construct(record.CreateCall);
            BuiltInImage.Restore(created.Instance, image);
            return created;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or ArgumentException or MissingMethodException)
        {
            throw new InvalidOperationException($"Object {objectId} ('{record.TypeId}') could not be read back from its image: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    /// <summary>Refuses an object whose image does not read back to the same image (its state would not survive its silo).</summary>
    /// <exception cref="InvalidOperationException">The image differs after a round trip, or does not read back.</exception>
    public void CheckRoundTrip(long objectId, HostedObject created, byte[] image, byte[] createCall)
    {
        if (BuiltInImage.Handles(created.Instance))
        {
            return;
        }

        // A copy only to compare: its OnDeserialization does not run (it could start what the real object owns).
        object copy = FieldImage.For(created.Instance.GetType()).Restore(image, ImageOptions, completeRestore: false);
        if (!Capture(new HostedObject(created.Binding, copy)).AsSpan().SequenceEqual(image))
        {
            throw new InvalidOperationException(
                $"'{created.Binding.TypeId}' cannot be persisted: its state does not read back the same (a field whose value loses part of itself in MessagePack). Keep it in memory with Volatile<{created.Binding.Contract.Name}>() (docs/cluster.md, \"Persistence\").");
        }
    }

    /// <summary>Reads a call's header once: the arguments are decoded from where it ends.</summary>
    /// <exception cref="MessagePackSerializationException">The bytes are not a Call message.</exception>
    private static (CallHeader Header, int ArgumentsAt) ReadHeader(byte[] call)
    {
        var reader = new MessagePackReader(call);
        CallHeader header = CallPayload.ReadHeader(ref reader);
        return (header, (int)reader.Consumed);
    }

    private (ServerMethod Method, object?[] Arguments) Bind(HostedObject? target, CallHeader header, ReadOnlyMemory<byte> encodedArguments, string? absence)
    {
        var reader = new MessagePackReader(encodedArguments);
        if (target is null)
        {
            throw new KeyNotFoundException(absence ?? $"No shared object with id {header.ObjectId}: it was deleted, lost with its silo, or never existed.");
        }

        ReadOnlySpan<ServerMethod> candidates = target.Binding.Find(header.Member);
        Exception? lastError = null;
        foreach (ServerMethod method in candidates)
        {
            if (method.WireParameters.Count != header.ArgumentCount)
            {
                continue;
            }

            MessagePackReader attempt = reader;
            object?[] arguments = new object?[method.ParameterCount];
            if (CallBinder.TryDecode(method, ref attempt, arguments, Options, out lastError))
            {
                return (method, arguments);
            }
        }

        throw lastError ?? new MissingMethodException($"{target.Binding.TypeId} has no member '{header.Member}' callable with {header.ArgumentCount} argument(s).");
    }

    private object Construct(SharedTypeBinding binding, ref MessagePackReader reader, int count)
    {
        if (binding.Registration.Factory is { } factory)
        {
            if (count != 0)
            {
                throw new ArgumentException($"'{binding.TypeId}' is registered with a factory, which takes no arguments; {count} were given.");
            }

            // Each silo runs the factory itself: an instance it captured is shared per silo, not per cluster (docs/cluster.md).
            return factory.DynamicInvoke() ?? throw new InvalidOperationException($"The factory of '{binding.TypeId}' returned null.");
        }

        return ConstructorChoice.Construct(binding, ref reader, count, Options);
    }
}
