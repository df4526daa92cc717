namespace Multiproc.Proxies;

/// <summary>Turns the <c>params</c> arguments of an untyped call into its argument list.</summary>
internal static class CallArgumentList
{
    /// <summary>Returns the arguments; a lone <see langword="null"/> passed as the array means one null argument.</summary>
    /// <exception cref="ArgumentException">A <see cref="CancellationToken"/> is among the arguments: it would travel as a value, not cancel anything.</exception>
    public static object?[] FromParams(object?[]? args)
    {
        if (args is null)
        {
            return [null];
        }

        foreach (object? arg in args)
        {
            if (arg is CancellationToken)
            {
                throw new ArgumentException(
                    "A CancellationToken was passed as a call argument, where it would be sent as a value. Use the overload that takes (IReadOnlyList<object?> args, CancellationToken cancellationToken).",
                    nameof(args));
            }
        }

        return args;
    }
}
