using System.Globalization;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary>Turns an error reply into the exception a .NET caller expects (docs/python.md, "The C# client").</summary>
internal static class PythonErrorMapping
{
    public const string RemoteErrorType = "multiprocessing.managers.RemoteError";
    public const string KeyError = "builtins.KeyError";
    public const string IndexError = "builtins.IndexError";
    public const string ValueError = "builtins.ValueError";
    public const string QueueEmpty = "_queue.Empty";
    public const string QueueFull = "queue.Full";
    public const string QueueShutDown = "queue.ShutDown";

    /// <summary>The exception for a <c>#ERROR</c>, <c>#TRACEBACK</c> or <c>#UNSERIALIZABLE</c> reply.</summary>
    public static Exception ToException(PythonReply reply, string context)
    {
        switch (reply.Kind)
        {
            case PythonReply.Error:
                return FromPythonException(reply.Value);
            case PythonReply.Traceback or PythonReply.Unserializable:
                string text = reply.Value as string ?? "";
                string prefix = reply.Kind == PythonReply.Unserializable ? "Unserializable message: " : "";
                return new PythonRemoteException(RemoteErrorType, $"The Python manager refused {context}: {prefix}{LastLine(text)}", [], text);
            default:
                return new ProtocolViolationException($"The Python manager answered {context} with {reply.Kind}.");
        }
    }

    /// <summary>Whether <paramref name="exception"/> is (or wraps) the Python exception class <paramref name="pythonType"/>.</summary>
    public static bool Is(Exception exception, string pythonType)
    {
        string? type = (exception as PythonRemoteException ?? exception.InnerException as PythonRemoteException)?.PythonType;
        return type == pythonType || (pythonType == QueueEmpty && type == "queue.Empty");
    }

    private static Exception FromPythonException(object? value)
    {
        if (value is not PyObject { Class: { } cls } error)
        {
            return new PythonRemoteException("builtins.object", "The Python manager raised something that is not an exception object.", [PythonValueDecoder.Decode(value, null)], null);
        }

        string type = cls.ToString();
        object?[] args = [.. error.Args.Select(a => PythonValueDecoder.Decode(a, null))];
        string message = $"{cls.Name}{(args.Length == 0 ? "" : ": " + string.Join(", ", args.Select(Format)))} (raised by the Python manager)";
        var python = new PythonRemoteException(type, message, args, null);
        return type switch
        {
            KeyError => new KeyNotFoundException(message, python),
            IndexError => new ArgumentOutOfRangeException(message, python),
            ValueError or "builtins.TypeError" => new ArgumentException(message, python),
            "builtins.RuntimeError" or QueueShutDown => new InvalidOperationException(message, python),
            "builtins.NotImplementedError" => new NotSupportedException(message, python),
            "builtins.AttributeError" => new MissingMemberException(message, python),
            "builtins.ZeroDivisionError" => new DivideByZeroException(message, python),
            "builtins.OverflowError" => new OverflowException(message, python),
            "builtins.TimeoutError" => new TimeoutException(message, python),
            "builtins.MemoryError" => new InsufficientMemoryException(message, python),
            _ => python,
        };
    }

    private static string Format(object? value) => value switch
    {
        null => "None",
        string s => "'" + s + "'",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string LastLine(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => !l.StartsWith('-')) ?? "(no details)";
}
