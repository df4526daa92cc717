namespace Multiproc.Server.Dispatch;

/// <summary>
/// Binds arguments given by position and by parameter name (Python's <c>f(1, b=2)</c>) to a
/// member's parameters, for front ends whose protocol sends keywords. The native protocol is
/// positional only and does not use it.
/// </summary>
/// <remarks>
/// Values are already decoded by the front end. Names are the C# parameter names, matched
/// ordinally; a front end that renames (snake_case) maps them first. The <see cref="CancellationToken"/>
/// and <see cref="Caller"/> slots are left for the dispatcher to fill, as for positional calls.
/// </remarks>
internal static class KeywordBinding
{
    /// <summary>Returns the full argument array of <paramref name="method"/>, ready for a <see cref="MethodCall"/>.</summary>
    /// <exception cref="ArgumentException">Too many positional values, an unknown name, a parameter given twice, or a required parameter missing; the message names it.</exception>
    public static object?[] Bind(ServerMethod method, IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
    {
        IReadOnlyList<System.Reflection.ParameterInfo> wire = method.WireParameters;
        if (positional.Count > wire.Count)
        {
            throw new ArgumentException($"{method.Signature} takes {wire.Count} argument(s); {positional.Count} were given by position.");
        }

        object?[] wireValues = new object?[wire.Count];
        bool[] given = new bool[wire.Count];
        for (int i = 0; i < positional.Count; i++)
        {
            wireValues[i] = positional[i];
            given[i] = true;
        }

        foreach ((string name, object? value) in named)
        {
            int index = IndexOf(wire, name);
            if (index < 0)
            {
                throw new ArgumentException($"{method.Signature} has no parameter '{name}'.");
            }

            if (given[index])
            {
                throw new ArgumentException($"{method.Signature} got parameter '{name}' twice (by position and by name).");
            }

            wireValues[index] = value;
            given[index] = true;
        }

        for (int i = 0; i < wire.Count; i++)
        {
            if (!given[i])
            {
                wireValues[i] = wire[i].HasDefaultValue
                    ? wire[i].DefaultValue
                    : throw new ArgumentException($"{method.Signature} is missing the required parameter '{wire[i].Name}'.");
            }
        }

        object?[] arguments = new object?[method.ParameterCount];
        int next = 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i != method.CancellationTokenIndex && i != method.CallerIndex)
            {
                arguments[i] = wireValues[next++];
            }
        }

        return arguments;
    }

    private static int IndexOf(IReadOnlyList<System.Reflection.ParameterInfo> parameters, string name)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            if (string.Equals(parameters[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
