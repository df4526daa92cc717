using System.Buffers;
using System.Net.Sockets;
using System.Security.Cryptography;
using MessagePack;
using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Child;

/// <summary>
/// Runs, on a second thread, the first-use costs a worker meets later on its main thread: the
/// first <see cref="Socket"/>, the first HMAC (OpenSSL), and MessagePack's reader and writer
/// (JIT-compiled: MessagePack ships without ReadyToRun code).
/// </summary>
/// <remarks>
/// While the main thread reads its bootstrap and connects back to the parent, this one pays what
/// the manager connection and the argument decoding would pay in sequence after it
/// (docs/performance.md). It touches only library code and the runtime, never the target's
/// assembly, and nothing it does is observable: a failure is ignored, and the main thread simply
/// pays that cost itself.
/// </remarks>
internal static class WorkerWarmUp
{
    /// <summary>Starts the warm-up thread.</summary>
    public static void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "multiproc-warm-up" };
        thread.Start();
    }

    private static void Run()
    {
        try
        {
            using (new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
            }

            HMACSHA256.HashData(stackalloc byte[32], stackalloc byte[32]);
            RoundTripSample();
        }
#pragma warning disable CA1031 // Nothing here may affect the worker: whatever failed is paid later by the main thread.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    // The shapes a worker's first calls read and write: an array of a flag, strings, bytes, integers and an extension.
    private static void RoundTripSample()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write(true);
        writer.Write("warm-up");
        writer.Write(new byte[] { 1, 2, 3 });
        writer.Write(long.MaxValue);
        writer.WriteExtensionFormatHeader(new ExtensionHeader(HandoverExtension.ExtensionCode, 1));
        writer.WriteRaw(new byte[] { 0xc0 });
        writer.Flush();

        var reader = new MessagePackReader(buffer.WrittenMemory);
        reader.ReadArrayHeader();
        reader.ReadBoolean();
        reader.ReadString();
        reader.ReadBytes();
        reader.ReadInt64();
        MessagePackType next = reader.NextMessagePackType;
        reader.CreatePeekReader().ReadExtensionFormatHeader();
        reader.Skip();
        _ = next;
        _ = WorkerArgumentCodec.Options;
    }
}
