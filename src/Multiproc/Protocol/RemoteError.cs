using System.Runtime.ExceptionServices;
using System.Security.Authentication;
using MessagePack;

namespace Multiproc.Protocol;

/// <summary>
/// Encodes an exception and turns one back into the exception a caller sees: the one codec of both
/// the manager protocol (Error messages) and the worker channel (error bodies).
/// </summary>
/// <remarks>
/// Known BCL types are re-created as the same type with the remote message and the remote stack
/// trace attached; any other type becomes <see cref="RemoteException"/>. No type is loaded by a name
/// from the wire. A manager call and a worker therefore fail the same way.
/// </remarks>
internal static class RemoteError
{
    private static readonly Dictionary<string, Func<string, Exception>> s_known = new(StringComparer.Ordinal)
    {
        [typeof(ArgumentException).FullName!] = m => new ArgumentException(m),
        [typeof(ArgumentNullException).FullName!] = m => new ArgumentNullException(null, m),
        [typeof(ArgumentOutOfRangeException).FullName!] = m => new ArgumentOutOfRangeException(null, m),
        [typeof(InvalidOperationException).FullName!] = m => new InvalidOperationException(m),
        [typeof(KeyNotFoundException).FullName!] = m => new KeyNotFoundException(m),
#pragma warning disable CA2201 // Re-creating the type the remote code threw is the point.
        [typeof(IndexOutOfRangeException).FullName!] = m => new IndexOutOfRangeException(m),
#pragma warning restore CA2201
        [typeof(NotSupportedException).FullName!] = m => new NotSupportedException(m),
        [typeof(NotImplementedException).FullName!] = m => new NotImplementedException(m),
        [typeof(TimeoutException).FullName!] = m => new TimeoutException(m),
        [typeof(OperationCanceledException).FullName!] = m => new OperationCanceledException(m),
        [typeof(TaskCanceledException).FullName!] = m => new OperationCanceledException(m),
        [typeof(ObjectDisposedException).FullName!] = m => new ObjectDisposedException(null, m),
        [typeof(FormatException).FullName!] = m => new FormatException(m),
        [typeof(InvalidCastException).FullName!] = m => new InvalidCastException(m),
        [typeof(InsufficientMemoryException).FullName!] = m => new InsufficientMemoryException(m),
        [typeof(OverflowException).FullName!] = m => new OverflowException(m),
        [typeof(DivideByZeroException).FullName!] = m => new DivideByZeroException(m),
        [typeof(MissingMethodException).FullName!] = m => new MissingMethodException(m),
        [typeof(SynchronizationLockException).FullName!] = m => new SynchronizationLockException(m),
        [typeof(BarrierPostPhaseException).FullName!] = m => new BarrierPostPhaseException(m),
        [typeof(SemaphoreFullException).FullName!] = m => new SemaphoreFullException(m),
        [typeof(AuthenticationException).FullName!] = m => new AuthenticationException(m),
    };

    /// <summary>Writes an Error message: <c>[Error, callId, type, message, stack]</c>.</summary>
    public static void Write(FrameBuffer frame, uint callId, Exception exception)
    {
        var writer = new MessagePackWriter(frame);
        writer.WriteArrayHeader(5);
        writer.Write((byte)MessageKind.Error);
        writer.Write(callId);
        WriteFields(ref writer, exception);
        writer.Flush();
    }

    /// <summary>
    /// Writes the three error fields, <c>type full name, message, stack trace</c>: the manager
    /// protocol after the call id, the worker channel as its error body.
    /// </summary>
    /// <remarks>A single exception inside an <see cref="AggregateException"/> is written as itself; an inner exception is appended to the stack trace.</remarks>
    public static void WriteFields(ref MessagePackWriter writer, Exception exception)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        string? stack = exception.StackTrace;
        if (exception.InnerException is { } inner)
        {
            stack = $"{stack}{Environment.NewLine} ---> {inner}";
        }

        writer.Write(exception.GetType().FullName);
        writer.Write(exception.Message);
        writer.Write(stack);
    }

    /// <summary>Reads the three error fields that follow the call id.</summary>
    public static Exception Read(ref MessagePackReader reader)
    {
        string typeName = reader.ReadString() ?? "System.Exception";
        string message = reader.ReadString() ?? string.Empty;
        string? stackTrace = reader.ReadString();
        return Create(typeName, message, stackTrace);
    }

    public static Exception Create(string typeName, string message, string? stackTrace)
    {
        if (!s_known.TryGetValue(typeName, out Func<string, Exception>? factory))
        {
            return new RemoteException(typeName, message, stackTrace);
        }

        Exception exception = factory(message);
        return stackTrace is null ? exception : ExceptionDispatchInfo.SetRemoteStackTrace(exception, stackTrace);
    }
}
