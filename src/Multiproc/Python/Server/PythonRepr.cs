using System.Globalization;
using System.Numerics;
using System.Text;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>repr()</c> of a value in the model, for <c>str(proxy)</c>, <c>Namespace(...)</c> and error messages.</summary>
internal static class PythonRepr
{
    private const int MaxDepth = 50;

    public static string Of(object? value)
    {
        var text = new StringBuilder();
        Append(text, value, 0);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            text.Append("...");
            return;
        }

        switch (value)
        {
            case null:
                text.Append("None");
                break;
            case bool flag:
                text.Append(flag ? "True" : "False");
                break;
            case long or BigInteger:
                text.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case double number:
                text.Append(Float(number));
                break;
            case string str:
                AppendString(text, str);
                break;
            case PyBytes bytes:
                AppendBytes(text, bytes.Value.Span);
                break;
            case PyByteArray bytes:
                text.Append("bytearray(");
                AppendBytes(text, bytes.Items.ToArray());
                text.Append(')');
                break;
            case PyList list:
                AppendItems(text, "[", list.Items, "]", depth);
                break;
            case PyTuple { Count: 1 } single:
                text.Append('(');
                Append(text, single[0], depth + 1);
                text.Append(",)");
                break;
            case PyTuple tuple:
                AppendItems(text, "(", tuple, ")", depth);
                break;
            case PySet { Items.Count: 0 }:
                text.Append("set()");
                break;
            case PySet set:
                AppendItems(text, "{", set.Items, "}", depth);
                break;
            case PyFrozenSet set:
                AppendItems(text, "frozenset({", set, "})", depth);
                break;
            case PyDict dict:
                text.Append('{');
                bool first = true;
                foreach ((object? key, object? item) in dict)
                {
                    text.Append(first ? string.Empty : ", ");
                    first = false;
                    Append(text, key, depth + 1);
                    text.Append(": ");
                    Append(text, item, depth + 1);
                }

                text.Append('}');
                break;
            case PyObject obj:
                text.Append('<').Append(obj.Callable).Append(" object>");
                break;
            default:
                text.Append(value);
                break;
        }
    }

    private static void AppendItems(StringBuilder text, string open, IEnumerable<object?> items, string close, int depth)
    {
        text.Append(open);
        bool first = true;
        foreach (object? item in items)
        {
            text.Append(first ? string.Empty : ", ");
            first = false;
            Append(text, item, depth + 1);
        }

        text.Append(close);
    }

    private static string Float(double number)
    {
        if (double.IsNaN(number))
        {
            return "nan";
        }

        if (double.IsInfinity(number))
        {
            return number > 0 ? "inf" : "-inf";
        }

        string shortest = number.ToString("R", CultureInfo.InvariantCulture);
        if (shortest.Contains('E', StringComparison.Ordinal))
        {
            // Python writes 1e+16 and 1e-05: a two-digit exponent at least, and an explicit sign.
            string[] parts = shortest.Split('E');
            int exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return $"{parts[0]}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        return Math.Abs(number) >= 1e16 ? number.ToString("0.#e+00", CultureInfo.InvariantCulture)
            : shortest.Contains('.', StringComparison.Ordinal) ? shortest : shortest + ".0";
    }

    private static void AppendString(StringBuilder text, string value)
    {
        char quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        text.Append(quote);
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when c == quote => text.Append('\\').Append(c),
                _ when c < ' ' || c == '\x7f' => text.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => text.Append(c),
            };
        }

        text.Append(quote);
    }

    private static void AppendBytes(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        text.Append("b'");
        foreach (byte b in bytes)
        {
            _ = b switch
            {
                (byte)'\\' => text.Append("\\\\"),
                (byte)'\'' => text.Append("\\'"),
                (byte)'\n' => text.Append("\\n"),
                (byte)'\r' => text.Append("\\r"),
                (byte)'\t' => text.Append("\\t"),
                < 0x20 or >= 0x7f => text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
                _ => text.Append((char)b),
            };
        }

        text.Append('\'');
    }
}
