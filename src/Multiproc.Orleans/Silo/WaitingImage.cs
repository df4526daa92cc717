using System.Buffers;
using MessagePack;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The stored image of a waiting built-in (queue, lock, semaphore, event, condition, barrier): the snapshot its
/// server class takes under its own lock, in MessagePack. The object is rebuilt by running its create again, then
/// given the snapshot back.
/// </summary>
/// <remarks>
/// <para>What is stored: a queue's items in put order (those handed to a taker and not acknowledged included, so a
/// restore puts them back at the front), whether adding is completed, and its joinable-task counts; a lock's owning
/// session, depth and fencing tokens, and the conditions it hosts; a semaphore's free permits and each session's
/// holding; an event's flag; a condition's own lock; a barrier's phase, participating sessions and why it is broken.</para>
/// <para>What is not: waits in progress (their calls have not returned), a barrier's arrivals in the current phase,
/// parked condition reacquires. A session named in an image gets a fresh lease when restored: a live client's
/// heartbeat keeps it, a dead client's holdings come back when it ends.</para>
/// </remarks>
internal static class WaitingImage
{
    /// <summary>Writes the snapshot of <paramref name="instance"/>; <paramref name="hostedConditions"/> are the conditions a lock's grain hosts over it.</summary>
    /// <exception cref="ArgumentException"><paramref name="instance"/> is not a waiting built-in.</exception>
    public static byte[] Capture(object instance, IReadOnlyCollection<long> hostedConditions)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        switch (instance)
        {
            case SharedQueueServer queue:
                (EncodedValue[] items, bool addingCompleted, long unfinished, (long Session, long Count)[] outstanding) = queue.CaptureImage();
                writer.WriteArrayHeader(4);
                writer.WriteArrayHeader(items.Length);
                foreach (EncodedValue item in items)
                {
                    ClusterEncodedValueFormatter.Instance.Serialize(ref writer, item, MessagePackSerializerOptions.Standard);
                }

                writer.Write(addingCompleted);
                writer.Write(unfinished);
                WritePairs(ref writer, [.. outstanding.Select(static o => (o.Session, o.Count))]);
                break;
            case SharedLockServer sharedLock:
                writer.WriteArrayHeader(2);
                WriteLock(ref writer, sharedLock);
                writer.WriteArrayHeader(hostedConditions.Count);
                foreach (long condition in hostedConditions)
                {
                    writer.Write(condition);
                }

                break;
            case SharedConditionServer condition:
                writer.WriteArrayHeader(1);
                WriteLock(ref writer, condition.Lock);
                break;
            case SharedSemaphoreServer semaphore:
                (int count, (long Session, int Held)[] held) = semaphore.CaptureImage();
                writer.WriteArrayHeader(2);
                writer.Write(count);
                WritePairs(ref writer, [.. held.Select(static h => (h.Session, (long)h.Held))]);
                break;
            case SharedEventServer sharedEvent:
                writer.WriteArrayHeader(1);
                writer.Write(sharedEvent.IsSet());
                break;
            case SharedBarrierServer barrier:
                (long phase, long[] participants, string? brokenBecause) = barrier.CaptureImage();
                writer.WriteArrayHeader(3);
                writer.Write(phase);
                writer.WriteArrayHeader(participants.Length);
                foreach (long session in participants)
                {
                    writer.Write(session);
                }

                writer.Write(brokenBecause);
                break;
            default:
                throw new ArgumentException($"{instance.GetType().Name} is not a waiting built-in.", nameof(instance));
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Gives a freshly created waiting built-in the snapshot <see cref="Capture"/> wrote.</summary>
    /// <param name="instance">The object, just created by its create call.</param>
    /// <param name="image">The stored image.</param>
    /// <param name="sessionOf">The caller of a session named in the image (a fresh lease).</param>
    /// <returns>The conditions a lock's grain hosts over it (none for any other type).</returns>
    /// <exception cref="MessagePackSerializationException">The image is malformed.</exception>
    public static long[] Restore(object instance, byte[] image, Func<long, Caller> sessionOf)
    {
        var reader = new MessagePackReader(image);
        reader.ReadArrayHeader();
        switch (instance)
        {
            case SharedQueueServer queue:
                var items = new EncodedValue[reader.ReadArrayHeader()];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = ClusterEncodedValueFormatter.Instance.Deserialize(ref reader, MessagePackSerializerOptions.Standard);
                }

                bool addingCompleted = reader.ReadBoolean();
                long unfinished = reader.ReadInt64();
                queue.RestoreImage(items, addingCompleted, unfinished, ReadPairs(ref reader), sessionOf);
                return [];
            case SharedLockServer sharedLock:
                ReadLock(ref reader, sharedLock, sessionOf);
                var conditions = new long[reader.ReadArrayHeader()];
                for (int i = 0; i < conditions.Length; i++)
                {
                    conditions[i] = reader.ReadInt64();
                }

                return conditions;
            case SharedConditionServer condition:
                ReadLock(ref reader, condition.Lock, sessionOf);
                return [];
            case SharedSemaphoreServer semaphore:
                int count = reader.ReadInt32();
                semaphore.RestoreImage(count, [.. ReadPairs(ref reader).Select(static h => (h.Session, checked((int)h.Count)))], sessionOf);
                return [];
            case SharedEventServer sharedEvent:
                sharedEvent.RestoreImage(reader.ReadBoolean());
                return [];
            case SharedBarrierServer barrier:
                long phase = reader.ReadInt64();
                var participants = new long[reader.ReadArrayHeader()];
                for (int i = 0; i < participants.Length; i++)
                {
                    participants[i] = reader.ReadInt64();
                }

                barrier.RestoreImage(phase, participants, reader.TryReadNil() ? null : reader.ReadString(), sessionOf);
                return [];
            default:
                throw new ArgumentException($"{instance.GetType().Name} is not a waiting built-in.", nameof(instance));
        }
    }

    private static void WriteLock(ref MessagePackWriter writer, SharedLockServer sharedLock)
    {
        (long owner, int depth, long token, long lastToken, long grantWait) = sharedLock.CaptureImage();
        writer.WriteArrayHeader(5);
        writer.Write(owner);
        writer.Write(depth);
        writer.Write(token);
        writer.Write(lastToken);
        writer.Write(grantWait);
    }

    private static void ReadLock(ref MessagePackReader reader, SharedLockServer sharedLock, Func<long, Caller> sessionOf)
    {
        int fields = reader.ReadArrayHeader();
        long owner = reader.ReadInt64();
        int depth = reader.ReadInt32();
        long token = reader.ReadInt64();
        long lastToken = reader.ReadInt64();

        // An image written before the grant's wait was recorded has four fields.
        long grantWait = fields > 4 ? reader.ReadInt64() : 0;
        sharedLock.RestoreImage(owner, depth, token, lastToken, grantWait, sessionOf);
    }

    private static void WritePairs(ref MessagePackWriter writer, (long Session, long Count)[] pairs)
    {
        writer.WriteArrayHeader(pairs.Length * 2);
        foreach ((long session, long count) in pairs)
        {
            writer.Write(session);
            writer.Write(count);
        }
    }

    private static (long Session, long Count)[] ReadPairs(ref MessagePackReader reader)
    {
        var pairs = new (long Session, long Count)[reader.ReadArrayHeader() / 2];
        for (int i = 0; i < pairs.Length; i++)
        {
            pairs[i] = (reader.ReadInt64(), reader.ReadInt64());
        }

        return pairs;
    }
}
