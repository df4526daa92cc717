using System.Net.Sockets;
using System.Security.Cryptography;
using Multiproc.Processes.Channel;
using Multiproc.Protocol;

namespace Multiproc.Processes.Child;

/// <summary>
/// Runs, on a second thread, the first-use costs a worker meets later on its main thread: the
/// first HMAC (OpenSSL), MessagePack's reader and writer (JIT-compiled: MessagePack ships without
/// ReadyToRun code), and, where the manager connection is not a <see cref="RawUnixSocket"/>, the
/// first <see cref="Socket"/>.
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
    /// <remarks><c>MULTIPROC_WORKER_WARMUP=0</c> turns it off, to measure what it is worth.</remarks>
    public static void Start()
    {
        if (Environment.GetEnvironmentVariable("MULTIPROC_WORKER_WARMUP") == "0")
        {
            return;
        }

        var thread = new Thread(Run) { IsBackground = true, Name = "multiproc-warm-up" };
        thread.Start();
    }

    private static void Run()
    {
        try
        {
            // Longest first. Where a Unix-socket manager connection is a Socket (not Linux x64/arm64,
            // see RawUnixSocket), the first Socket costs ~17 ms of CPU (its EventSources load ICU),
            // more than the main thread's way to its manager connect. The MessagePack code the pre-pass
            // needs is compiled by whichever thread reaches a method first (docs/performance.md).
            if (!RawUnixSocket.IsSupported)
            {
                using (new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
                {
                }
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

    private static void RoundTripSample()
    {
        IncomingReferences.WarmUp();
        _ = ProcessResolver.Instance.GetFormatter<string>();
    }
}
