using System.Text;

namespace Multiproc.Python;

/// <summary>
/// How a C# member is named to Python clients (docs/python.md, "Names"): <c>PascalCase</c> becomes
/// <c>snake_case</c>, and a name that is a Python keyword gets a trailing <c>_</c>.
/// </summary>
/// <remarks>
/// An underscore goes before each capital that follows a lowercase letter or a digit, and before
/// the last capital of an acronym run when a lowercase letter follows it: <c>GetHTTPStatus</c> →
/// <c>get_http_status</c>, <c>Raise</c> → <c>raise_</c>, <c>Utf8Length</c> → <c>utf8_length</c>.
/// A stock client builds its proxy by <c>exec</c>-ing <c>def name(self, /, *args, **kwds)</c> for
/// every exposed name, so a keyword would be a <c>SyntaxError</c> in the client: hence the suffix.
/// </remarks>
internal static class PythonNames
{
    // Python 3.8–3.13's hard keywords (keyword.kwlist). Soft keywords (match, case, type, _) are valid names.
    private static readonly HashSet<string> s_keywords = new(StringComparer.Ordinal)
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    };

    /// <summary>Gets whether <paramref name="name"/> is a Python keyword (which cannot name a method).</summary>
    public static bool IsKeyword(string name) => s_keywords.Contains(name);

    /// <summary>The Python name of a C# method, property accessor part or parameter: snake case, keywords suffixed.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static string Of(string csharpName)
    {
        string snake = ToSnakeCase(csharpName);
        return IsKeyword(snake) ? snake + "_" : snake;
    }

    /// <summary><c>PascalCase</c> or <c>camelCase</c> to <c>snake_case</c> (no keyword check).</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static string ToSnakeCase(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var snake = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_')
            {
                char previous = name[i - 1];
                bool afterLowerOrDigit = char.IsLower(previous) || char.IsDigit(previous);
                bool endsAcronym = char.IsUpper(previous) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLowerOrDigit || endsAcronym)
                {
                    snake.Append('_');
                }
            }

            snake.Append(char.ToLowerInvariant(c));
        }

        return snake.ToString();
    }
}
