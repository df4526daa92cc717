using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using MessagePack;
using Multiproc.Python.Pickle;
using Multiproc.Serialization;
using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>
/// A registered C# class seen from Python (an <c>AutoProxy</c> typeid): its members under snake_case names
/// (<see cref="PythonExposure"/>), arguments and results mapped through MessagePack as a .NET client's would be.
/// </summary>
/// <remarks>The exposure is checked when the listener starts, so a name collision fails <c>Manager.StartAsync</c>,
/// never a client's first call.</remarks>
internal sealed class PythonUserType : PythonSharedType
{
    private readonly SharedTypeBinding _binding;
    private readonly PythonExposure _exposure;

    // Each exposed member compiled once, at its first call, as the native dispatch compiles it (ServerMethod).
    private readonly ConcurrentDictionary<MethodInfo, (ServerMethod Compiled, ParameterInfo[] Parameters)> _methods = new();

    /// <exception cref="ArgumentException">Two members map to one Python name with the same parameter count.</exception>
    public PythonUserType(SharedTypeBinding binding)
    {
        _binding = binding;
        _exposure = PythonExposure.Of(binding.Registration, static type => type == typeof(Caller));
        Exposed = _exposure.Names;
    }

    public override string TypeId => _binding.TypeId;

    public override IReadOnlyList<string> Exposed { get; }

    public override SharedTypeBinding Binding(PythonContext context) => _binding;

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        if (arguments.HasKeywords)
        {
            throw new PythonTypeErrorException($"{TypeId}() takes positional arguments only from Python");
        }

        if (_binding.Registration.Factory is { } factory)
        {
            return arguments.Count == 0
                ? factory.DynamicInvoke() ?? throw new InvalidOperationException($"The factory of '{TypeId}' returned null.")
                : throw new PythonTypeErrorException($"'{TypeId}' is made by a factory, which takes no arguments");
        }

        Exception? lastError = null;
        foreach (ServerConstructor constructor in _binding.Constructors.Where(c => c.Parameters.Count == arguments.Count))
        {
            try
            {
                object?[] converted = Convert(arguments.Positional, constructor.Parameters.Select(p => p.ParameterType), context);
                return constructor.Construct(converted, context.Host.Clock, context.Host.MemoryQuota);
            }
            catch (MessagePackSerializationException ex)
            {
                lastError = ex;
            }
        }

        throw lastError is null
            ? new PythonTypeErrorException($"{TypeId}() has no constructor taking {arguments.Count} argument(s)")
            : new PythonTypeErrorException($"{TypeId}(): {lastError.Message}");
    }

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError($"a {TypeId} is not copied by value; call its methods");

    public override string Repr(object instance, PythonValues values) => $"<{TypeId} object>";

    public override async ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        PythonArguments args = call.Arguments;
        if (!_exposure.TryFind(call.Method, args.Count + args.Keywords.Count(), out MethodInfo? method))
        {
            throw Exposed.Contains(call.Method, StringComparer.Ordinal)
                ? new PythonTypeErrorException($"{call.Method}() takes a different number of arguments")
                : NotExposed(call.Method);
        }

        (ServerMethod compiled, ParameterInfo[] parameters) = _methods.GetOrAdd(
            method, static (m, contract) => (ServerMethod.Create(m, contract), m.GetParameters()), _binding.Contract);
        object?[] converted;
        try
        {
            converted = Bind(args, parameters, call);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new PythonTypeErrorException($"{call.Method}(): {ex.Message}");
        }

        object? result = compiled.Invoker(call.Instance, converted);
        if (compiled.Awaiter is { } awaiter)
        {
            result = await awaiter(result).ConfigureAwait(false);
        }

        return compiled.ResultType == typeof(void) ? null : ToPython(result, compiled.ResultType, call.Context);
    }

    /// <summary>
    /// Positional arguments, then keywords by their snake_case parameter names, each converted to its parameter's
    /// type; the call's token and caller where the method takes them (Python never sends those).
    /// </summary>
    private static object?[] Bind(PythonArguments args, ParameterInfo[] parameters, PythonInvocation call)
    {
        object?[] values = new object?[parameters.Length];
        int sent = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            Type type = parameters[i].ParameterType;
            if (type == typeof(CancellationToken))
            {
                values[i] = call.CancellationToken;
                continue;
            }

            if (type == typeof(Caller))
            {
                values[i] = call.Caller;
                continue;
            }

            object? value = sent < args.Count
                ? args.Positional[sent]
                : args.Require(int.MaxValue, PythonNames.Of(parameters[i].Name ?? $"arg{i}"));
            sent++;
            values[i] = FromPython(value, type, call.Context);
        }

        return values;
    }

    private static object?[] Convert(IEnumerable<object?> values, IEnumerable<Type> types, PythonContext context)
        => [.. values.Zip(types, (value, type) => FromPython(value, type, context))];

    private static object? FromPython(object? value, Type type, PythonContext context)
    {
        // MessagePack reads a decimal only from its string; a Python int or float is a fine decimal argument.
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal) && value is long or double or bool)
        {
            return System.Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        EncodedValue encoded = context.Values.Encode(value);
        var reader = new MessagePackReader(encoded.Bytes.ToArray());
        return ValueCodec.GetReader(type)(ref reader, context.SerializerOptions);
    }

    private static object? ToPython(object? value, Type type, PythonContext context)
    {
        // MessagePack spells a decimal as a string; Python code expects a Decimal.
        if (value is decimal number)
        {
            return PyObject.Reduce("decimal", "Decimal", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        ValueCodec.GetWriter(type)(ref writer, value, context.SerializerOptions);
        writer.Flush();
        return context.Values.Decode(new EncodedValue(buffer.WrittenSpan.ToArray(), null));
    }
}
