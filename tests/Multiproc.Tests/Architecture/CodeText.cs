using System.Text;

namespace Multiproc.Tests.Architecture;

/// <summary>Reduces C# source to its code: comments (<c>//</c>, <c>/* */</c>, <c>///</c>) and the text of string
/// and character literals (regular, verbatim, raw and interpolated) are removed, while the code inside
/// interpolation holes is kept.</summary>
internal sealed class CodeText
{
    private readonly string _source;
    private readonly StringBuilder _code;
    private int _position;

    private CodeText(string source)
    {
        _source = source;
        _code = new StringBuilder(source.Length);
    }

    public static string Strip(string source)
    {
        var text = new CodeText(source);
        text.ReadCode(inHole: false);
        return text._code.ToString();
    }

    private char Peek(int ahead = 0) => _position + ahead < _source.Length ? _source[_position + ahead] : '\0';

    /// <summary>Copies code until the end, or, inside an interpolation hole, until the brace that closes it.</summary>
    private void ReadCode(bool inHole)
    {
        int depth = 0;
        while (_position < _source.Length)
        {
            char c = Peek();
            if (c == '/' && Peek(1) == '/')
            {
                SkipUntil("\n");
            }
            else if (c == '/' && Peek(1) == '*')
            {
                _position += 2;
                SkipUntil("*/");
                _code.Append(' ');
            }
            else if (c == '\'')
            {
                SkipCharacterLiteral();
            }
            else if (c is '"' or '$' or '@' && TryReadString())
            {
                _code.Append(' ');
            }
            else if (inHole && c == '}' && depth-- == 0)
            {
                _position++;
                return;
            }
            else
            {
                depth += c == '{' ? 1 : 0;
                _code.Append(c);
                _position++;
            }
        }
    }

    /// <summary>Moves past <paramref name="end"/> (a line comment keeps its newline).</summary>
    private void SkipUntil(string end)
    {
        int at = _source.IndexOf(end, _position, StringComparison.Ordinal);
        _position = at < 0 ? _source.Length : end == "\n" ? at : at + end.Length;
    }

    private void SkipCharacterLiteral()
    {
        _position++;
        while (_position < _source.Length && Peek() is not '\'' and not '\n')
        {
            _position += Peek() == '\\' ? 2 : 1;
        }

        _position++;
        _code.Append(' ');
    }

    /// <summary>Skips a string literal starting here, if one does; reads the code in its holes.</summary>
    private bool TryReadString()
    {
        int start = _position;
        int dollars = 0;
        bool verbatim = false;
        for (; Peek() is '$' or '@'; _position++)
        {
            dollars += Peek() == '$' ? 1 : 0;
            verbatim |= Peek() == '@';
        }

        int quotes = 0;
        while (Peek(quotes) == '"')
        {
            quotes++;
        }

        if (quotes == 0)
        {
            _position = start;
            return false;
        }

        if (quotes >= 3 && !verbatim)
        {
            _position += quotes;
            ReadRawContent(quotes, dollars);
        }
        else
        {
            _position++;
            ReadQuotedContent(verbatim, dollars > 0);
        }

        return true;
    }

    private void ReadQuotedContent(bool verbatim, bool interpolated)
    {
        while (_position < _source.Length)
        {
            char c = Peek();
            if (c == '"' && verbatim && Peek(1) == '"')
            {
                _position += 2;
            }
            else if (c == '"' || (c == '\n' && !verbatim))
            {
                _position++;
                return;
            }
            else if (c == '\\' && !verbatim)
            {
                _position += 2;
            }
            else if (interpolated && c is '{' or '}' && Peek(1) == c)
            {
                _position += 2;
            }
            else if (interpolated && c == '{')
            {
                _position++;
                _code.Append(' ');
                ReadCode(inHole: true);
            }
            else
            {
                _position++;
            }
        }
    }

    private void ReadRawContent(int quotes, int dollars)
    {
        while (_position < _source.Length)
        {
            int run = Run(Peek());
            if (Peek() == '"' && run >= quotes)
            {
                _position += run;
                return;
            }

            if (Peek() == '{' && dollars > 0 && run >= dollars)
            {
                _position += run;
                _code.Append(' ');
                ReadCode(inHole: true);
                _position += Math.Min(dollars - 1, Run('}'));
            }
            else
            {
                _position += Math.Max(run, 1);
            }
        }
    }

    private int Run(char c)
    {
        int length = 0;
        while (Peek(length) == c)
        {
            length++;
        }

        return length;
    }
}
