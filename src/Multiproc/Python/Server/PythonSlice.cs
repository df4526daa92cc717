using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>A <c>slice</c> resolved against a length, as Python's <c>slice.indices(len)</c> does.</summary>
internal readonly record struct PythonSlice(int Start, int Stop, int Step)
{
    /// <summary>Gets how many indices the slice selects.</summary>
    public int Count => Step > 0
        ? (Stop > Start ? ((Stop - Start - 1) / Step) + 1 : 0)
        : (Stop < Start ? ((Start - Stop - 1) / -Step) + 1 : 0);

    /// <summary>The <paramref name="i"/>-th index the slice selects.</summary>
    public int this[int i] => Start + (i * Step);

    /// <summary>Resolves <paramref name="value"/> when it is a <c>slice</c>; false for anything else.</summary>
    /// <exception cref="ArgumentException">The step is zero (Python's <c>ValueError</c>).</exception>
    /// <exception cref="PythonTypeErrorException">A bound is not an int or None.</exception>
    public static bool TryResolve(object? value, int length, out PythonSlice slice)
    {
        slice = default;
        if (value is not PyObject obj || !obj.TryGetSlice(out object? start, out object? stop, out object? step))
        {
            return false;
        }

        long stepValue = step is null ? 1 : PythonArguments.ToIndex(step, "slice indices");
        if (stepValue == 0)
        {
            throw new ArgumentException("slice step cannot be zero");
        }

        stepValue = Math.Clamp(stepValue, -int.MaxValue, int.MaxValue);
        int lower = stepValue < 0 ? -1 : 0;
        int upper = stepValue < 0 ? length - 1 : length;
        int first = start is null ? (stepValue < 0 ? upper : lower) : Clamp(PythonArguments.ToIndex(start, "slice indices"), length, lower, upper);
        int last = stop is null ? (stepValue < 0 ? lower : upper) : Clamp(PythonArguments.ToIndex(stop, "slice indices"), length, lower, upper);
        slice = new PythonSlice(first, last, (int)stepValue);
        return true;
    }

    private static int Clamp(long index, int length, int lower, int upper)
    {
        if (index < 0)
        {
            index += length;
            return (int)Math.Max(index, lower);
        }

        return (int)Math.Min(index, upper);
    }
}
