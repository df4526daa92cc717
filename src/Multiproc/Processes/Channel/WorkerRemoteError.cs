using MessagePack;
using Multiproc.Protocol;

namespace Multiproc.Processes.Channel;

/// <summary>The worker channel's error body: <c>[type full name, message, stack trace]</c>, written and read by <see cref="RemoteError"/>.</summary>
/// <remarks>
/// A known BCL exception thrown in a worker reaches the parent as the same type with the worker's
/// stack attached; anything else as <see cref="RemoteException"/>, exactly as from a manager call.
/// </remarks>
internal static class WorkerRemoteError
{
    /// <summary>Writes <paramref name="exception"/> as an error body.</summary>
    public static void Write(ref MessagePackWriter writer, Exception exception)
    {
        writer.WriteArrayHeader(3);
        RemoteError.WriteFields(ref writer, exception);
    }

    /// <summary>Reads an error body written by <see cref="Write"/> into the exception the parent raises.</summary>
    public static Exception Read(ReadOnlyMemory<byte> body)
    {
        var reader = new MessagePackReader(body);
        reader.ReadArrayHeader();
        return RemoteError.Read(ref reader);
    }
}
