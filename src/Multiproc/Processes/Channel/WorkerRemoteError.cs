using MessagePack;

namespace Multiproc.Processes.Channel;

/// <summary>Encodes an exception thrown in a worker so the parent can raise a <see cref="RemoteException"/>.</summary>
/// <remarks>The body is <c>[type full name, message, stack trace]</c>; inner exceptions are appended to the stack trace.</remarks>
internal static class WorkerRemoteError
{
    /// <summary>Writes <paramref name="exception"/> as an error body.</summary>
    public static void Write(ref MessagePackWriter writer, Exception exception)
    {
        string stack = exception.StackTrace ?? string.Empty;
        if (exception.InnerException is { } inner)
        {
            stack = $"{stack}{Environment.NewLine} ---> {inner}";
        }

        writer.WriteArrayHeader(3);
        writer.Write(exception.GetType().FullName);
        writer.Write(exception.Message);
        writer.Write(stack);
    }

    /// <summary>Reads an error body written by <see cref="Write"/>.</summary>
    public static RemoteException Read(ReadOnlyMemory<byte> body)
    {
        var reader = new MessagePackReader(body);
        reader.ReadArrayHeader();
        string typeName = reader.ReadString() ?? "System.Exception";
        string message = reader.ReadString() ?? string.Empty;
        string? stack = reader.ReadString();
        return new RemoteException(typeName, message, stack);
    }
}
