using System.Threading;
using Multiproc.Python.Pickle;

namespace Multiproc.Python;

/// <summary>
/// The Python exception objects a <c>#ERROR</c> reply carries (the protocol notes §5): a stock client
/// raises the unpickled object itself, so its class decides what <c>except</c> catches and its
/// <c>args</c> what the code reads (<c>KeyError(k).args == (k,)</c>).
/// </summary>
/// <remarks>
/// Conditions the dispatch knows by context get their own factory (a missing key, an empty or full
/// queue, a broken barrier, an exhausted iterator, a missing attribute); any other exception a server
/// or a user's method throws is mapped by its .NET type with <see cref="From"/>. <c>#TRACEBACK</c>
/// (<c>RemoteError</c> in the client) is for protocol errors only, never for these: a
/// <c>RemoteError</c> would slip past the client's <c>except KeyError</c>.
/// </remarks>
internal static class PythonErrors
{
    /// <summary><c>KeyError(key)</c>: a missing dict key (<c>d[k]</c>, <c>del d[k]</c>, <c>pop(k)</c>, <c>popitem()</c> of an empty dict).</summary>
    public static PyObject KeyError(object? key) => PyObject.Reduce("builtins", "KeyError", key);

    /// <summary><c>IndexError(message)</c>: a list or array index out of range, <c>pop()</c> of an empty list.</summary>
    public static PyObject IndexError(string message) => PyObject.Reduce("builtins", "IndexError", message);

    /// <summary><c>queue.Empty()</c>: a <c>get</c> that timed out or did not block (the class is <c>_queue.Empty</c>, as CPython pickles it).</summary>
    public static PyObject QueueEmpty() => PyObject.Reduce("_queue", "Empty");

    /// <summary><c>queue.Full()</c>: a <c>put</c> on a full queue that timed out or did not block.</summary>
    public static PyObject QueueFull() => PyObject.Reduce("queue", "Full");

    /// <summary><c>threading.BrokenBarrierError()</c>: a barrier wait that was broken, aborted or timed out.</summary>
    public static PyObject BrokenBarrier() => PyObject.Reduce("threading", "BrokenBarrierError");

    /// <summary><c>StopIteration()</c>: an exhausted iterator's <c>__next__</c>.</summary>
    public static PyObject StopIteration() => PyObject.Reduce("builtins", "StopIteration");

    /// <summary><c>AttributeError(message)</c>: a Namespace attribute that is not there.</summary>
    public static PyObject AttributeError(string message) => PyObject.Reduce("builtins", "AttributeError", message);

    /// <summary><c>RuntimeError(message)</c>: releasing an unlocked lock, a non-owner's release, a dict changed during iteration.</summary>
    public static PyObject RuntimeError(string message) => PyObject.Reduce("builtins", "RuntimeError", message);

    /// <summary><c>ValueError(message)</c>: <c>index</c>/<c>remove</c> of a missing item, an over-released bounded semaphore, an extra <c>task_done</c>.</summary>
    public static PyObject ValueError(string message) => PyObject.Reduce("builtins", "ValueError", message);

    /// <summary><c>TypeError(message)</c>: an unorderable sort, an unhashable key, a call with the wrong arguments.</summary>
    public static PyObject TypeError(string message) => PyObject.Reduce("builtins", "TypeError", message);

    /// <summary>The Python exception for an exception a server or a user's method threw, by its .NET type.</summary>
    /// <remarks>
    /// <c>KeyNotFoundException</c> maps to <c>KeyError</c> with the message as its argument: a caller that knows
    /// the key uses <see cref="KeyError"/> instead, so <c>args</c> is the key itself. An exception of no listed
    /// type becomes <c>RuntimeError("TypeName: message")</c>, so Python code sees which .NET error it was.
    /// </remarks>
    public static PyObject From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message;
        return exception switch
        {
            KeyNotFoundException => PyObject.Reduce("builtins", "KeyError", message),
            ArgumentOutOfRangeException or IndexOutOfRangeException => IndexError(message),
            PythonTypeErrorException or InvalidCastException => TypeError(message),
            ArgumentException or FormatException => ValueError(message),
            SynchronizationLockException or InvalidOperationException => RuntimeError(message),
            NotImplementedException or NotSupportedException => PyObject.Reduce("builtins", "NotImplementedError", message),
            DivideByZeroException => PyObject.Reduce("builtins", "ZeroDivisionError", message),
            OverflowException => PyObject.Reduce("builtins", "OverflowError", message),
            TimeoutException => PyObject.Reduce("builtins", "TimeoutError", message),
            OutOfMemoryException or InsufficientMemoryException => PyObject.Reduce("builtins", "MemoryError", message),
            _ => RuntimeError($"{exception.GetType().FullName}: {message}"),
        };
    }
}
