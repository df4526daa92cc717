using Multiproc;

namespace HostedManager;

/// <summary>What each worker process runs: it counts words into the dictionary the host's manager holds.</summary>
public static class Tally
{
    public static void CountWords(ISharedDictionary<string, int> counts, string text)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(text);
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            counts.Increment(word, 1);   // atomic on the manager: no lost updates between processes
        }
    }
}
