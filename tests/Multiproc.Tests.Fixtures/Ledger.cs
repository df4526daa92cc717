
namespace Multiproc.Tests.Fixtures;

/// <summary>A class registered without an interface, for untyped and dynamic access.</summary>
public sealed class Ledger
{
    private readonly List<string> _entries = [];

    public Ledger(string owner)
    {
        Owner = owner;
    }

    public string Owner { get; }

    public int Count => _entries.Count;

    public int Add(string entry)
    {
        _entries.Add(entry);
        return _entries.Count;
    }

    public int Add(string entry, int times)
    {
        for (int i = 0; i < times; i++)
        {
            _entries.Add(entry);
        }

        return _entries.Count;
    }

    public string[] Entries() => [.. _entries];
}
