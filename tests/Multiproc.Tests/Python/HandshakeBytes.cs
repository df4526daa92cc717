using System.Buffers.Binary;
using System.Security.Cryptography;
using Multiproc.Python.Wire;

namespace Multiproc.Tests.Python;

/// <summary>Hand-written peer bytes for the Python handshake state machines, computed the way CPython does.</summary>
internal static class HandshakeBytes
{
    public static readonly byte[] Challenge = "#CHALLENGE#"u8.ToArray();
    public static readonly byte[] Welcome = "#WELCOME#"u8.ToArray();
    public static readonly byte[] Failure = "#FAILURE#"u8.ToArray();

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(4));
        return frame;
    }

    /// <summary>Splits <paramref name="bytes"/> into frame payloads (the bytes must be whole short-header frames).</summary>
    public static List<byte[]> Payloads(ReadOnlySpan<byte> bytes)
    {
        var payloads = new List<byte[]>();
        while (!bytes.IsEmpty)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes);
            payloads.Add(bytes.Slice(4, length).ToArray());
            bytes = bytes[(4 + length)..];
        }

        return payloads;
    }

    /// <summary>What CPython 3.8–3.11 answers: a raw HMAC-MD5 over the whole message.</summary>
#pragma warning disable CA5351 // The peer under imitation is CPython 3.8–3.11, which knows only MD5.
    public static byte[] LegacyAnswer(byte[] key, ReadOnlySpan<byte> message) => HMACMD5.HashData(key, message);
#pragma warning restore CA5351

    /// <summary>What CPython 3.12+ answers to a <c>{sha256}</c> message.</summary>
    public static byte[] Sha256Answer(byte[] key, ReadOnlySpan<byte> message) => [.. "{sha256}"u8, .. HMACSHA256.HashData(key, message)];

    /// <summary>Takes <paramref name="handshake"/>'s output (and forgets it).</summary>
    public static byte[] TakeOutput(PythonHandshake handshake)
    {
        byte[] output = handshake.Output.ToArray();
        handshake.ClearOutput();
        return output;
    }

    /// <summary>Feeds <paramref name="bytes"/> in pieces of at most <paramref name="chunk"/> while the handshake wants more; returns how many it took.</summary>
    public static int Feed(PythonHandshake handshake, ReadOnlySpan<byte> bytes, int chunk = int.MaxValue)
    {
        int taken = 0;
        while (taken < bytes.Length && handshake.Missing > 0)
        {
            int count = Math.Min(Math.Min(chunk, handshake.Missing), bytes.Length - taken);
            bytes.Slice(taken, count).CopyTo(handshake.Unfilled);
            handshake.Advance(count);
            taken += count;
        }

        return taken;
    }
}
