using System.Buffers.Binary;
using System.Security.Cryptography;
using MessagePack;
using Multiproc.Orleans.Grains;
using Multiproc.Orleans.Wire;
using Multiproc.Protocol;

namespace Multiproc.Orleans.Client;

/// <summary>
/// The control object (id 0) of a cluster, served by the client itself: create picks a fresh object id
/// and asks that id's grain to construct; publish, lookup and unpublish go to the name's grain.
/// </summary>
/// <remarks>
/// The members and their arguments are a manager's (docs/protocol.md §5), so <c>Manager</c> runs
/// unchanged on top; replies are built as a manager's Result and Error messages. Thread-safe.
/// </remarks>
internal sealed class OrleansControl(IGrainFactory grains, OrleansCallChannel channel)
{
    // A fresh id is 63 random bits, and its grain refuses a second create: a collision costs a retry,
    // never two objects under one id. Eight collisions in a row mean something else is wrong.
    private const int CreateAttempts = 8;

    // How long to wait before sending a failed create again: long enough to ride out a silo's eviction
    // (2-6 s with Orleans' defaults), short enough that a dead cluster is reported within seconds.
    private static readonly TimeSpan[] s_createRetries = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>Runs a control Call message and returns its Result or Error payload.</summary>
    public async Task<byte[]> CallAsync(uint callId, string member, byte[] call, CancellationToken cancellationToken)
    {
        try
        {
            return member switch
            {
                ControlMembers.Create => await CreateAsync(callId, call, cancellationToken).ConfigureAwait(false),
                ControlMembers.Publish => await PublishAsync(callId, call, cancellationToken).ConfigureAwait(false),
                ControlMembers.Lookup => await LookupAsync(callId, call, cancellationToken).ConfigureAwait(false),
                ControlMembers.Unpublish => await UnpublishAsync(callId, call, cancellationToken).ConfigureAwait(false),
                _ => throw new NotSupportedException($"An Orleans cluster has no control member '{member}' (stats, inspection, hand-over tokens and shutdown belong to a single manager)."),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or NotSupportedException or InvalidOperationException or MessagePackSerializationException)
        {
            return ReplyPayload.Error(callId, ex);
        }
    }

    private async Task<byte[]> CreateAsync(uint callId, byte[] call, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < CreateAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ISharedObjectGrain grain = ObjectGrains.ForCreate(grains, NewObjectId(), call);
            byte[]? reply = await CreateOnceAsync(grain, call, cancellationToken).ConfigureAwait(false);
            if (reply is not null)
            {
                return reply;
            }
        }

        throw new InvalidOperationException($"No free object id after {CreateAttempts} attempts.");
    }

    /// <summary>
    /// Asks one id's grain to create; when the cluster fails the call (a silo dying, a timeout) the same create is
    /// sent again: the grain recognises its own create by its bytes and answers with the object it made, so a lost
    /// reply never leaves an object nobody knows.
    /// </summary>
    /// <returns>The reply, or null when the id is taken by another object.</returns>
    private static async Task<byte[]?> CreateOnceAsync(ISharedObjectGrain grain, byte[] call, CancellationToken cancellationToken)
    {
        for (int retry = 0; ; retry++)
        {
            Task<byte[]?> creating = grain.CreateAsync(call);
            try
            {
                return await creating.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                DeleteWhenCreated(creating, grain);
                throw;
            }
            catch (Exception ex) when (retry < s_createRetries.Length && OrleansFailure.IsUnavailable(ex, cancellationToken))
            {
                await Task.Delay(s_createRetries[retry], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Deletes the object of a create its caller gave up on, once the grain has made it: nobody knows its id and
    /// nothing counts references, so it would otherwise live for good. After the create, so the delete cannot
    /// overtake it.
    /// </summary>
    private static void DeleteWhenCreated(Task<byte[]?> creating, ISharedObjectGrain grain)
        => _ = creating.ContinueWith(
            static async (create, state) =>
            {
                if (create.IsCompletedSuccessfully && create.Result is not null)
                {
                    try
                    {
                        await ((ISharedObjectGrain)state!).DeleteAsync().ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // Best effort: a cluster that cannot take the delete now is the caller's failure already reported.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                    }
                }
            },
            grain,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);

    private async Task<byte[]> PublishAsync(uint callId, byte[] call, CancellationToken cancellationToken)
    {
        var reader = new MessagePackReader(call);
        Expect(CallPayload.ReadHeader(ref reader), 3);
        string name = ReadName(ref reader);
        long objectId = reader.ReadInt64();
        bool replace = reader.ReadBoolean();
        string typeId = await ObjectGrains.Get(grains, objectId).GetTypeIdAsync().WaitAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No shared object with id {objectId}: it was deleted, lost with its silo, or never existed.");
        bool bound = await grains.GetGrain<INameGrain>(name).PublishAsync(new NameBinding(objectId, typeId), replace).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ReplyPayload.Result(callId, bound, Serialization.ValueCodec.GetWriter(typeof(bool)), channel.SerializerOptions);
    }

    private async Task<byte[]> LookupAsync(uint callId, byte[] call, CancellationToken cancellationToken)
    {
        var reader = new MessagePackReader(call);
        Expect(CallPayload.ReadHeader(ref reader), 1);
        string name = ReadName(ref reader);
        NameBinding binding = await grains.GetGrain<INameGrain>(name).LookupAsync().WaitAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No object is published as '{name}'.");
        return ReplyPayload.Reference(callId, binding.ObjectId, binding.TypeId);
    }

    private async Task<byte[]> UnpublishAsync(uint callId, byte[] call, CancellationToken cancellationToken)
    {
        var reader = new MessagePackReader(call);
        Expect(CallPayload.ReadHeader(ref reader), 1);
        string name = ReadName(ref reader);
        // Checked before sending: an unpublish already sent is not taken back by a late cancel.
        cancellationToken.ThrowIfCancellationRequested();
        bool bound = await grains.GetGrain<INameGrain>(name).UnpublishAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return ReplyPayload.Result(callId, bound, Serialization.ValueCodec.GetWriter(typeof(bool)), channel.SerializerOptions);
    }

    private static long NewObjectId()
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        long id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = BinaryPrimitives.ReadInt64LittleEndian(bytes) & long.MaxValue;
        }
        while (id == ProtocolConstants.ControlObjectId);

        return id;
    }

    private static string ReadName(ref MessagePackReader reader)
    {
        string? name = reader.ReadString();
        return string.IsNullOrEmpty(name) ? throw new ArgumentException("A name must not be empty.") : name;
    }

    private static void Expect(CallHeader header, int arguments)
    {
        if (header.ArgumentCount != arguments)
        {
            throw new ArgumentException($"{header.Member} takes {arguments} argument(s), not {header.ArgumentCount}.");
        }
    }
}
