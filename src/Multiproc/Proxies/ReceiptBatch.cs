using MessagePack;
using Multiproc.Protocol;

namespace Multiproc.Proxies;

/// <summary>
/// Awaited calls' leased results, held back until the one receipt that acknowledges them all has
/// been written: the write completes the calls, and a failed write fails them (the manager takes
/// the values back).
/// </summary>
/// <remarks>
/// Built by the connection's reader from the replies of one receive. The write completes each call
/// once, so a caller's continuation runs after its receipt has left and no thread waits for the
/// write in between.
/// </remarks>
internal sealed class ReceiptBatch(Func<IOException, Exception> unavailable) : IFrameWrittenObserver
{
    /// <summary>The most call ids one receipt carries; more replies start another batch.</summary>
    public const int MaxCalls = 1024;

    private readonly List<(PendingCall Call, Reply Reply)> _held = [];

    public int Count => _held.Count;

    /// <summary>Holds a call's reply (already acknowledged: the receipt is this batch's).</summary>
    public void Add(PendingCall call, Reply reply) => _held.Add((call, reply));

    /// <summary>Writes the receipt frame: <c>[Receipt, callId, callId, ...]</c>.</summary>
    public void WriteReceipt(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1 + _held.Count);
        writer.Write((byte)MessageKind.Receipt);
        foreach ((PendingCall call, _) in _held)
        {
            writer.Write(call.CallId);
        }
    }

    public void OnWritten()
    {
        foreach ((PendingCall call, Reply reply) in _held)
        {
            call.TryComplete(reply);
        }
    }

    public void OnWriteFailed(IOException fault)
    {
        foreach ((PendingCall call, _) in _held)
        {
            call.TryFail(unavailable(fault));
        }
    }
}
