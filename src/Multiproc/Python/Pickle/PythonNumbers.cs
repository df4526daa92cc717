using System.Numerics;

namespace Multiproc.Python.Pickle;

/// <summary>Python's numeric tower over the value model's numbers: <c>bool</c>, <c>long</c> (and <c>int</c> from C#),
/// <see cref="BigInteger"/> and <c>double</c> compare and hash by value, so <c>1 == 1.0 == True</c>.</summary>
internal static class PythonNumbers
{
    /// <summary>Gets whether <paramref name="value"/> is a number of the value model.</summary>
    public static bool IsNumber(object? value) => value is bool or long or int or BigInteger or double;

    /// <summary>An integer in the model's normal form: a <c>long</c> when it fits, else the <see cref="BigInteger"/>.</summary>
    public static object Normalize(BigInteger value)
        => value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    /// <summary>Compares two numbers by value; null when either is NaN (unordered, as in Python).</summary>
    public static int? Compare(object x, object y)
    {
        if (x is double dx)
        {
            if (y is double dy)
            {
                return dx < dy ? -1 : dx > dy ? 1 : dx == dy ? 0 : null;
            }

            return -CompareIntegerDouble(Integer(y), dx);
        }

        if (y is double d)
        {
            return CompareIntegerDouble(Integer(x), d);
        }

        return x is BigInteger || y is BigInteger ? Integer(x).CompareTo(Integer(y)) : Long(x).CompareTo(Long(y));
    }

    /// <summary>Gets whether two numbers are equal by value (NaN equals nothing).</summary>
    public static bool Equal(object x, object y) => Compare(x, y) == 0;

    /// <summary>A hash that equal numbers share, whatever their types.</summary>
    public static int Hash(object value)
    {
        if (value is double d)
        {
            if (double.IsNaN(d))
            {
                return 0;
            }

            if (double.IsInfinity(d) || Math.Floor(d) != d)
            {
                return d.GetHashCode();
            }

            return d is >= long.MinValue and < long.MaxValue ? ((long)d).GetHashCode() : new BigInteger(d).GetHashCode();
        }

        BigInteger integer = Integer(value);
        return integer >= long.MinValue && integer <= long.MaxValue ? ((long)integer).GetHashCode() : integer.GetHashCode();
    }

    private static int CompareIntegerDouble(BigInteger integer, double d)
    {
        if (double.IsNaN(d))
        {
            // Unordered: callers that need an answer read "neither is smaller" (what Python's sort sees).
            return 0;
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? -1 : 1;
        }

        // Exact: casting the integer to double would merge 2**53 + 1 with 2**53.
        double floor = Math.Floor(d);
        int order = integer.CompareTo(new BigInteger(floor));
        return order != 0 ? order : d > floor ? -1 : 0;
    }

    private static long Long(object value) => value switch
    {
        bool b => b ? 1 : 0,
        int i => i,
        _ => (long)value,
    };

    private static BigInteger Integer(object value) => value is BigInteger big ? big : Long(value);
}
