using System.Runtime.CompilerServices;
using MessagePack;
using Multiproc.Orleans.Client;
using Multiproc.Orleans.Wire;
using Multiproc.Serialization;
using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// Creates the waiting built-ins and runs Call messages on them with the calling session as their
/// <see cref="Caller"/>: Multiproc's own server classes, unchanged, with a session standing in for a connection.
/// </summary>
/// <remarks>
/// <para>The server classes take a <see cref="Caller"/> whose token is cancelled when its connection
/// closes; here the token is the session's lease (<see cref="SessionTable"/>), so what a dead client
/// held is given back by the code a manager runs. A queue take's lease comes back with the reply
/// instead of being committed, for the grain to hold until acknowledged (<see cref="ItemLeaseTable"/>).</para>
/// <para>One per silo (<see cref="For"/>), thread-safe.</para>
/// </remarks>
internal sealed class WaitingDispatcher
{
    // Kept beside the silo's services rather than registered in them, so UseMultiproc needs no change for it.
    private static readonly ConditionalWeakTable<IServiceProvider, WaitingDispatcher> s_perSilo = [];

    private readonly TypeRegistry _registry = new(BuiltInTypeIds.Waiting);
    private readonly Lazy<MessagePackSerializerOptions> _options;

    private WaitingDispatcher(IServiceProvider services)
    {
        _options = new Lazy<MessagePackSerializerOptions>(() => WireOptions.Create(new SiloReferenceCodec(OrleansConnector.InSilo(services))));
    }

    private MessagePackSerializerOptions Options => _options.Value;

    /// <summary>Returns the dispatcher of the silo whose services these are.</summary>
    public static WaitingDispatcher For(IServiceProvider services) => s_perSilo.GetValue(services, static s => new WaitingDispatcher(s));

    /// <summary>Gets the dispatch table of a waiting built-in.</summary>
    /// <exception cref="KeyNotFoundException"><paramref name="typeId"/> is not a waiting built-in.</exception>
    public SharedTypeBinding Binding(string typeId)
        => _registry.TryGet(typeId, out SharedTypeBinding binding) ? binding : throw new KeyNotFoundException($"'{typeId}' is not a waiting built-in.");

    /// <summary>Creates a waiting built-in from a <c>create</c> Call message whose arguments are in <paramref name="reader"/>.</summary>
    /// <exception cref="ArgumentException">The type is not a waiting built-in, or no constructor takes the arguments.</exception>
    public WaitingObject Create(string typeId, ref MessagePackReader reader, int count)
    {
        if (!_registry.TryGet(typeId, out SharedTypeBinding binding))
        {
            throw new ArgumentException($"'{typeId}' is not a waiting built-in.");
        }

        return new WaitingObject(binding, ConstructorChoice.Construct(binding, ref reader, count, Options));
    }

    /// <summary>Runs a Call message on <paramref name="target"/> for <paramref name="caller"/>.</summary>
    /// <returns>The Result or Error payload, and the lease of what a take handed over (null otherwise, and for an error).</returns>
    public async Task<(byte[] Reply, Lease? Lease)> InvokeAsync(WaitingObject? target, byte[] call, Caller caller, CancellationToken cancellationToken)
    {
        var reader = new MessagePackReader(call);
        CallHeader header = CallPayload.ReadHeader(ref reader);
        try
        {
            if (target is null)
            {
                throw new KeyNotFoundException($"No shared object with id {header.ObjectId}: it was deleted, lost with its silo, or never existed.");
            }

            (ServerMethod method, object?[] arguments) = Bind(target, header, reader);
            if (method.CancellationTokenIndex >= 0)
            {
                arguments[method.CancellationTokenIndex] = cancellationToken;
            }

            if (method.CallerIndex >= 0)
            {
                arguments[method.CallerIndex] = caller;
            }

            object? result = method.Invoker(target.Instance, arguments);
            if (method.Awaiter is not null)
            {
                result = await method.Awaiter(result).ConfigureAwait(true);
            }

            Lease? lease = null;
            if (result is ILeasedResult leased)
            {
                lease = leased.Lease;
                result = leased.Value;
            }

            try
            {
                return (ReplyPayload.Result(header.CallId, result, method.ResultWriter, Options), lease);
            }
            catch
            {
                lease?.Return();
                throw;
            }
        }
#pragma warning disable CA1031 // Every failure goes back to its caller as an Error payload.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (ReplyPayload.Error(header.CallId, ex), null);
        }
    }

    private (ServerMethod Method, object?[] Arguments) Bind(WaitingObject target, CallHeader header, MessagePackReader reader)
    {
        Exception? lastError = null;
        foreach (ServerMethod method in target.Binding.Find(header.Member))
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
}
