namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>The last lines a child process wrote, kept for the message of a failure (the pipe is drained so the child never blocks on it).</summary>
public sealed class OutputTail(int capacity = 60)
{
    private readonly Queue<string> _lines = new();

    /// <summary>Adds a line, dropping the oldest beyond the capacity.</summary>
    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}
