using System.Buffers.Binary;
using System.Net.Sockets;
using CsCheck;
using Multiproc.Processes.Channel;
using Multiproc.Protocol;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Issue 7 item 9: the two length-prefixed frame readers fed random, mutated and truncated byte streams, cut
/// into arbitrary pieces. Each must return exactly the frames a reference parser finds, end with the documented
/// exception (never another, never a hang), and allocate no more than the frames it was promised need.
/// </summary>
[Collection(nameof(FuzzIsolation))]
public sealed class FuzzFramingTests(ITestOutputHelper output)
{
    private const int MaxBufferedAllocation = 16 * 1024 * 1024;

    /// <summary>A byte stream, how it is cut into writes, and the reader's frame limit.</summary>
    internal sealed record StreamCase(byte[] Bytes, int[] Chunks, int MaxFrameSize, int InitialCapacity, bool Async)
    {
        public override string ToString()
            => $"{Bytes.Length} bytes [{Convert.ToHexString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 512)))}] chunks [{string.Join(',', Chunks)}] max {MaxFrameSize} capacity {InitialCapacity} async {Async}";
    }

    /// <summary>The reference parser's verdict: the frames (offset, length) and how the stream ends.</summary>
    private sealed record Expected(List<(int Offset, int Length)> Frames, Type? End, long LargestNeeded);

    [Fact] // Bounded by FuzzRunner: CI mode within a fixed budget, long mode within its minutes plus a margin.
    public async Task FrameReader_RandomMutatedAndTruncatedStreams_MatchTheReferenceParser()
    {
        using var pair = new FuzzUnixListener();
        Gen<StreamCase> cases = StreamCases(kindByte: false);
        await FuzzRunner.RunAsync("frame-reader", cases, 1000, c => Task.Run(() => CheckFrameReader(c, pair)), output);
        pair.Dispose();
        Assert.False(Directory.Exists(pair.Directory));
    }

    [Fact] // Bounded by FuzzRunner: CI mode within a fixed budget, long mode within its minutes plus a margin.
    public async Task WorkerFrameReader_RandomMutatedAndTruncatedStreams_MatchTheReferenceParser()
    {
        Gen<StreamCase> cases = StreamCases(kindByte: true);
        await FuzzRunner.RunAsync("worker-frame-reader", cases, 3000, CheckWorkerFrameReaderAsync, output);
    }

    /// <summary>Valid frame streams with mutations (three in four), or plain random bytes.</summary>
    private static Gen<StreamCase> StreamCases(bool kindByte)
    {
        Gen<byte[]> payload = Gen.Frequency(
            (20, Gen.Byte.Array[0, 48]),
            (1, Gen.Byte.Array[60_000, 70_000]));
        Gen<byte[]> valid =
            from payloads in payload.Array[0, 6]
            from mutations in FuzzMutation.Several
            select FuzzMutation.ApplyAll(Encode(payloads, kindByte), mutations);
        Gen<byte[]> bytes = Gen.Frequency((3, valid), (1, Gen.Byte.Array[0, 256]));
        return Gen.Select(bytes, FuzzChunks.Sizes, Gen.OneOf(1024, 65_536, 1 << 20), Gen.Int[0, 64], Gen.Bool,
            (b, chunks, max, capacity, isAsync) => new StreamCase(b, chunks, max, capacity, isAsync));
    }

    private static byte[] Encode(byte[][] payloads, bool kindByte)
    {
        var stream = new MemoryStream();
        Span<byte> prefix = stackalloc byte[4];
        foreach (byte[] payload in payloads)
        {
            // The worker channel counts its kind byte (the payload's first byte) in the length; a bare kind needs one byte.
            byte[] body = kindByte && payload.Length == 0 ? [1] : payload;
            BinaryPrimitives.WriteInt32LittleEndian(prefix, body.Length);
            stream.Write(prefix);
            stream.Write(body);
        }

        return stream.ToArray();
    }

    private static void CheckFrameReader(StreamCase c, FuzzUnixListener pair)
    {
        Expected expected = ParseProtocolFrames(c.Bytes, c.MaxFrameSize);
        (Socket writer, Socket socket) = pair.Connect(TimeSpan.FromSeconds(10));
        using (writer)
        {
            Task sending = Task.Run(() => SendInPieces(writer, c));
            using (socket)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var reader = new FrameReader(socket, c.MaxFrameSize);
                int index = 0;
                Exception? end = null;
                try
                {
                    while (true)
                    {
                        ReadOnlyMemory<byte> frame = reader.ReadFrame();
                        AssertFrame(expected, c.Bytes, index++, frame.Span);
                    }
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    end = ex;
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                AssertEnd(expected, index, end);
                long bound = 64 * 1024 + (4 * Math.Max(expected.LargestNeeded, 64 * 1024)) + (64 * 1024);
                Assert.True(allocated <= bound, $"the reader allocated {allocated} bytes; frames promised at most {expected.LargestNeeded}");
            }

            // The reader is gone, so a writer stuck on a full socket fails now instead of hanging.
            Assert.True(sending.Wait(TimeSpan.FromSeconds(10)), "the writer did not finish");
        }
    }

    private static async Task CheckWorkerFrameReaderAsync(StreamCase c)
    {
        Expected expected = ParseWorkerFrames(c.Bytes);
        if (expected.LargestNeeded > MaxBufferedAllocation)
        {
            // A header that declares up to 1 GiB reserves it before the body arrives (the worker channel is trusted).
            return;
        }

        var reader = new WorkerFrameReader(new FuzzChunkStream(c.Bytes, c.Chunks), c.InitialCapacity);
        int index = 0;
        Exception? end = null;
        try
        {
            while (true)
            {
                (WorkerFrameKind Kind, ReadOnlyMemory<byte> Body)? frame;
                if (c.Async)
                {
                    frame = await reader.ReadAsync(CancellationToken.None);
                }
                else
                {
                    frame = reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body) ? (kind, body) : null;
                }

                if (frame is not { } read)
                {
                    break;
                }

                // The kind byte and the body together are the frame the reference parser found.
                byte[] whole = [(byte)read.Kind, .. read.Body.Span];
                AssertFrame(expected, c.Bytes, index++, whole);
            }
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            end = ex;
        }

        AssertEnd(expected, index, end);
    }

    private static void AssertFrame(Expected expected, byte[] stream, int index, ReadOnlySpan<byte> frame)
    {
        Assert.True(index < expected.Frames.Count, $"frame {index} was returned; the stream holds {expected.Frames.Count}");
        (int offset, int length) = expected.Frames[index];
        Assert.True(frame.SequenceEqual(stream.AsSpan(offset, length)), $"frame {index} differs from the stream's bytes");
    }

    private static void AssertEnd(Expected expected, int frames, Exception? end)
    {
        Assert.Equal(expected.Frames.Count, frames);
        if (expected.End is null)
        {
            Assert.Null(end);
        }
        else
        {
            Assert.True(end is not null && end.GetType() == expected.End, $"expected {expected.End.Name}, got {end}");
        }
    }

    private static void SendInPieces(Socket writer, StreamCase c)
    {
        try
        {
            foreach (ArraySegment<byte> piece in FuzzChunks.Split(c.Bytes, c.Chunks))
            {
                writer.Send(piece, SocketFlags.None);
            }

            writer.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The reader stopped early (a bad prefix) and closed its end.
        }
    }

    /// <summary>The manager protocol: u32 length, payload; above the limit is a violation; any end is EndOfStream.</summary>
    private static Expected ParseProtocolFrames(byte[] s, int maxFrameSize)
    {
        var frames = new List<(int, int)>();
        long largest = 0;
        int at = 0;
        while (true)
        {
            if (s.Length - at < 4)
            {
                return new Expected(frames, typeof(EndOfStreamException), largest);
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(at));
            if (length > (uint)maxFrameSize)
            {
                return new Expected(frames, typeof(ProtocolViolationException), largest);
            }

            largest = Math.Max(largest, 4 + length);
            if (s.Length - at - 4 < length)
            {
                return new Expected(frames, typeof(EndOfStreamException), largest);
            }

            frames.Add((at + 4, (int)length));
            at += 4 + (int)length;
        }
    }

    /// <summary>The worker channel: i32 length (1..1 GiB, counting the kind byte), kind, body; a clean end between frames.</summary>
    private static Expected ParseWorkerFrames(byte[] s)
    {
        var frames = new List<(int, int)>();
        long largest = 0;
        int at = 0;
        while (true)
        {
            int left = s.Length - at;
            if (left == 0)
            {
                return new Expected(frames, null, largest);
            }

            if (left < 4)
            {
                return new Expected(frames, typeof(EndOfStreamException), largest);
            }

            int length = BinaryPrimitives.ReadInt32LittleEndian(s.AsSpan(at));
            if (length is < 1 or > WorkerFrameReader.MaxFrameLength)
            {
                return new Expected(frames, typeof(InvalidDataException), largest);
            }

            largest = Math.Max(largest, 4L + length);
            if (left - 4 < length)
            {
                return new Expected(frames, typeof(EndOfStreamException), largest);
            }

            frames.Add((at + 4, length));
            at += 4 + length;
        }
    }
}
